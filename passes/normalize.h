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

#endif
