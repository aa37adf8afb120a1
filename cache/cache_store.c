#include "cache_store.h"
#include "cache_entry.h"
#include "fs.h"
#include "log.h"
#include "strvec.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STALE_TMP_S 3600
/* A cleanup brings a shard down to this fraction of its share (as ccache). */
#define CLEAN_TO 0.8

static const char hexdigits[] = "0123456789abcdef";

void cache_store_init(struct cache_store *s, const char *dir, long long max_size)
{
	s->dir = xstrdup(dir);
	s->max_size = max_size > 0 ? max_size : 0;
}

void cache_store_release(struct cache_store *s)
{
	free(s->dir);
	s->dir = NULL;
}

void cache_store_path(const struct cache_store *s, const char *key,
		      struct strbuf *out)
{
	strbuf_addf(out, "%s/%.2s/%s", s->dir, key, key);
}

static void shard_path(const struct cache_store *s, char shard, struct strbuf *out)
{
	strbuf_addf(out, "%s/stats/%c", s->dir, shard);
}

static long long shard_limit(const struct cache_store *s)
{
	return s->max_size / CACHE_STORE_SHARDS;
}

int cache_store_read(const struct cache_store *s, const char *key,
		     struct strbuf *ret)
{
	struct strbuf path = STRBUF_INIT;
	int fd, res = 1;

	strbuf_reset(ret);
	cache_store_path(s, key, &path);
	/* O_NONBLOCK: a FIFO planted under an entry's name must not hang us */
	fd = open(path.buf, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		res = errno == ENOENT ? 0 :
			error("cannot open cache entry '%s': %s", path.buf, strerror(errno));
	} else {
		struct stat st;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			res = error("cache entry '%s' is not a regular file", path.buf);
		else if (strbuf_read_fd(ret, fd, CACHE_ENTRY_MAX_SIZE + 1) < 0)
			res = error("cannot read cache entry '%s': %s", path.buf,
				    strerror(errno));
		close(fd);
	}
	strbuf_release(&path);
	return res;
}

void cache_store_touch(const struct cache_store *s, const char *key)
{
	struct strbuf path = STRBUF_INIT;
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };

	cache_store_path(s, key, &path);
	if (utimensat(AT_FDCWD, path.buf, ts, 0) < 0 && errno != ENOENT)
		log_msg("cannot touch '%s': %s", path.buf, strerror(errno));
	strbuf_release(&path);
}

struct shard_file {
	char *path;
	long long size;
	struct timespec mtime;
};

static int older(const void *a, const void *b)
{
	const struct shard_file *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Collect shard's entry files; remove temp files older than STALE_TMP_S. */
static void shard_scan(const struct cache_store *s, char shard,
		       struct shard_file **files, size_t *nr, size_t *alloc)
{
	time_t now = time(NULL);

	for (int i = 0; i < 16; i++) {
		char *dir = xstrfmt("%s/%c%c", s->dir, shard, hexdigits[i]);
		DIR *d = opendir(dir);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char *path = xstrfmt("%s/%s", dir, de->d_name);
			struct stat st;

			if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
				free(path);
				continue;
			}
			if (cache_key_valid(de->d_name) && de->d_name[0] == shard &&
			    de->d_name[1] == hexdigits[i]) {
				ALLOC_GROW(*files, *nr + 1, *alloc);
				(*files)[*nr].path = path;
				(*files)[*nr].size = (long long)st.st_size;
				(*files)[(*nr)++].mtime = st.st_mtim;
				continue;
			}
			if (starts_with(de->d_name, ".tmp.") && now - st.st_mtime > STALE_TMP_S)
				unlink(path);
			free(path);
		}
		if (d)
			closedir(d);
		free(dir);
	}
}

/*
 * With the shard locked and its counters in `cur`: recount from the files and,
 * when `target` >= 0 and the shard holds more, remove least recently used
 * entries down to `target` bytes (counted as evictions when `count_evicted`).
 */
