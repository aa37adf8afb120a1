#ifndef ACCC_ANSWER_H
#define ACCC_ANSWER_H
/*
 * From an answer, as a model writes it, to a variant of the kernel: the
 * text that replaces the kernel's definition in its unit.
 *
 * Accepted shapes: fenced blocks with any C-like tag (c, C, cpp, c++, h,
 * none), the last block that defines the kernel winning, and within it the
 * last definition of the kernel; a whole answer without fences that defines
 * the kernel; edits applied to the current version, as a JSON list of
 * {"old_str", "new_str"} or as SEARCH/REPLACE blocks.  Then whatever
 * restates the unit is dropped (an item with the same tokens as one of the
 * unit's), and so are `main` and groups under test-only conditionals
 * (#ifdef TEST, BENCH, MAIN, DEBUG, STANDALONE, ...).  A static helper or
 * static data that restates a unit name with different tokens is renamed
 * in the variant; any other such name (macro, typedef, tag, global) is a
 * reason to reject the answer, named in it.
 *
 * Every change is a line of `notes`.  Depends on the base only.
 */
#include "strbuf.h"

#include <stddef.h>

struct answer_ctx {
	const char *kernel;     /* the kernel's name */
	const char *unit;       /* the whole unit, kernel included */
	size_t unit_len;
	size_t def_start, def_end; /* the kernel's definition in the unit */
	const char *current;    /* the version edits apply to (NULL: the unit's) */
};

/*
 * Turn `answer` into a variant (appended to out).  Returns 0, or -1 with a
 * one-line reason in `reason`.  Notes of what was done are appended to
 * `notes`, one a line.
 */
int answer_variant(const struct answer_ctx *ctx, const char *answer, struct strbuf *out,
		   struct strbuf *notes, struct strbuf *reason);

/*
 * The kernel's context as a prompt shows it: the unit's includes, then the
 * static helpers the code uses, then its types and macros, then the rest it
 * uses (tables, enum constants, declarations), at most max_lines lines; what
 * was cut is said in a last line naming it.
 */
void answer_context(const struct answer_ctx *ctx, const char *code, size_t max_lines,
		    struct strbuf *out);

#endif
