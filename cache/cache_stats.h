#ifndef ACCC_CACHE_STATS_H
#define ACCC_CACHE_STATS_H
/*
 * Named statistics counters.
 *
 * A set of counters is a list of (name, value) pairs; any name is allowed, so
 * a later module adds a counter by bumping a new name, and a file written by
 * a newer accc keeps counters an older one does not know.  On disk a set is
 * text, one "name value" line per counter; lines that do not parse are
 * ignored.  A counters file is updated in place under flock(2), so parallel
 * processes never lose an update.
 */
#include "strbuf.h"

#include <stddef.h>

struct cache_counter {
	char *name;
	long long value;
};

struct cache_stats {
	struct cache_counter *v;
	size_t nr, alloc;
};
#define CACHE_STATS_INIT { NULL, 0, 0 }

/* What `accc cache stats` shows, in this order, for the known counters. */
struct cache_counter_desc {
	const char *name;
	const char *text;
};
extern const struct cache_counter_desc cache_counter_descs[];
extern const size_t cache_counter_descs_nr;

void cache_stats_init(struct cache_stats *st);
void cache_stats_release(struct cache_stats *st);
void cache_stats_add(struct cache_stats *st, const char *name, long long delta);
void cache_stats_set(struct cache_stats *st, const char *name, long long value);
/* 0 for a counter never set. */
long long cache_stats_get(const struct cache_stats *st, const char *name);
/* Add every counter of src into dst. */
void cache_stats_merge(struct cache_stats *dst, const struct cache_stats *src);
void cache_stats_parse(struct cache_stats *st, const char *text, size_t len);
void cache_stats_format(const struct cache_stats *st, struct strbuf *out);

/*
 * Open (creating it and its directory) and lock the counters file at `path`
 * for an update.  Returns the fd, or -1 (logged).  Release with
 * cache_stats_unlock(), which also closes it.
 */
int cache_stats_lock(const char *path);
void cache_stats_unlock(int fd);
/* Read a locked file into st (added to what st holds). */
int cache_stats_load(int fd, struct cache_stats *st);
/* Replace the content of a locked file with st. */
int cache_stats_store(int fd, const struct cache_stats *st);
/* Lock, add `delta`, write back, unlock.  Returns 0 or -1 (logged). */
int cache_stats_apply(const char *path, const struct cache_stats *delta);
/* Add the counters of `path` (a missing file counts as empty) into st, read
 * under a shared lock. */
int cache_stats_read_file(const char *path, struct cache_stats *st);

#endif
