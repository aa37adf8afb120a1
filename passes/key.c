#include "key.h"
#include "cache_key.h"
#include "extract.h"
#include "log.h"
#include "normalize.h"
#include "run.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Hash each header's token form on its own (the key text stays small):
 * comments, whitespace and line positions in a header do not matter; every
 * token does, in inclusion order (a macro, a type, an inline helper, a
 * pragma such as `GCC optimize` or `pack`, a _Static_assert).
 */
static int add_headers(struct key_builder *kb, const struct detect *d)
{
	struct strvec headers = STRVEC_INIT;
	size_t i;
	int ret = 0;

	detect_headers(d, &headers);
	for (i = 0; i < headers.nr; i++) {
		struct strbuf sb = STRBUF_INIT, tokens = STRBUF_INIT;
		struct key_builder hk;
		char hex[33];

		if (strbuf_read_file(&sb, headers.v[i], 64 << 20) < 0) {
			ret = error("cannot read header '%s': %s", headers.v[i], strerror(errno));
			strbuf_release(&sb);
			break;
		}
		normalize_c(sb.buf, sb.len, &tokens);
		key_init(&hk);
		key_add(&hk, "header-tokens", tokens.buf, tokens.len);
		key_final(&hk, hex);
		key_addstr(kb, "header", hex);
		strbuf_release(&sb);
		strbuf_release(&tokens);
	}
	strvec_clear(&headers);
	return ret;
}

int key_kernel(const struct detect *d, size_t ki, const struct key_inputs *in,
	       char ret_hex[33])
{
	const struct kernel *k = detect_kernel(d, ki);
	struct key_builder kb;
	struct strbuf closure = STRBUF_INIT;
	char *clauses = NULL;
	const char *const *f;
	int ret = -1;

	if (in->debug_path)
		key_init_debug(&kb, in->debug_path);
	else
		key_init(&kb);
	key_addstr(&kb, "target", k->pragma.target);
	key_addstr(&kb, "hardware", in->fingerprint);
	key_addstr(&kb, "compiler", in->compiler);
	for (f = in->flags; *f; f++)
		key_addstr(&kb, "flag", *f);
	key_addstr(&kb, "kernel", k->name);
	if (extract_closure_tokens(d, ki, &closure) < 0)
		goto out;
	key_add(&kb, "closure", closure.buf, closure.len);
	if (add_headers(&kb, d) < 0)
		goto out;
	clauses = pragma_canonical(&k->pragma);
	key_addstr(&kb, "clauses", clauses);
	key_addf(&kb, "policy", "%u", in->policy);
	ret = 0;
out:
	key_final(&kb, ret_hex);
	free(clauses);
	strbuf_release(&closure);
	return ret;
}

static int first_line_of(const char *cc, const char *arg, struct strbuf *out)
{
	struct child c = CHILD_INIT;
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	int ret;

	strvec_push(&c.args, cc);
	strvec_push(&c.args, arg);
	c.stdin_null = 1;
	c.timeout_ms = 10000;
	ret = child_capture(&c, &sb, &err, 1 << 16) == 0 ? 0 : -1;
	if (!ret)
		strbuf_add(out, sb.buf, strcspn(sb.buf, "\n"));
	child_release(&c);
	strbuf_release(&sb);
	strbuf_release(&err);
	return ret;
}

int key_compiler_identity(const char *cc, struct strbuf *out)
{
	const char *base = strrchr(cc, '/') ? strrchr(cc, '/') + 1 : cc;
	size_t start = out->len, blen = strlen(base);

	if (first_line_of(cc, "--version", out) < 0)
		return error("cannot run '%s --version'", cc);
	/* gcc starts the line with the name it was called by: `cc` and `gcc`
	 * are the same compiler and must give the same keys */
	if (!strncmp(out->buf + start, base, blen) && out->buf[start + blen] == ' ')
		strbuf_splice(out, start, blen + 1, NULL, 0);
	strbuf_addstr(out, " / ");
	if (first_line_of(cc, "-dumpmachine", out) < 0)
		return error("cannot run '%s -dumpmachine'", cc);
	return 0;
}
