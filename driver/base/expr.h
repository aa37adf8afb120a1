#ifndef ACCC_EXPR_H
#define ACCC_EXPR_H
/*
 * A small C-expression engine for the pragma's clause expressions (extents
 * like `n*k`, `assume(n % 16 == 0)`, `flops(2.0*n*m*k)`, init bounds).
 *
 * Grammar: integer and floating literals in C syntax (decimal, octal, hex,
 * hex floats, suffixes u/l/ll/f), identifiers, parentheses, unary + - ! ~,
 * binary * / % + - << >> < <= > >= == != & ^ | && ||, and ?:, with C
 * precedence and associativity.  Blanks between tokens are C whitespace,
 * backslash-newline and comments.  Anything else (assignment, ++, casts,
 * calls, sizeof, the comma operator) is a parse error.
 *
 * Evaluation: integers are long long, doubles are double, mixed operands
 * are converted to double as in C.  A `u` suffix is accepted but arithmetic
 * stays signed.  Where C has undefined behaviour (overflow, division by
 * zero, shifts out of range, left shift of a negative value) evaluation
 * fails with an error instead; so does floating division by zero and a
 * floating result that is not finite.  %, <<, >>, &, ^, |, ~ need integer
 * operands.  && and || short-circuit and ?: evaluates only the operand it
 * picks, whose type is the result's (a simplification of C's common type).
 *
 * Limits keep hostile input cheap: an expression is at most EXPR_MAX_LEN
 * bytes, both as written and as expr_print writes it, and its tree at most
 * EXPR_MAX_DEPTH levels deep.
 *
 * All offsets are byte offsets into the text handed to the function.
 */
#include <stddef.h>

struct strbuf;

#define EXPR_MAX_LEN 4096
#define EXPR_MAX_DEPTH 64

/* A parsed expression (opaque).  Owned by the caller, freed by expr_free. */
struct expr;

struct expr_error {
	size_t offset; /* where the problem is */
	char *msg;     /* "division by zero"; release with expr_error_release */
};

/* A value: `d` always holds it (exactly for integers up to 2^53), `i` too
 * when is_integer. */
struct expr_value {
	int is_integer;
	long long i;
	double d;
};

/* Free err->msg and zero *err.  A NULL err is fine. */
void expr_error_release(struct expr_error *err);

/*
 * Parse all `len` bytes of `text` as one expression (blanks around it are
 * fine).  Returns 0 and puts a new tree in *ret, or -1 with *err set (when
 * err is non-NULL; an error already in *err is kept).
 */
int expr_parse(const char *text, size_t len, struct expr **ret,
	       struct expr_error *err);

/*
 * Parse the longest expression at the start of `text` (leading blanks are
 * skipped) and stop before the first token that cannot continue it, e.g.
 * the ']' after an extent.  On success *ret_used is the offset just past
 * the expression's last token (trailing blanks not included).  Returns as
 * expr_parse(); an empty expression is an error.
 */
int expr_parse_prefix(const char *text, size_t len, struct expr **ret,
		      size_t *ret_used, struct expr_error *err);

void expr_free(struct expr *e);

/* An identifier use: `name` points into the tree (valid while it lives). */
struct expr_ident {
	const char *name;
	size_t offset;
};

/*
 * The identifiers `e` uses, in source order, repeats included.  Returns the
 * count and puts an array in *ret (caller frees; NULL when there are none).
 */
size_t expr_idents(const struct expr *e, struct expr_ident **ret);

/*
 * Name -> value for expr_eval: fill *ret and return 0, or return -1 when
 * the name has no value (evaluation then fails with "'name' has no value").
 */
typedef int expr_lookup_fn(const char *name, struct expr_value *ret,
			   void *data);

/*
 * Evaluate `e`.  `lookup` may be NULL when the expression has no names.
 * Returns 0 with *ret, or -1 with *err (offset of the operator or name at
 * fault, e.g. "division by zero", "integer overflow in '*'").
 */
int expr_eval(const struct expr *e, expr_lookup_fn *lookup, void *data,
	      struct expr_value *ret, struct expr_error *err);

/*
 * Append canonical text: literals and names as spelled, one space around
 * each binary operator and around ? and :, every operand that is itself an
 * operation in parentheses (none around the whole).  `n*k` and `(n) * k`
 * both print as "n * k"; `a+b*c` as "a + (b * c)".  Parsing the output
 * gives the same tree back.
 */
void expr_print(const struct expr *e, struct strbuf *out);

/* Parse `text` and append its canonical form; returns as expr_parse(). */
int expr_canonical(const char *text, size_t len, struct strbuf *out,
		   struct expr_error *err);

/*
 * Read one numeric literal (a C pp-number: a digit, or '.' and a digit,
 * then letters, digits, '_', '.', and signs after e/E/p/P) at the start of
 * `s`.  Returns 0 with its length in *ret_used and its value in *ret, or -1
 * with *err ("expected a number", "invalid suffix 'x' on integer literal",
 * "integer literal '...' is too large", ...).  No sign, no leading blanks.
 */
int expr_scan_number(const char *s, size_t len, size_t *ret_used,
		     struct expr_value *ret, struct expr_error *err);

/*
 * Advance *pos over blanks (whitespace, backslash-newline, comments).
 * Returns 0, or -1 with *pos at the start of an unterminated comment.
 */
int expr_skip_blank(const char *s, size_t len, size_t *pos);

#endif
