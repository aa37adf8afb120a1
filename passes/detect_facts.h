#ifndef ACCC_DETECT_FACTS_H
#define ACCC_DETECT_FACTS_H
/*
 * Facts about the statements of a function, read from libclang, for the
 * tuner's mechanical rewrites and their legality rules (passes/tuner*.c).
 * Part of the detector (the only libclang user): every answer is plain data,
 * byte ranges into the main file's text, names and type spellings.
 *
 * Every function takes the detect object, the name of a function defined in
 * the main file, and a byte range or offset inside that definition; none
 * changes the detect object.  Cursors produced by macro expansions count at
 * their expansion point; a fact that cannot be read is reported as unknown
 * (a NULL name, a flag), so callers stay conservative.
 */
#include "detect.h"

/*
 * The header of a for loop in the shape `for (T v = lo; v OP hi; STEP)`.
 * `var` is NULL when the header does not have that shape: all three parts
 * present, the init declares one variable or assigns one (`v = lo`), the
 * condition compares that variable (left operand, not converted) with an
 * expression, the step is ++/--/+=/-= on it.
 */
struct kfor {
	char *var;
	char *type;         /* v's type as declared ("int") */
	int declared;       /* the init declares v */
	int is_integer;     /* v has an integer type */
	int is_unsigned;
	unsigned size;      /* sizeof v */
	struct range lo;    /* the initial value */
	struct range hi;    /* the condition's right operand */
	char op[3];         /* "<", "<=", ">", ">=", "!=" */
	long step;          /* +k for v++, ++v, v += k (k an integer constant); 0: other */
	struct range header; /* from '(' to ')' inclusive */
};

/* Fill *ret for the for statement that starts at `stmt_start` (a kloop's
 * stmt.start).  Returns 0 (ret->var NULL when not canonical), or -1 when
 * there is no for statement there.  Release with kfor_release. */
int detect_for(const struct detect *d, const char *fn, size_t stmt_start,
	       struct kfor *ret);
void kfor_release(struct kfor *f);

enum kstmt_kind { KST_OTHER = 0, KST_DECL, KST_EXPR, KST_FOR, KST_COMPOUND, KST_NULL };

/* One statement of a statement list. */
struct kstmt {
	enum kstmt_kind kind;
	struct range r;         /* the statement, its ';' included */
	/* KST_DECL declaring exactly one variable: */
	char *name;             /* NULL otherwise */
	char *type;             /* as declared */
	struct range init;      /* its initializer (empty when none) */
	/* KST_EXPR that is an assignment (=, +=, -=, ...): */
	char op[4];             /* "" when not an assignment */
	struct range lhs, rhs;
	char *lhs_var;          /* lhs is a plain variable: its name */
	char *lhs_base;         /* lhs is v[index] with v a plain variable */
	struct range lhs_index;
};

/*
 * The statements of the statement at range `r` (as a kloop's body): a
 * compound statement gives its items, any other statement gives itself.
 * Returns 0 (caller frees with detect_stmts_free), or -1 when no statement
 * has exactly that range.
 */
int detect_stmts(const struct detect *d, const char *fn, struct range r,
		 struct kstmt **ret, size_t *ret_nr);
void detect_stmts_free(struct kstmt *s, size_t nr);

/* An element access v[index]. */
struct kaccess {
	char *base;             /* v when a plain variable; NULL otherwise */
	struct range r, index;
	int load, store;        /* read; written (assignment lhs, ++, --) */
};

/* A scalar variable written (assigned, incremented, or its address taken). */
struct kvar {
	char *name;
	char *type;             /* canonical type spelling */
	int local;              /* declared inside the range */
};

enum kfact_flags {
	KF_BREAK = 1 << 0,      /* a break leaving the range's own loop or switch */
	KF_CONTINUE = 1 << 1,   /* a continue that is not inside a loop of the range */
	KF_GOTO = 1 << 2,       /* goto, a label, computed goto */
	KF_RETURN = 1 << 3,
	KF_DEREF = 1 << 4,      /* unary *, ->, or . : memory the accesses do not name */
	KF_ADDR = 1 << 5,       /* &x of a scalar variable x (it is counted as written) */
	KF_OPAQUE = 1 << 6,     /* asm, statement expressions, volatile, other unknowns */
	KF_UNKNOWN_ACCESS = 1 << 7, /* v[i] whose v is not a plain variable */
};

/* What the statements in range `r` do. */
struct kfacts {
	struct kvar *writes;    /* scalar variables written */
	size_t nr_writes;
	struct strvec refs;     /* every variable named, once each */
	struct strvec decls;    /* variables declared inside the range */
	struct strvec calls;    /* callee names, once each ("" when not a plain name) */
	struct kaccess *acc;    /* every element access, in source order */
	size_t nr_acc;
	unsigned flags;         /* enum kfact_flags */
};

/* Fill *ret with the facts of the code inside `r`.  Returns 0 (release with
 * kfacts_release), or -1 when `fn` is not defined in the main file. */
int detect_facts(const struct detect *d, const char *fn, struct range r,
		 struct kfacts *ret);
void kfacts_release(struct kfacts *f);
/* The written variable named `name`, or NULL. */
const struct kvar *kfacts_written(const struct kfacts *f, const char *name);

/* A parameter of a function definition. */
struct kparm {
	struct range r;         /* its declaration, "const float *a" */
	size_t name_at;         /* offset of its name (r.end when unnamed) */
	char *name;             /* NULL when unnamed */
};

/* The parameters of `fn`'s definition, in order.  Returns 0 (caller frees
 * with detect_params_free) or -1. */
int detect_params(const struct detect *d, const char *fn, struct kparm **ret,
		  size_t *ret_nr);
void detect_params_free(struct kparm *p, size_t nr);

#endif
