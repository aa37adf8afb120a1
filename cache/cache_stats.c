#include "cache_stats.h"
#include "fs.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

const struct cache_counter_desc cache_counter_descs[] = {
	{ "entries", "entries" },
	{ "bytes", "size" },
	{ "local_hit", "local hits" },
	{ "local_miss", "local misses" },
	{ "remote_hit", "remote hits" },
	{ "remote_miss", "remote misses" },
	{ "store", "entries stored" },
	{ "remote_store", "entries pushed to remotes" },
	{ "evicted", "entries evicted" },
	{ "cleanups", "cleanups" },
	{ "verify_ok", "remote entries verified here" },
	{ "verify_fail", "entries failing verification" },
	{ "error_corrupt", "corrupt entries dropped" },
	{ "error_version", "entries of another format version" },
	{ "error_signature", "entries refused for their signature" },
	{ "error_remote", "remote errors" },
	{ "remote_down_skip", "remote lookups skipped: recently down" },
	{ "llm_down_skip", "LLM requests skipped: endpoint recently down" },
	{ "error_io", "local i/o errors" },
	{ "direct_hit", "direct-mode hits (no compile needed)" },
	{ "searches", "searches run" },
	{ "winners", "searches that found a faster variant" },
	{ "search_errors", "searches that failed (original kept)" },
	{ "candidates_judged", "candidates judged" },
	{ "llm_calls", "LLM requests sent" },
	{ "tokens", "LLM tokens (in + out)" },
};
const size_t cache_counter_descs_nr = ARRAY_SIZE(cache_counter_descs);

/* A counter file never legitimately grows past this. */
#define STATS_FILE_CAP (1 << 20)

void cache_stats_init(struct cache_stats *st)
{
	st->v = NULL;
	st->nr = st->alloc = 0;
}

void cache_stats_release(struct cache_stats *st)
{
	for (size_t i = 0; i < st->nr; i++)
		free(st->v[i].name);
	free(st->v);
	cache_stats_init(st);
}

static struct cache_counter *find(const struct cache_stats *st, const char *name)
{
	for (size_t i = 0; i < st->nr; i++)
		if (!strcmp(st->v[i].name, name))
			return &st->v[i];
	return NULL;
}

static struct cache_counter *find_or_add(struct cache_stats *st, const char *name)
{
	struct cache_counter *c = find(st, name);

	if (c)
		return c;
	ALLOC_GROW(st->v, st->nr + 1, st->alloc);
	c = &st->v[st->nr++];
	c->name = xstrdup(name);
	c->value = 0;
	return c;
}

void cache_stats_add(struct cache_stats *st, const char *name, long long delta)
{
	struct cache_counter *c = find_or_add(st, name);

	/* a damaged file can hold anything: saturate instead of overflowing */
	if (__builtin_add_overflow(c->value, delta, &c->value))
		c->value = delta < 0 ? LLONG_MIN : LLONG_MAX;
}

void cache_stats_set(struct cache_stats *st, const char *name, long long value)
{
	find_or_add(st, name)->value = value;
}

long long cache_stats_get(const struct cache_stats *st, const char *name)
{
	const struct cache_counter *c = find(st, name);
	return c ? c->value : 0;
}

void cache_stats_merge(struct cache_stats *dst, const struct cache_stats *src)
{
	for (size_t i = 0; i < src->nr; i++)
		cache_stats_add(dst, src->v[i].name, src->v[i].value);
}

static int name_ok(const char *s, size_t len)
{
	if (!len || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_'))
			return 0;
	return 1;
}

void cache_stats_parse(struct cache_stats *st, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *sp;
		char num[24], *num_end, *name;
		long long v;

		if (!nl)
			break; /* a partial last line is ignored */
		sp = memchr(p, ' ', (size_t)(nl - p));
		if (sp && name_ok(p, (size_t)(sp - p)) && nl - sp - 1 > 0 &&
		    nl - sp - 1 < (long)sizeof(num)) {
			memcpy(num, sp + 1, (size_t)(nl - sp - 1));
			num[nl - sp - 1] = '\0';
			errno = 0;
			v = strtoll(num, &num_end, 10);
			if (!errno && !*num_end) {
				name = xstrndup(p, (size_t)(sp - p));
				cache_stats_add(st, name, v);
				free(name);
			}
		}
		p = nl + 1;
	}
}

void cache_stats_format(const struct cache_stats *st, struct strbuf *out)
{
	for (size_t i = 0; i < st->nr; i++)
		strbuf_addf(out, "%s %lld\n", st->v[i].name, st->v[i].value);
}

int cache_stats_lock(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0 && errno == ENOENT) {
		struct strbuf dir = STRBUF_INIT;
		path_dirname(&dir, path);
		if (!mkdir_p(dir.buf, 0755))
			fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		strbuf_release(&dir);
	}
	if (fd < 0)
		return error("cannot open counters file '%s': %s", path, strerror(errno));
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			error("cannot lock counters file '%s': %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

void cache_stats_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* drops the flock */
}

int cache_stats_load(int fd, struct cache_stats *st)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	if (lseek(fd, 0, SEEK_SET) < 0 || strbuf_read_fd(&sb, fd, STATS_FILE_CAP) < 0)
		ret = error("cannot read a counters file: %s", strerror(errno));
	else
		cache_stats_parse(st, sb.buf, sb.len);
	strbuf_release(&sb);
	return ret;
}

int cache_stats_store(int fd, const struct cache_stats *st)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	cache_stats_format(st, &sb);
	/* One pwrite, then cut what an older, longer content left behind. */
	if (pwrite(fd, sb.buf, sb.len, 0) != (ssize_t)sb.len ||
	    ftruncate(fd, (off_t)sb.len) < 0)
		ret = error("cannot write a counters file: %s", strerror(errno));
	strbuf_release(&sb);
	return ret;
}

int cache_stats_apply(const char *path, const struct cache_stats *delta)
{
	struct cache_stats cur = CACHE_STATS_INIT;
	int fd, ret;

	if (!delta->nr)
		return 0;
	fd = cache_stats_lock(path);
	if (fd < 0)
		return -1;
	ret = cache_stats_load(fd, &cur);
	if (!ret) {
		cache_stats_merge(&cur, delta);
		ret = cache_stats_store(fd, &cur);
	}
	cache_stats_unlock(fd);
	cache_stats_release(&cur);
	return ret;
}

int cache_stats_read_file(const char *path, struct cache_stats *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return errno == ENOENT ? 0 :
			error("cannot open counters file '%s': %s", path, strerror(errno));
	while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
		;
	ret = cache_stats_load(fd, st);
	close(fd);
	return ret;
}
