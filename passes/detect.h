#ifndef ACCC_DETECT_H
#define ACCC_DETECT_H
/*
 * Kernel detection: the only module that includes clang-c/Index.h.
 *
 * It parses the main file with libclang (with the user's preprocessing
 * flags), finds every `#pragma autocomp` and `_Pragma("autocomp ...")` that
 * the preprocessor really saw (also through a macro; not in `#if 0`),
 * binds each to the function definition that follows, reads the function's
 * parameters, and parses and checks the clauses.  Results are plain data
 * (byte ranges into the file's text) so that extraction and splicing are
 * text operations that do not need libclang.
 *
 * Only pragmas spelled in the main file count: a kernel lives in the unit
 * being compiled.
 */
#include "pragma.h"
#include "strbuf.h"
#include "strvec.h"

#include <stddef.h>

/* A byte range [start, end) of the main file. */
struct range {
	size_t start, end;
};

struct kernel {
	char *name;
	unsigned line, col;           /* of the function's name */
	unsigned pragma_line, pragma_col;
	struct range def;             /* the whole function definition */
	struct range body;            /* from '{' to '}' inclusive */
	int is_static;
	struct kparam ret;            /* the result: kind KS_OTHER for void */
	struct kparam *params;
	size_t nr_params;
	struct pragma pragma;
	char *pragma_text;            /* the clause text as parsed */
};

enum detect_status {
	DETECT_OK = 0,            /* kernels (possibly none) found */
	DETECT_PRAGMA_ERROR = 1,  /* a malformed pragma: diagnostics filled */
	DETECT_PARSE_FAILED = 2,  /* libclang could not parse: compile as is */
};

struct detect;

/*
 * Parse `path` with `flags` (the user's -I -D -U -std ... from
 * compile_args.parse_flags).  Always returns a detect object (caller frees
 * with detect_free) and sets *ret_status.  On DETECT_PRAGMA_ERROR,
 * detect_diagnostics() holds "file:line:col: error: autocomp: ..." lines; on
 * DETECT_PARSE_FAILED, it holds libclang's reason (for the log).
 */
struct detect *detect_file(const char *path, const struct strvec *flags,
			   enum detect_status *ret_status);
/*
 * The same for a unit held in memory (`path` names it, for quote includes
 * and messages; the file need not exist).  Used on variants.
 */
struct detect *detect_buffer(const char *path, const char *text, size_t len,
			     const struct strvec *flags,
			     enum detect_status *ret_status);
void detect_free(struct detect *d);

const char *detect_path(const struct detect *d);
/* The main file's bytes, as parsed. */
const struct strbuf *detect_text(const struct detect *d);
size_t detect_nr_kernels(const struct detect *d);
const struct kernel *detect_kernel(const struct detect *d, size_t i);
/* Index of the kernel named `name`, or -1. */
long detect_find(const struct detect *d, const char *name);
const char *detect_diagnostics(const struct detect *d);
/*
 * Ranges of pragma text to erase before the real compiler sees the file:
 * `#pragma autocomp` lines (their newlines kept) and `_Pragma("autocomp ..")`
 * operators spelled in the main file, also inside macro definitions.
 */
size_t detect_nr_sites(const struct detect *d);
struct range detect_site(const struct detect *d, size_t i);

/*
 * The closure of kernel i: the sorted, disjoint ranges of the main file
 * that a standalone unit needs: inclusion directives and the macros that
 * may configure them, macros, types, enum constants, static helpers and
 * data the kernel uses (transitively), and the kernel itself.  Caller frees
 * *ret_ranges.  Returns 0, or -1 on failure.
 */
int detect_closure(const struct detect *d, size_t i, struct range **ret_ranges,
		   size_t *ret_nr);

/*
 * Every file the unit includes, directly or not, in inclusion order, each
 * once (their contents are part of a kernel's meaning).  Appends to ret.
 */
void detect_headers(const struct detect *d, struct strvec *ret);

/* A loop statement inside a kernel, for mechanical rewrites. */
struct kloop {
	enum { KLOOP_FOR, KLOOP_WHILE, KLOOP_DO } kind;
	struct range stmt;      /* the whole statement, from its keyword */
	struct range body;      /* the body statement */
	unsigned depth;         /* 0: outermost loop of the kernel */
	long parent;            /* index of the enclosing loop, or -1 */
	int perfect;            /* a for whose body is exactly one for loop */
	char *var;              /* for: the induction variable, if simple */
};

/*
 * The loops of the function definition named `fn` in the main file, in
 * source order (outer before inner); offsets are into the main file.
 * Returns 0, or -1 when there is no such definition.  Caller frees with
 * detect_loops_free.
 */
int detect_loops(const struct detect *d, const char *fn, struct kloop **ret,
		 size_t *ret_nr);
/* The range of the definition of function `fn` in the main file; 0 or -1. */
int detect_function(const struct detect *d, const char *fn, struct range *ret);
void detect_loops_free(struct kloop *loops, size_t nr);

/* 1-based line of a byte offset of the main file. */
unsigned detect_line_of(const struct detect *d, size_t offset);

#endif
