#ifndef ACCC_TUNER_H
#define ACCC_TUNER_H
/*
 * builtin::tuner: a "model" that needs no network.  It plans by listing
 * the mechanical transformations that apply to the current variant of a
 * kernel, and implements a plan by rewriting the variant's source at the
 * places libclang reports.  Every transformation keeps the kernel's meaning
 * under the pragma's contract (in/out/inout buffers are distinct
 * allocations, callers keep the assume clauses); the two that reassociate
 * or contract floating-point arithmetic say so in the plan ("changes
 * rounding"), and the judge holds them to the tolerance like any model.
 *
 * The transformations (legality rules in tuner_loops.c and tuner_nest.c):
 *   - sink a loop below a reduction nest, accumulating into the output
 *     (`for j { s = 0; for p s += e; c[j] = s; }` ->
 *      `for j c[j] = 0; for p for j c[j] += e;`, the same sums in the
 *      same order, so bit-identical), alone or together with vectorizing
 *      the sunk loop in its new place (a sink alone is often slower: the
 *      bundle is what pays, and a search keeps only steps that pay);
 *   - tile, or interchange, a perfect 2-deep nest without dependences;
 *   - vectorize an innermost loop: strip-mine it into blocks of W with a
 *     fully unrolled inner block (what gcc -O2's very cheap vectorizer
 *     accepts), plus restrict on the buffer parameters;
 *   - reassociate a floating-point or unsigned reduction into W partial
 *     sums (changes rounding);
 *   - a target attribute for this machine's ISA (avx512 or avx2 level;
 *     lets the compiler contract into FMA: changes rounding);
 *   - restrict on the pointer parameters the clauses name;
 *   - an unroll pragma or an ivdep pragma on an innermost loop;
 *   - the assume clauses stated to the compiler at entry.
 * Plans are listed in that order, kernel by kernel the same for the same
 * text.  The remainder loop a strip-mining leaves gets no plans.
 */
#include "pragma.h"
#include "strbuf.h"
#include "strvec.h"

#include <stddef.h>

struct tuner_kernel {
	const char *name;               /* the kernel function */
	const struct kparam *params;
	size_t nr_params;
	const struct pragma *pragma;    /* its clauses */
	const char *isa;                /* space-separated ISA features (fingerprint's isa line) */
	const char *compiler;           /* identity line ("gcc (Debian 12.2.0-14) 12.2.0") */
	const struct strvec *flags;     /* libclang parse flags (-I -D -std ...) */
	const char *path;               /* name of the unit for quote includes and messages */
};

/*
 * The transformations that apply to the variant held in bytes
 * [variant_start, variant_start + variant_len) of `unit`, a complete
 * standalone unit containing the variant verbatim (kdesc_candidate's
 * output).  Appends one line per plan to ret_plans, deterministic and
 * stable in order, each naming the transformation and its place
 * ("unroll loop 2 (for j, depth 1) by 4").  Returns the number of plans
 * appended (0: nothing applies), or -1 when the unit cannot be parsed or
 * does not define the kernel inside the variant.
 */
int tuner_plans(const struct tuner_kernel *k, const char *unit, size_t variant_start,
		size_t variant_len, struct strvec *ret_plans);

/*
 * Rewrite the variant by `plan` (a line tuner_plans gave for this same
 * variant) and append the new variant's text to ret_variant.  Returns 0, or
 * -1 when the plan does not apply to this variant (nothing appended).
 */
int tuner_implement(const struct tuner_kernel *k, const char *unit, size_t variant_start,
		    size_t variant_len, const char *plan, struct strbuf *ret_variant);

#endif
