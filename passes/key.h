#ifndef ACCC_KEY_H
#define ACCC_KEY_H
/*
 * A kernel's cache key (DESIGN.md, "Keys and entries"): xxh3-128 over
 * tagged fields (cache_key.h): the target and its hardware fingerprint, the
 * compiler's identity, the flags that can change code, the kernel's closure
 * in token form, every header the unit includes in token form, the
 * canonical clauses, and the evaluation-policy version.  Comments,
 * whitespace, line positions and edits to code the kernel does not use do
 * not change it; anything that can change the kernel's meaning does.
 */
#include "detect.h"
#include "strbuf.h"

struct key_inputs {
	const char *fingerprint;        /* the target's hardware fingerprint */
	const char *compiler;           /* compiler identity (key_compiler_identity) */
	const char *const *flags;       /* compile_args.key_flags */
	unsigned policy;                /* the target's evaluation-policy version */
	const char *debug_path;         /* write the hashed text here, or NULL */
};

/* Compute kernel ki's key into ret_hex.  Returns 0, or -1 (logged). */
int key_kernel(const struct detect *d, size_t ki, const struct key_inputs *in,
	       char ret_hex[33]);

/*
 * The identity of compiler `cc`: its `--version` first line and its
 * `-dumpmachine` target, e.g. "gcc (Debian 12.2.0-14) 12.2.0 / x86_64-linux-gnu".
 * Returns 0, or -1 when the compiler cannot be run.
 */
int key_compiler_identity(const char *cc, struct strbuf *out);

#endif
