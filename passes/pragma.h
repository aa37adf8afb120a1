#ifndef ACCC_PRAGMA_H
#define ACCC_PRAGMA_H
/*
 * The `#pragma autocomp` clause language: parsing the clause text into a
 * struct pragma, and checking it against the kernel's parameters.  Pure C,
 * no libclang (the detector feeds it text and parameter descriptions), so it
 * can be unit-tested and fuzzed on its own.
 *
 * Grammar (whitespace free between tokens; clauses in any order):
 *   clauses  := { clause }
 *   clause   := target(IDENT) | memory(host | device)
 *             | in(buf {, buf}) | out(buf {, buf}) | inout(buf {, buf})
 *             | args(IDENT = number {, IDENT = number})       (repeatable)
 *             | assume(expr)                                  (repeatable)
 *             | tol(number [, number])
 *             | init(IDENT : dist {, IDENT : dist})           (repeatable)
 *             | flops(expr) | bytes(expr)
 *             | budget(key = int {, key = int})   key: iterations beam plans samples
 *             | hint("string")                                (repeatable)
 *             | allow(word {, word})   word: fast_math optimize syscall nondeterministic tf32
 *   buf      := IDENT [ expr ]
 *   dist     := uniform(expr, expr) | normal(expr, expr) | range(expr, expr) | const(expr)
 * `expr` is a C expression over the kernel's scalar parameters and numeric
 * literals (see expr.h).  All offsets below are byte offsets into the text
 * handed to pragma_parse(); the detector maps them to file:line:col.
 *
 * Details (pragma.c): blanks between tokens include backslash-newline and
 * comments; clause names and words are case-sensitive; in/out/inout may
 * repeat (a buffer listed twice is pragma_check's error); tol(x) means
 * tol(x, x); numbers are C literals with an optional sign; hint strings
 * use C escapes, and adjacent literals are joined.  tol(x) is tol(x, 0):
 * an absolute tolerance of 0 tells the judge to scale it to the output.
 */
#include <stddef.h>

/* What kind of scalar a parameter (or a pointer parameter's element) is. */
enum kscalar {
	KS_OTHER = 0, /* struct, function pointer, void, ...: not benchmarkable */
	KS_BOOL,
	KS_INT,       /* signed integer types, char included when signed */
	KS_UINT,      /* unsigned integer types */
	KS_FLOAT,
	KS_DOUBLE,
	KS_LDOUBLE,
};

/* One parameter of the kernel, as the detector reads it from libclang. */
struct kparam {
	char *name;      /* NULL for an unnamed parameter */
	char *type;      /* the type as spelled, e.g. "const float *restrict" */
	char *elem_type; /* unqualified scalar type, or the pointee's: "float" */
	enum kscalar kind;
	unsigned size;   /* sizeof the scalar, or of the pointee */
	int is_pointer;  /* pointer to a scalar (one level) */
	int is_const;    /* pointee is const-qualified */
};

enum buf_dir { BUF_IN = 1, BUF_OUT = 2, BUF_INOUT = 3 };

struct pragma_buf {
	char *name;
	enum buf_dir dir;
	char *extent;    /* expression text, trimmed */
	size_t offset;   /* of the name */
	size_t extent_offset;
};

struct pragma_bind {
	char *name;
	char *value;     /* literal as written, e.g. "512", "-1.5e3" */
	size_t offset;
};

/* One args(...) clause: one benchmark shape. */
struct pragma_shape {
	struct pragma_bind *binds;
	size_t nr;
	size_t offset;
};

enum dist_kind { DIST_UNIFORM = 1, DIST_NORMAL, DIST_RANGE, DIST_CONST };

struct pragma_init {
	char *name;
	enum dist_kind dist;
	char *a, *b;     /* expression texts; b is NULL for const */
	size_t offset;   /* of the name */
	size_t a_offset, b_offset;
};

