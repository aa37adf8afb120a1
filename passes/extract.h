#ifndef ACCC_EXTRACT_H
#define ACCC_EXTRACT_H
/*
 * Extraction: the standalone translation unit of one kernel, made of the
 * closure's ranges of the main file (detect_closure), each under a #line
 * directive naming the original file and line, pragma sites erased.  It
 * compiles on its own with the user's flags; it is what later stages hash,
 * show the model and benchmark.
 */
#include "detect.h"
#include "strbuf.h"

/*
 * Append the unit of kernel i to out; with `variant` non-NULL, the kernel's
 * definition is replaced by it (what the judge builds as a candidate).
 * Returns 0, or -1 on failure.
 */
int extract_unit(const struct detect *d, size_t i, const char *variant,
		 struct strbuf *out);
/*
 * The parts of the unit that carry the kernel's meaning, for its key: the
 * closure in token form (normalize.h), without positions or comments.
 */
int extract_closure_tokens(const struct detect *d, size_t i, struct strbuf *out);

#endif