static long shard_clean(const struct cache_store *s, char shard,
			struct cache_stats *cur, long long target, int count_evicted)
{
	struct shard_file *files = NULL;
	size_t nr = 0, alloc = 0, i;
	long long total = 0, entries;
	long evicted = 0;

	shard_scan(s, shard, &files, &nr, &alloc);
	for (i = 0; i < nr; i++)
		total += files[i].size;
	entries = (long long)nr;
	if (target >= 0 && total > target) {
		qsort(files, nr, sizeof(*files), older);
		for (i = 0; i < nr && total > target; i++) {
			if (unlink(files[i].path) < 0 && errno != ENOENT)
				continue;
			total -= files[i].size;
			entries--;
			evicted++;
		}
	}
	for (i = 0; i < nr; i++)
		free(files[i].path);
	free(files);
	cache_stats_set(cur, "entries", entries);
	cache_stats_set(cur, "bytes", total);
	if (count_evicted && evicted)
		cache_stats_add(cur, "evicted", evicted);
	if (count_evicted && target >= 0)
		cache_stats_add(cur, "cleanups", 1);
	return evicted;
}

/*
 * The locked-update frame every change shares: lock shard, load its counters,
 * run change(), merge delta, evict if over the share, store, unlock.
 */
typedef int (*shard_change_fn)(const struct cache_store *s, struct cache_stats *cur,
			       void *data);

static int shard_update(const struct cache_store *s, char shard,
			struct cache_stats *delta, shard_change_fn change, void *data)
{
	struct strbuf path = STRBUF_INIT;
	struct cache_stats cur = CACHE_STATS_INIT;
	int fd, ret = -1;