struct pragma_expr {
	char *text;
	size_t offset;
};

enum pragma_allow {
	ALLOW_FAST_MATH = 1 << 0,
	ALLOW_OPTIMIZE = 1 << 1,        /* #pragma GCC optimize, optimize attribute */
	ALLOW_SYSCALL = 1 << 2,
	ALLOW_NONDETERMINISTIC = 1 << 3, /* results may differ run to run */
	ALLOW_TF32 = 1 << 4,             /* cuda: fp32 products in tf32 tensor cores */
	ALLOW_ASM = 1 << 5,              /* inline assembly in a variant */
};

/* Where a target(cuda) kernel's pointers point (memory clause). */
enum pragma_memory {
	MEMORY_HOST = 0, /* ordinary host memory; the variant moves data itself */
	MEMORY_DEVICE,   /* device memory: the caller's CUDA buffers */
};

struct pragma {
	char *target;                    /* "host" when not given */
	size_t target_offset;
	enum pragma_memory memory;       /* MEMORY_HOST when not given */
	size_t memory_offset;
	struct pragma_buf *bufs; size_t nr_bufs;
	struct pragma_shape *shapes; size_t nr_shapes;
	struct pragma_expr *assumes; size_t nr_assumes;
	int has_tol;
	double rtol, atol;               /* meaningful when has_tol; tol(x) leaves
					    atol 0: scaled to the output by the judge */
	struct pragma_init *inits; size_t nr_inits;
	struct pragma_expr flops, bytes; /* text NULL when absent */
	long budget_iterations, budget_beam, budget_plans, budget_samples; /* 0: unset */
	char **hints; size_t nr_hints;
	unsigned allow;                  /* enum pragma_allow bits */
};

struct pragma_error {
	size_t offset;   /* where the problem is, into the parsed text */
	char *msg;       /* "unknown clause 'foo'", caller frees via pragma_error_release */
};

/* Zero a struct pragma (also what pragma_release leaves behind). */
void pragma_init(struct pragma *p);
void pragma_release(struct pragma *p);
void pragma_error_release(struct pragma_error *err);

/*
 * Parse `len` bytes of clause text (what follows the word "autocomp").
 * Returns 0 and fills *p, or -1 with *err describing the first problem
 * (unknown clause, syntax, duplicate clause that cannot repeat, bad number,
 * bad distribution, unknown budget key or allow word, ...).
 */
int pragma_parse(const char *text, size_t len, struct pragma *p,
		 struct pragma_error *err);

/*
 * Check a parsed pragma against the kernel's parameters: every buffer names
 * a pointer parameter, listed once; an out/inout buffer is not const; every
 * pointer parameter has a buffer clause; extents, assumes, init bounds,
 * flops and bytes use only scalar parameters; args binds only scalar
 * parameters, each once per clause, and every scalar parameter is bound by
 * each args clause or has an init clause; every parameter is named and of a
 * benchmarkable kind; `target` is one of `targets` (NULL-terminated; NULL
 * accepts any).  With each args clause's values, every assume that uses
 * only bound names must hold, and extents, flops and bytes must evaluate
 * (extents to integers >= 0).  Without any args clause every scalar needs
 * an init.  Returns 0, or -1 with *err.  Offsets point at the name at
 * fault (in an expression too), at the target's name, at the args clause
 * for a problem with its values; parameter problems at 0.
 */
int pragma_check(const struct pragma *p, const struct kparam *params,
		 size_t nr_params, const char *const *targets,
		 struct pragma_error *err);

/* Canonical text of the clauses (for keys and `accc kernels`): one clause
 * per item in a fixed order, whitespace normalized.  Caller frees.
 * Order: target, in/out/inout by buffer name, args as given, assume, tol,
 * init by name, flops, bytes, budget, hint, allow; expressions as
 * expr_print() writes them.  It parses back to the same canonical text. */
char *pragma_canonical(const struct pragma *p);

#endif
