#ifndef ACCC_CACHE_KEY_H
#define ACCC_CACHE_KEY_H
/*
 * Cache keys: an xxh3-128 hash over tagged fields.
 *
 * Every field is hashed as the text "<tag> <length>\n<bytes>\n", so the
 * encoding is unambiguous whatever the bytes hold, and the first field is
 * always "accc-key <key schema>.<entry format version>".  In debug mode the exact hashed text is
 * written to a file; `xxh128sum` of that file prints the key.
 *
 *	struct key_builder kb;
 *	char key[33];
 *	key_init(&kb);                        (or key_init_debug(&kb, path))
 *	key_addstr(&kb, "target", "host");
 *	key_add(&kb, "closure", text, len);
 *	key_final(&kb, key);
 */
#include "strbuf.h"

#include <stddef.h>

/* Bump when the set or meaning of the fields the callers add changes. */
#define CACHE_KEY_SCHEMA 2 /* 2: headers in token form */

struct key_builder {
	struct strbuf text;  /* everything hashed so far */
	char *debug_path;    /* NULL, or where key_final writes `text` */
};

void key_init(struct key_builder *kb);
/* As key_init(), and key_final() also writes the hashed text to `path`. */
void key_init_debug(struct key_builder *kb, const char *path);
/*
 * Add one field.  `tag` is a short name of letters, digits, '-', '_' or '.'
 * (anything else is a BUG()); the same tag may appear more than once.
 */
void key_add(struct key_builder *kb, const char *tag, const void *data, size_t len);
void key_addstr(struct key_builder *kb, const char *tag, const char *s);
void key_addf(struct key_builder *kb, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Put the key (32 lowercase hex digits and a NUL) in ret_hex and release the
 * builder.  Returns 0, or -1 (logged) when the debug file could not be
 * written; the key is valid either way.
 */
int key_final(struct key_builder *kb, char ret_hex[33]);

#endif