	shard_path(s, shard, &path);
	fd = cache_stats_lock(path.buf);
	if (fd < 0 || cache_stats_load(fd, &cur) < 0) {
		/* Counters unusable (a cache shared without write access to
		 * them, say): the change itself still happens, uncounted. */
		cache_stats_release(&cur);
		ret = change ? change(s, &cur, data) : -1;
		goto out;
	}
	ret = change ? change(s, &cur, data) : 0;
	if (delta)
		cache_stats_merge(&cur, delta);
	if (s->max_size && cache_stats_get(&cur, "bytes") > shard_limit(s))
		shard_clean(s, shard, &cur, (long long)(shard_limit(s) * CLEAN_TO), 1);
	if (cache_stats_store(fd, &cur) < 0)
		ret = -1;
out:
	cache_stats_unlock(fd);
	cache_stats_release(&cur);
	if (delta)
		cache_stats_release(delta);
	strbuf_release(&path);
	return ret;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write data to a fresh temp file beside key's entry; its path goes to tmp. */
static int write_tmp(const struct cache_store *s, const char *key,
		     const void *data, size_t len, struct strbuf *tmp)
{
	size_t dirlen;
	int fd;

	strbuf_addf(tmp, "%s/%.2s", s->dir, key);
	dirlen = tmp->len;
	strbuf_addf(tmp, "/.tmp.%s.XXXXXX", key);
	fd = mkostemp(tmp->buf, O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		tmp->buf[dirlen] = '\0';
		if (mkdir_p(tmp->buf, 0755) < 0)
			return -1;
		tmp->buf[dirlen] = '/';
		memcpy(tmp->buf + tmp->len - 6, "XXXXXX", 6); /* the failed call may
							     * have filled them */
		fd = mkostemp(tmp->buf, O_CLOEXEC);
	}
	if (fd < 0)
		return error("cannot create '%s': %s", tmp->buf, strerror(errno));
	if (write_all(fd, data, len) < 0 || fchmod(fd, 0644) < 0) {
		error("cannot write '%s': %s", tmp->buf, strerror(errno));
		close(fd);
		unlink(tmp->buf);
		return -1;
	}
	if (close(fd) < 0) {
		error("cannot write '%s': %s", tmp->buf, strerror(errno));
		unlink(tmp->buf);
		return -1;
	}
	return 0;
}

struct install {
	const char *tmp;
	const char *key;
	size_t len;
	int removed; /* for remove: whether there was an entry */
};

static int install_change(const struct cache_store *s, struct cache_stats *cur,
			  void *data)
{
	struct install *in = data;
	struct strbuf path = STRBUF_INIT;
	struct stat st;
	int had, ret = 0;

	cache_store_path(s, in->key, &path);
	had = !lstat(path.buf, &st) && S_ISREG(st.st_mode);
	if (rename(in->tmp, path.buf) < 0) {
		ret = error("cannot rename '%s' to '%s': %s", in->tmp, path.buf,
			    strerror(errno));
		unlink(in->tmp);
		cache_stats_add(cur, "error_io", 1);
	} else {
		cache_stats_add(cur, "entries", had ? 0 : 1);
		cache_stats_add(cur, "bytes", (long long)in->len - (had ? st.st_size : 0));
	}
	strbuf_release(&path);
	return ret;
}

int cache_store_write(const struct cache_store *s, const char *key,
		      const void *data, size_t len, struct cache_stats *delta)
{
	struct strbuf tmp = STRBUF_INIT;
	struct install in = { NULL, key, len, 0 };
	int ret;

	if (!cache_key_valid(key))
		BUG("storing under invalid key '%s'", key);
	if (write_tmp(s, key, data, len, &tmp) < 0) {
		struct cache_stats io = CACHE_STATS_INIT;
		cache_stats_add(&io, "error_io", 1);
		if (delta)
			cache_stats_merge(&io, delta);
		shard_update(s, key[0], &io, NULL, NULL);
		if (delta)
			cache_stats_release(delta);
		strbuf_release(&tmp);
		return -1;
	}
	in.tmp = tmp.buf;
	ret = shard_update(s, key[0], delta, install_change, &in);
	strbuf_release(&tmp);
	return ret;
}

static int remove_change(const struct cache_store *s, struct cache_stats *cur,
			 void *data)
{
	struct install *in = data;
	struct strbuf path = STRBUF_INIT;
	struct stat st;
	int ret = 0;

	cache_store_path(s, in->key, &path);
	if (!lstat(path.buf, &st) && S_ISREG(st.st_mode)) {
		if (unlink(path.buf) < 0) {
			ret = error("cannot remove '%s': %s", path.buf, strerror(errno));
		} else {
			in->removed = 1;
			cache_stats_add(cur, "entries", -1);
			cache_stats_add(cur, "bytes", -(long long)st.st_size);
		}
	}
	strbuf_release(&path);
	return ret;
}

int cache_store_remove(const struct cache_store *s, const char *key,
		       struct cache_stats *delta, int *ret_removed)
{
	struct install in = { NULL, key, 0, 0 };
	int ret;

	if (!cache_key_valid(key))
		BUG("removing invalid key '%s'", key);
	ret = shard_update(s, key[0], delta, remove_change, &in);
	if (ret_removed)
		*ret_removed = in.removed;
	return ret;
}

int cache_store_count(const struct cache_store *s, const char *key,
		      struct cache_stats *delta)
{
	char shard = key ? key[0] : hexdigits[getpid() % 16];

