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
 * Manifests live under <dir>/direct/<ab>/<key>, plain text:
 *   accc-direct 1
 *   entry <cache key>            (one per kernel)
 *   header <xxh3-128> <path>     (one per included file)
 *   object <size> <xxh3-128>     (optional: <key>.o beside it is the object)
 *   unit <length>
 *   <the unit's bytes>
 * With an object, a hit needs no compiler at all: only compiles that print
 * nothing, write no dependency file and embed no output path keep one.
 * libc only (xxhash is used header-only), so the front can link it.
 */
#include "strbuf.h"

/*
 * The manifest key of a compile of `src` by `cc` (resolved to a path) with
 * the expanded `args` (but where the object and dependency file go), in
 * this working directory, by this accc `version` on this machine.  Returns 0, or -1 when the source or compiler cannot be
 * read (then there is no direct mode for this call).
 */
int direct_key(const char *src, const char *const *args, const char *cc,
	       const char *version, char ret_key[33]);

/*
 * Look `key` up under cache directory `dir`.  Returns 1 and appends the
 * unit to ret_unit (and the number of kernels to *ret_kernels) when the
 * manifest holds and every header and entry it names is unchanged; 0 on a
 * miss (nothing appended).
 */
int direct_lookup(const char *dir, const char *key, struct strbuf *ret_unit,
		  long *ret_kernels, struct strbuf *ret_object);

/* May a compile with these arguments keep its object?  Not with a
 * dependency file, nor with options that put the object's own path into it
 * (coverage, profiling, split DWARF). */
int direct_object_ok(const char *const *args);

/*
 * Remember the unit of a compile: the cache entries it used, the files it
 * includes (read and hashed now), the unit, and the object it made when
 * `object` names one.  Returns 0, or -1 (logged).
 */
int direct_store(const char *dir, const char *key, const char *const *entries,
		 const char *const *headers, const char *unit, size_t len,
		 const char *object);

#endif
