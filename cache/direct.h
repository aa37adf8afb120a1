#ifndef ACCC_DIRECT_H
#define ACCC_DIRECT_H
/*
 * Direct mode (after ccache's): a manifest per compile remembers the unit
 * as the compiler got it (pragmas erased, variants spliced), valid while
 * the source, every header it includes, the arguments, the compiler, the
 * machine and accc itself are the same, and while the cache entries it was
 * made from are still in the local store.  A hit compiles with no libclang,
 * no key computation and no search: the front does it alone.
 *
 * A hit needs the same tokens, not the same bytes: the source and the
 * headers are checked by content first, then (when that differs) by token
 * form (comments, whitespace and line positions dropped), so a comment edit
 * is still a hit.  The manifest therefore holds the recipe of the unit
 * rather than its bytes: the pragma sites to erase and the variants to
 * splice, each at a range of the source given in bytes and in tokens; an
 * edited source gets the unit rebuilt from its new text (splice.h), so
 * every #line, diagnostic and debug line follows the edited file.
 *
 * Manifests live under <dir>/direct/<ab>/<key>, plain text:
 *   accc-direct 2
 *   source <bytes xxh3-128> <tokens xxh3-128>
 *   entry <cache key>                          (one per kernel)
 *   header <bytes hash> <tokens hash> <path>   (one per included file)
 *   object <size> <xxh3-128>   (optional: <key>.o beside it is the object)
 *   moves 1     (optional: no token names a position, so the object holds
 *                after lines move, unless the compile has debug information)
 *   site <start> <end> <token start> <token end>
 *   repl <start> <end> <token start> <token end> <name length> <text length>
 *   <name><text>
 * With an object, a hit with every byte the same needs no compiler at all:
 * only compiles that print nothing, write no dependency file and embed no
 * output path keep one.  libc only (xxhash is used header-only), so the
 * front can link it.
 */
#include "strbuf.h"
#include "strvec.h"

#include <stddef.h>

/* A range of the source: bytes [start, end), tokens [tstart, tend). */
struct direct_range {
	size_t start, end, tstart, tend;
};

struct direct_repl {
	struct direct_range at;  /* the kernel's definition */
	char *name, *text;       /* the kernel, its variant */
};

/* How to make the unit from the source: erase the sites, splice the repls. */
struct direct_recipe {
	struct direct_range *sites;
	size_t nr_sites;
	struct direct_repl *repls;
	size_t nr_repls;
};

/* The token form of a text (normalize_c): passed in, the cache is libc only. */
typedef void direct_tokens_fn(const char *text, size_t len, struct strbuf *out);

struct direct_hit {
	int exact;              /* the source and every header unchanged, byte for byte */
	long kernels;
	struct strbuf object;   /* the kept object, or empty */
	int object_moves;       /* it holds for the same tokens too: no token names
				   a position (__LINE__ ...); the caller must still
				   rule out debug information and diagnostics */
	struct direct_recipe recipe;
};
#define DIRECT_HIT_INIT { 0, 0, STRBUF_INIT, 0, { NULL, 0, NULL, 0 } }

/*
 * The manifest key of a compile of `src` by `cc` (resolved to a path) with
 * the expanded `args` (but where the object and dependency file go), in
 * this working directory, by this accc `version` on this machine; the
 * source's content is checked by the manifest.  Returns 0, or -1 when the
 * compiler cannot be found (then there is no direct mode for this call).
 */
int direct_key(const char *src, const char *const *args, const char *cc,
	       const char *version, char ret_key[33]);

/*
 * Look `key` up under cache directory `dir` for source `src`.  Returns 1
 * and fills *ret when the manifest holds: the source and every header the
 * same in bytes or in tokens, every entry still stored; 0 on a miss.
 * Release *ret with direct_hit_release either way.
 */
int direct_lookup(const char *dir, const char *key, const char *src,
		  direct_tokens_fn *tokens, struct direct_hit *ret);
void direct_hit_release(struct direct_hit *h);

/* May a compile with these arguments keep its object?  Not with a
 * dependency file, nor with options that put the object's own path into it
 * (coverage, profiling, split DWARF). */
int direct_object_ok(const char *const *args);

/*
 * Remember a compile of `src`: the cache entries it used, the files it
 * includes (read and hashed now), the recipe of its unit, and the object
 * it made when `object` names one.  Returns 0, or -1 (logged).
 */
int direct_store(const char *dir, const char *key, const char *src,
		 direct_tokens_fn *tokens, const char *const *entries,
		 const char *const *headers, const struct direct_recipe *recipe,
		 const char *object);

#endif