	if (!delta || !delta->nr) {
		if (delta)
			cache_stats_release(delta);
		return 0;
	}
	return shard_update(s, shard, delta, NULL, NULL);
}

int cache_store_stats(const struct cache_store *s, struct cache_stats *ret)
{
	struct strbuf path = STRBUF_INIT;
	int res = 0;

	for (int i = 0; i < CACHE_STORE_SHARDS; i++) {
		strbuf_reset(&path);
		shard_path(s, hexdigits[i], &path);
		if (cache_stats_read_file(path.buf, ret) < 0)
			res = -1;
	}
	strbuf_release(&path);
	return res;
}

struct clean_args {
	char shard;
	long long target;
	int count_evicted;
	long evicted;
};

static int clean_change(const struct cache_store *s, struct cache_stats *cur,
			void *data)
{
	struct clean_args *a = data;

	a->evicted += shard_clean(s, a->shard, cur, a->target, a->count_evicted);
	return 0;
}

int cache_store_gc(const struct cache_store *s, int evict, long *ret_evicted)
{
	int ret = 0;

	for (int i = 0; i < CACHE_STORE_SHARDS; i++) {
		struct clean_args a = { hexdigits[i], -1, 1, 0 };
		if (evict && s->max_size)
			a.target = shard_limit(s);
		if (shard_update(s, a.shard, NULL, clean_change, &a) < 0)
			ret = -1;
		if (ret_evicted)
			*ret_evicted += a.evicted;
	}
	return ret;
}

int cache_store_clear(const struct cache_store *s)
{
	int ret = 0;

	for (int i = 0; i < CACHE_STORE_SHARDS; i++) {
		struct clean_args a = { hexdigits[i], 0, 0, 0 };
		if (shard_update(s, a.shard, NULL, clean_change, &a) < 0)
			ret = -1;
	}
	return ret;
}

static int zero_change(const struct cache_store *s, struct cache_stats *cur,
		       void *data)
{
	for (size_t i = 0; i < cur->nr; i++)
		if (strcmp(cur->v[i].name, "entries") && strcmp(cur->v[i].name, "bytes"))
			cur->v[i].value = 0;
	return 0;
}

int cache_store_zero_stats(const struct cache_store *s)
{
	int ret = 0;

	for (int i = 0; i < CACHE_STORE_SHARDS; i++)
		if (shard_update(s, hexdigits[i], NULL, zero_change, NULL) < 0)
			ret = -1;
	return ret;
}

static int is_fanout(const char *name)
{
	return strlen(name) == 2 && strchr(hexdigits, name[0]) && name[0] &&
	       strchr(hexdigits, name[1]) && name[1];
}

int cache_store_for_each(const struct cache_store *s,
			 int (*fn)(const char *key, const char *path,
				   const struct stat *st, void *data),
			 void *data)
{
	DIR *top = opendir(s->dir), *d;
	struct dirent *de, *fe;
	int ret = 0;

	if (!top)
		return errno == ENOENT ? 0 :
			error("cannot open directory '%s': %s", s->dir, strerror(errno));
	while (!ret && (de = readdir(top))) {
		char *dir;
		if (!is_fanout(de->d_name))
			continue;
		dir = xstrfmt("%s/%s", s->dir, de->d_name);
		d = opendir(dir);
		while (!ret && d && (fe = readdir(d))) {
			char *path;
			struct stat st;
			if (!cache_key_valid(fe->d_name) ||
			    strncmp(fe->d_name, de->d_name, 2))
				continue;
			path = xstrfmt("%s/%s", dir, fe->d_name);
			if (!lstat(path, &st) && S_ISREG(st.st_mode))
				ret = fn(fe->d_name, path, &st, data);
			free(path);
		}
		if (d)
			closedir(d);
		free(dir);
	}
	closedir(top);
	return ret;
}

int cache_store_find_prefix(const struct cache_store *s, const char *prefix,
			    struct strvec *ret)
{
	size_t plen = strlen(prefix);
	char *dir;
	DIR *d;
	struct dirent *de;
	int found = 0;

	if (plen < 2 || plen > CACHE_KEY_HEX || strspn(prefix, hexdigits) != plen)
		return -1;
	dir = xstrfmt("%s/%.2s", s->dir, prefix);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (cache_key_valid(de->d_name) && !strncmp(de->d_name, prefix, plen)) {
			strvec_push(ret, de->d_name);
			found++;
		}
	}
	if (d)
		closedir(d);
	free(dir);
	return found;
}

