#ifndef ACCC_HARNESS_H
#define ACCC_HARNESS_H
/*
 * Harness generation: the C source of a harness for one kernel (the
 * embedded runtime rt/harness_rt.c plus a generated part: buffer tables,
 * the call with the kernel's parameter types, and the clause expressions
 * pasted verbatim as C over the scalar parameters), and the small entry
 * point appended to every kernel unit so that the harness can call a kernel
 * whatever its linkage.
 */
#include "strbuf.h"
#include "target.h"

/* The global function every kernel unit gets; the harness calls it. */
#define HARNESS_ENTRY "accc_judge_entry"
/* stack words the trampoline copies (struct hx_img in rt/proto.h) */
#define HARNESS_MAX_STACK_WORDS 24

/* The C type the harness uses for a scalar of this kind and size, or NULL. */
const char *harness_ctype(enum target_scalar kind, unsigned size);

/* Whether the harness can drive `k` (scalars and pointers to scalars);
 * returns 0, or -1 with the reason logged. */
int harness_supported(const struct target_kernel *k);

/* Append the whole harness translation unit. */
void harness_source(struct strbuf *out, const struct target_kernel *k);

/* Append the entry point text (goes after the kernel unit's own text). */
void harness_wrapper(struct strbuf *out, const struct target_kernel *k);

#endif
