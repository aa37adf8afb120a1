#include "cache_key.h"
#include "cache_entry.h"
#include "fs.h"
#include "log.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static void key_begin(struct key_builder *kb, const char *debug_path)
{
	strbuf_init(&kb->text, 1024);
	kb->debug_path = debug_path ? xstrdup(debug_path) : NULL;
	/* The entry format is in every key: entries of another format are
	 * never looked up, so accc versions sharing a cache never fight. */
	key_addf(kb, "accc-key", "%d.%d", CACHE_KEY_SCHEMA, CACHE_ENTRY_VERSION);
}

void key_init(struct key_builder *kb)
{
	key_begin(kb, NULL);
}

void key_init_debug(struct key_builder *kb, const char *path)
{
	key_begin(kb, path);
}

static int tag_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

void key_add(struct key_builder *kb, const char *tag, const void *data, size_t len)
{
	const char *p;

	if (!*tag)
		BUG("empty key tag");
	for (p = tag; *p; p++)
		if (!tag_char_ok(*p))
			BUG("bad key tag '%s'", tag);
	strbuf_addf(&kb->text, "%s %zu\n", tag, len);
	strbuf_add(&kb->text, data, len);
	strbuf_addch(&kb->text, '\n');
}

void key_addstr(struct key_builder *kb, const char *tag, const char *s)
{
	key_add(kb, tag, s, strlen(s));
}

void key_addf(struct key_builder *kb, const char *tag, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	key_add(kb, tag, sb.buf, sb.len);
	strbuf_release(&sb);
}

int key_final(struct key_builder *kb, char ret_hex[33])
{
	static const char hex[] = "0123456789abcdef";
	XXH128_canonical_t c;
	int ret = 0;

	XXH128_canonicalFromHash(&c, XXH3_128bits(kb->text.buf, kb->text.len));
	for (int i = 0; i < 16; i++) {
		ret_hex[2 * i] = hex[c.digest[i] >> 4];
		ret_hex[2 * i + 1] = hex[c.digest[i] & 15];
	}
	ret_hex[32] = '\0';
	if (kb->debug_path &&
	    write_file_atomic(kb->debug_path, kb->text.buf, kb->text.len, 0644) < 0)
		ret = error("cannot write the key text to '%s'", kb->debug_path);
	free(kb->debug_path);
	kb->debug_path = NULL;
	strbuf_release(&kb->text);
	return ret;
}
