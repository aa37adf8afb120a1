#ifndef ACCC_CORE_H
#define ACCC_CORE_H
/*
 * accc-core: what the front hands over.  `accc-core --compile CC ARGS...`
 * is the kernel compile path; anything else is a subcommand.
 */
#include "strvec.h"

struct cache_config;
struct compile_args;
struct detect;
struct kdesc;

/* Exit the process with a message on stderr ("accc: fatal: ..."): driver only. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The kernel compile path: returns the exit status for the build. */
int core_compile(const char *cc, const char *const *args);
/* Optimize the kernels of one compile without compiling (accc optimize's
 * worker: accc-core --optimize-file CC ARGS...).  Returns 0, or 1. */
int core_optimize_file(const char *cc, const char *const *args);

/*
 * Shared by the subcommands that take `FILE [-- CFLAGS...]`: the libclang
 * flags of compiling FILE with CFLAGS, as the compile path would see them.
 */
void core_parse_flags(const char *file, const char *const *cflags,
		      struct strvec *ret);

/*
 * Fill a cache configuration from accc's config keys and the ACCC_REMOTE_*
 * credentials (cmd_cache.c); the compile path and `accc cache` share it.
 * Returns 0, or -1 on a bad value (logged; the defaults stay).
 */
int cache_config_from_driver(struct cache_config *cfg);

/*
 * Kernel variants for the units of one compile (core_optimize.c): key,
 * cache, and in optimize mode the search.  optimizer_variant() returns the
 * variant text for kernel ki (caller frees), or NULL to keep the original;
 * `output` names the object (for ACCC_DEBUG_KEY's <obj>.<kernel>.accc-key),
 * or NULL.
 */
struct optimizer;
struct optimizer *optimizer_new(const char *cc, const struct compile_args *ca);
char *optimizer_variant(struct optimizer *o, const struct detect *d, size_t ki,
			const struct kdesc *kd, const char *output);
void optimizer_free(struct optimizer *o);
/* Did every kernel looked up get a final answer: a cache hit, or a search
 * whose result was stored?  Then the compile can be remembered for direct
 * mode, with the cache keys of those answers. */
int optimizer_all_final(const struct optimizer *o);
const struct strvec *optimizer_final_keys(const struct optimizer *o);

/* What the last optimizer_variant() call did, for summaries. */
struct optimizer_outcome {
	const char *what;       /* "searched", "hit", "kept original", "failed" */
	double speedup;         /* of the variant used; 1 for the original */
	double roofline;        /* % of roofline, or -1 when unknown */
	long candidates;        /* judged by the search (0 on a hit) */
	double wall_s;          /* the search's time */
	char why[160];          /* "failed": the reason; else empty */
};
const struct optimizer_outcome *optimizer_outcome(const struct optimizer *o);

#endif
