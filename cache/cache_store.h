#ifndef ACCC_CACHE_STORE_H
#define ACCC_CACHE_STORE_H
/*
 * The local store: one file per entry, raw entry bytes, no parsing here.
 *
 *   <dir>/<ab>/<key>       an entry; <ab> = the key's first two hex digits
 *   <dir>/<ab>/.tmp.*      a write in progress (stale ones are removed by gc)
 *   <dir>/stats/<a>        counters of shard <a> = the key's first digit
 *   <dir>/CACHEDIR.TAG     so that backup tools skip the cache
 *
 * The same "<ab>/<key>" path is used on remotes.  Counters are sharded 16
 * ways to keep lock contention low under make -j; each shard also holds the
 * exact "entries" and "bytes" of its keys (apparent file sizes), because
 * every rename into and unlink out of a shard happens under its lock.
 *
 * Eviction is least recently used by mtime (a hit touches the file): when a
 * write takes a shard past max_size/16, that shard is cleaned down to 80% of
 * its share, under its lock.
 */
#include "cache_stats.h"
#include "strbuf.h"

#include <sys/stat.h>

#define CACHE_STORE_SHARDS 16

struct cache_store {
	char *dir;
	long long max_size;  /* bytes; 0 = unlimited */
};

void cache_store_init(struct cache_store *s, const char *dir, long long max_size);
void cache_store_release(struct cache_store *s);

/* Append the path of key's entry file. */
void cache_store_path(const struct cache_store *s, const char *key,
		      struct strbuf *out);

/*
 * Read key's raw bytes into ret (replacing its content), at most
 * CACHE_ENTRY_MAX_SIZE + 1 bytes.  Returns 1 found, 0 no such entry,
 * -1 (logged) a read error.
 */
int cache_store_read(const struct cache_store *s, const char *key,
		     struct strbuf *ret);

/*
 * The updates below all take the key's shard lock, apply `delta` (counters
 * the caller wants recorded with the change; consumed, and may be NULL) and
 * keep "entries"/"bytes" exact.  They return 0 or -1 (logged).
 */

/* Install the bytes as key's entry atomically (temp file + rename), then
 * evict if the shard is over its share. */
int cache_store_write(const struct cache_store *s, const char *key,
		      const void *data, size_t len, struct cache_stats *delta);
/* Remove key's entry; *ret_removed (may be NULL) says whether there was one. */
int cache_store_remove(const struct cache_store *s, const char *key,
		       struct cache_stats *delta, int *ret_removed);
/* Only count: add delta to key's shard (a pid-chosen shard when key is NULL). */
int cache_store_count(const struct cache_store *s, const char *key,
		      struct cache_stats *delta);
/* Mark key's entry as just used (mtime = now), for LRU. */
void cache_store_touch(const struct cache_store *s, const char *key);

/* Sum of all shards' counters, added into ret. */
int cache_store_stats(const struct cache_store *s, struct cache_stats *ret);
/* Zero every counter but "entries" and "bytes". */
int cache_store_zero_stats(const struct cache_store *s);

/*
 * Clean every shard now: recount entries and bytes from the files, evict
 * down to the limit (if `evict`), remove temp files older than an hour.
 * Adds to *ret_evicted (may be NULL) the number of entries evicted.
 */
int cache_store_gc(const struct cache_store *s, int evict, long *ret_evicted);
/* Remove every entry (counters other than the gauges are kept). */
int cache_store_clear(const struct cache_store *s);

/*
 * Call fn for every entry file, in directory order, with its key, path and
 * stat.  A nonzero return from fn stops the walk and is returned.
 */
int cache_store_for_each(const struct cache_store *s,
			 int (*fn)(const char *key, const char *path,
				   const struct stat *st, void *data),
			 void *data);

/*
 * Append to ret every stored key that starts with `prefix` (at least two hex
 * digits).  Returns the number found, or -1 for a prefix too short.
 */
struct strvec;
int cache_store_find_prefix(const struct cache_store *s, const char *prefix,
			    struct strvec *ret);

#endif
