#ifndef ACCC_KDESC_H
#define ACCC_KDESC_H
/*
 * A detected kernel as a target sees it: the parsed pragma and parameters
 * turned into a struct target_kernel, with the extracted unit as the
 * reference.  The description owns every array and string it points to;
 * it stays valid while the detect object lives.
 */
#include "detect.h"
#include "strvec.h"
#include "target.h"

struct kdesc {
	struct target_kernel tk;
	struct target_param *params;
	struct target_shape *shapes;
	struct target_bind *binds;
	const char **assumes;
	struct strbuf unit;
	struct strvec cflags;
	char *src_dir;
};

/*
 * Describe kernel ki of d, to be built with compiler `cc` and the user's
 * `build_flags` (compile_args.build_flags).  Returns 0, or -1 (logged).
 */
int kdesc_init(struct kdesc *kd, const struct detect *d, size_t ki,
	       const char *cc, const char *const *build_flags);
void kdesc_release(struct kdesc *kd);

/* The candidate unit for a variant of the kernel (caller's out). */
int kdesc_candidate(const struct detect *d, size_t ki, const char *variant,
		    struct strbuf *out);

/*
 * An answer (or a file, or a stored entry) as a variant of kernel ki of d:
 * answer_variant() against the unit of d, edits applied to `current` (NULL:
 * the kernel as written).  Returns 0, or -1 with a reason.
 */
int kdesc_variant(const struct detect *d, size_t ki, const char *current, const char *answer,
		  struct strbuf *out, struct strbuf *notes, struct strbuf *reason);

/* The context of kernel ki that `code` uses (answer_context). */
void kdesc_context(const struct detect *d, size_t ki, const char *code, size_t max_lines,
		   struct strbuf *out);

#endif
