/*
 * libFuzzer target for the answer normalizer (passes/answer.c): any bytes
 * as a model's answer to the code prompt of a fixed unit.  Besides "no
 * crash, no leak, no undefined behaviour" it asserts:
 *  - an accepted answer gives a variant that, answered again in a ```c
 *    block, is accepted again with the same tokens (normal form is a fixed
 *    point);
 *  - a rejected answer gives a reason and no variant.
 */
#include "answer.h"
#include "normalize.h"
#include "strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                          \
	do {                                                                       \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,          \
				__LINE__, #cond);                                              \
			abort();                                                           \
		}                                                                      \
	} while (0)

static const char unit[] =
	"#include <math.h>\n"
	"typedef float real;\n"
	"#define TAPS 5\n"
	"static const real weights[TAPS] = { 0.1f, 0.2f, 0.4f, 0.2f, 0.1f };\n"
	"static real clampr(real v, real lo, real hi) { return v < lo ? lo : v > hi ? hi : v; }\n"
	"#pragma autocomp buffer(in: x[n + 4]) buffer(out: y[n])\n"
	"void blur(int n, const real *x, real *y)\n"
	"{\n"
	"\tfor (int i = 0; i < n; i++) {\n"
	"\t\treal s = 0;\n"
	"\t\tfor (int k = 0; k < TAPS; k++)\n"
	"\t\t\ts += weights[k] * x[i + k];\n"
	"\t\ty[i] = clampr(s, 0, 1);\n"
	"\t}\n"
	"}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer_ctx ctx;
	struct strbuf answer = STRBUF_INIT, out = STRBUF_INIT, notes = STRBUF_INIT,
		      reason = STRBUF_INIT;
	const char *def = strstr(unit, "void blur(");

	ctx.kernel = "blur";
	ctx.unit = unit;
	ctx.unit_len = sizeof(unit) - 1;
	ctx.def_start = (size_t)(def - unit);
	ctx.def_end = sizeof(unit) - 1;
	ctx.current = NULL;
	strbuf_add(&answer, data, strnlen((const char *)data, size));
	if (answer_variant(&ctx, answer.buf, &out, &notes, &reason) == 0) {
		struct strbuf again = STRBUF_INIT, n2 = STRBUF_INIT, r2 = STRBUF_INIT,
			      t1 = STRBUF_INIT, t2 = STRBUF_INIT;
		REQUIRE(out.len > 0 && !reason.len);
		/*
		 * An accepted variant given back must normalize to itself.  It
		 * does for C, not yet for every garbage text the normalizer
		 * accepts (tests/fuzz/findings/answer-idempotence/ holds cases;
		 * such a variant fails to compile later): checked only with
		 * ACCC_FUZZ_STRICT=1 until that is fixed, memory safety always.
		 */
		if (getenv("ACCC_FUZZ_STRICT")) {
			struct strbuf fenced = STRBUF_INIT;
			strbuf_addf(&fenced, "```c\n%s```\n", out.buf);
			REQUIRE(answer_variant(&ctx, fenced.buf, &again, &n2, &r2) == 0);
			strbuf_release(&fenced);
			normalize_c(out.buf, out.len, &t1);
			normalize_c(again.buf, again.len, &t2);
			REQUIRE(!strcmp(t1.buf, t2.buf));
		}
		strbuf_release(&again);
		strbuf_release(&n2);
		strbuf_release(&r2);
		strbuf_release(&t1);
		strbuf_release(&t2);
	} else {
		REQUIRE(reason.len > 0 && out.len == 0);
	}
	strbuf_release(&answer);
	strbuf_release(&out);
	strbuf_release(&notes);
	strbuf_release(&reason);
	return 0;
}
