#ifndef ACCC_COMPILER_H
#define ACCC_COMPILER_H
/*
 * How accc was invoked, and which real compiler it stands for.
 *   accc gcc ARGS      prefix: the compiler is the first argument
 *   accc ARGS          plain: the compiler is ACCC_CC / config `cc`
 *   gcc ARGS           masquerade: accc installed as a symlink named like
 *                      a compiler; the next one of that name in PATH
 * Candidates that resolve to accc itself are skipped, so accc never calls
 * accc (a masquerade directory earlier in PATH, or `accc accc gcc`).
 */
#include "strbuf.h"

enum invocation_kind { INVOKE_PREFIX, INVOKE_PLAIN, INVOKE_MASQUERADE };

struct invocation {
	enum invocation_kind kind;
	struct strbuf cc;   /* the real compiler, as a path when it was found */
	int args_start;     /* argv index of the compiler's first argument */
};

#define INVOCATION_INIT { INVOKE_PLAIN, STRBUF_INIT, 1 }

/* Is `path` this accc program (the front or the core)? */
int compiler_is_accc(const char *path);
/*
 * Work out the invocation from argv.  `plain_cc` is the configured compiler
 * for the plain form.  Returns 0, or -1 when no real compiler can be found
 * (ret->cc then names what was looked for).
 */
int compiler_resolve(int argc, const char *const *argv, const char *plain_cc,
		     struct invocation *ret);
void invocation_release(struct invocation *inv);
/* Directory holding this executable (for finding accc-core). */
void self_dir(struct strbuf *ret);

/*
 * The prompts folder: the prompts_dir key when set; else
 * <bin>/../share/accc/prompts of an installed accc; else, for a binary in
 * the build tree, the source tree's prompts/.  Returns a static string; the
 * folder may not exist (the caller says so, naming it).
 */
const char *prompts_dir(void);

#endif
