#ifndef ACCC_TUNER_CTX_H
#define ACCC_TUNER_CTX_H
/* The tuner's insides: the parsed variant, plans and edits, and the
 * helpers of tuner_ctx.c, which every other tuner file may use. */
#include "detect.h"
#include "detect_facts.h"
#include "tuner.h"

/* A textual edit of the unit: bytes [start, end) become `text`. */
struct tedit {
	size_t start, end;
	char *text;
};

struct tedits {
	struct tedit *e;
	size_t nr, alloc;
};

struct tctx;
struct tplan;

typedef int (*tapply_fn)(struct tctx *c, const struct tplan *p, struct tedits *e);

/* One applicable transformation. */
struct tplan {
	char *text;
	tapply_fn apply;
	size_t loop, loop2;     /* indexes into tctx.loops */
	long n;                 /* block, unroll or tile factor */
	char *what;             /* reduction variable, ... (owned) */
};

struct tplans {
	struct tplan *p;
	size_t nr, alloc;
};

/* The variant being tuned, parsed. */
struct tctx {
	const struct tuner_kernel *k;
	struct detect *d;
	const struct strbuf *text;      /* the unit */
	size_t vstart, vend;            /* the variant inside it */
	struct range def;               /* the kernel's definition */
	struct range body;              /* its body, braces included */
	struct kloop *loops;
	size_t nr_loops;
	struct kfor *fors;              /* per loop; var NULL: not canonical */
	struct kfacts fn;               /* facts of the whole definition */
	int clang;                      /* the compiler is clang */
};

/* ---- tuner_ctx.c: shared helpers ---- */
void tplans_add(struct tplans *l, tapply_fn apply, size_t loop, size_t loop2, long n,
		const char *what, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void tedits_add(struct tedits *e, size_t start, size_t end, char *text);
void tedits_release(struct tedits *e);
/* Whether the word w occurs in text[0..len) as a whole identifier. */
int tctx_uses_word(const char *text, size_t len, const char *w);
/* Copy of the unit's bytes in r (caller frees). */
char *tctx_text(const struct tctx *c, struct range r);
/* The whitespace that starts the line holding `off`. */
char *tctx_indent(const struct tctx *c, size_t off);
/* An identifier starting with `base` that the unit does not use (caller frees). */
char *tctx_fresh(const struct tctx *c, const char *base);
/* Append `text` with `extra` more tabs after each of its newlines. */
void tctx_add_shifted(struct strbuf *sb, const char *text, int extra);
/* Whether `name` is a pointer parameter named in a buffer clause, and its
 * direction (0 when not). */
int tctx_buffer_dir(const struct tctx *c, const char *name);
const struct kparam *tctx_param(const struct tctx *c, const char *name);
/* The edit that adds restrict to every buffer parameter lacking it; names
 * appended to `names` ("a, b"); 0 when none needs it. */
int tctx_restrict_edits(struct tctx *c, struct tedits *e, struct strbuf *names);
/* Whether a statement at `off` is not an item of a block (the body of an
 * if, for, while without braces): replacing it by several needs braces. */
int tctx_needs_braces(const struct tctx *c, size_t off);
/* Whether `name` is a function without side effects on memory (libm). */
int tctx_pure_call(const char *name);
/* "loop 3 (for p, depth 2)" */
void tctx_loop_name(const struct tctx *c, size_t i, struct strbuf *sb);
/* Whether the unit's bytes in r, ignoring blanks, equal s. */
int tctx_text_is(const struct tctx *c, struct range r, const char *s);

#endif
