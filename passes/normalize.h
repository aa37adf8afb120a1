#ifndef ACCC_NORMALIZE_H
#define ACCC_NORMALIZE_H
/*
 * The token form of C source, for keys: comments dropped, `#line`
 * directives dropped, every token separated by one space, and a newline
 * only where the preprocessor needs one (around directives).  Two texts
 * that differ only in comments, whitespace or line positions normalize to
 * the same bytes; any change of a token changes the result.
 */
#include "strbuf.h"

#include <stddef.h>

void normalize_c(const char *text, size_t len, struct strbuf *out);

/* A token's byte range [start, end) in the text. */
struct norm_token {
	size_t start, end;
};
/*
 * As normalize_c, and *ret_toks (caller frees) holds the range of every
 * token kept in `out`, in order (*ret_nr of them): two texts that normalize
 * alike have their tokens at the same indexes.  libc only.
 */
void normalize_c_tokens(const char *text, size_t len, struct strbuf *out,
			struct norm_token **ret_toks, size_t *ret_nr);

#endif
