/*
 * push and pull: whole-cache synchronization with the remotes, in batches
 * of concurrent requests (HEAD then PUT for push; listings then GET for pull).
 */
#include "cache_int.h"
#include "log.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Entries per batch: bounds memory (entries are read in full) and latency. */
#define BATCH 64

/* Whether some writable remote is still usable. */
static int writable_left(const struct cache *c)
{
	for (size_t i = 0; i < c->remotes_nr; i++)
		if (!cache_remote_read_only(c->remotes[i]) &&
		    !cache_remote_failed(c->remotes[i]))
			return 1;
	return 0;
}

static int any_failed(const struct cache *c)
{
	for (size_t i = 0; i < c->remotes_nr; i++)
		if (cache_remote_failed(c->remotes[i]))
			return 1;
	return 0;
}

static int collect_key(const char *key, const char *path, const struct stat *st,
		       void *data)
{
	strvec_push(data, key);
	return 0;
}

/*
 * Read keys[0..n) as they should travel: header checked, local flags
 * cleared, signed when we sign.  Unreadable or damaged ones get len 0.
 */
static void load_for_push(struct cache *c, const char *const *keys, size_t n,
			  struct strbuf *raw, struct cache_report *rep)
{
	unsigned flags;

	for (size_t i = 0; i < n; i++) {
		if (cache_store_read(&c->store, keys[i], &raw[i]) <= 0)
			continue;
		if (cache_entry_check(raw[i].buf, raw[i].len, &flags) != CACHE_DECODE_OK) {
			rep->corrupt++; /* left for verify or the next lookup to drop */
			strbuf_reset(&raw[i]);
			continue;
		}
		cache_entry_set_flags(&raw[i], 0);
		if (c->signing_key && !(flags & CACHE_ENTRY_SIGNED))
			cache_entry_sign(&raw[i], keys[i], c->signing_key);
	}
}

/* Push one batch to one remote: HEAD all, PUT what is missing. */
static void push_batch(struct cache_remote *r, const char *const *keys, size_t n,
		       struct strbuf *raw, struct cache_report *rep,
		       struct cache_stats *st)
{
	struct cache_remote_op ops[BATCH], puts[BATCH];
	size_t nh = 0, np = 0;

	memset(ops, 0, sizeof(ops));
	memset(puts, 0, sizeof(puts));
	for (size_t i = 0; i < n; i++) {
		if (!raw[i].len)
			continue;
		ops[nh].verb = REMOTE_HEAD;
		snprintf(ops[nh++].key, CACHE_REMOTE_KEY_MAX, "%s", keys[i]);
	}
	cache_remote_run(r, ops, nh);
	for (size_t i = 0, j = 0; i < n; i++) {
		if (!raw[i].len)
			continue;
		if (ops[j].result > 0)
			rep->present++;
		else if (ops[j].result == 0) {
			puts[np].verb = REMOTE_PUT;
			memcpy(puts[np].key, ops[j].key, CACHE_REMOTE_KEY_MAX);
			puts[np].data = raw[i].buf;
			puts[np++].len = raw[i].len;
		}
		j++;
	}
	cache_remote_run(r, puts, np);
	for (size_t i = 0; i < np; i++) {
		if (puts[i].result > 0) {
			rep->sent++;
			cache_stats_add(st, "remote_store", 1);
		}
	}
	cache_remote_ops_release(ops, nh);
	cache_remote_ops_release(puts, np);
}

int cache_push(struct cache *c, struct cache_report *rep)
{
	struct strvec keys = STRVEC_INIT;
	struct cache_stats st = CACHE_STATS_INIT;
	struct strbuf raw[BATCH];
	int ret = 0;

	if (!writable_left(c))
		return error("no writable remote to push to");
	for (size_t i = 0; i < BATCH; i++)
		strbuf_init(&raw[i], 0);
	if (cache_store_for_each(&c->store, collect_key, &keys) < 0)
		ret = -1;
	for (size_t at = 0; at < keys.nr && writable_left(c); at += BATCH) {
		size_t n = keys.nr - at < BATCH ? keys.nr - at : BATCH;
		load_for_push(c, keys.v + at, n, raw, rep);
		for (size_t i = 0; i < c->remotes_nr; i++) {
			struct cache_remote *r = c->remotes[i];
			if (!cache_remote_read_only(r) && !cache_remote_failed(r))
				push_batch(r, keys.v + at, n, raw, rep, &st);
		}
		for (size_t i = 0; i < n; i++)
			strbuf_reset(&raw[i]);
	}
	if (any_failed(c)) {
		rep->failed++;
		cache_stats_add(&st, "error_remote", 1);
	}
	cache_store_count(&c->store, NULL, &st);
	for (size_t i = 0; i < BATCH; i++)
		strbuf_release(&raw[i]);
	strvec_clear(&keys);
	return ret || any_failed(c) ? -1 : 0;
}

static int have_local(const struct cache *c, const char *key)
{
	struct strbuf path = STRBUF_INIT;
	int ret;

	cache_store_path(&c->store, key, &path);
	ret = !access(path.buf, F_OK);
	strbuf_release(&path);
	return ret;
}

/* Every key r's listings name, into keys.  0, or -1 when r failed. */
static int list_remote(struct cache_remote *r, struct strvec *keys)
{
	static const char hex[] = "0123456789abcdef";
	struct cache_remote_op *ops = xcalloc(256, sizeof(*ops));
	int ret = 0;

	for (int i = 0; i < 256; i++) {
		ops[i].verb = REMOTE_LIST;
		ops[i].key[0] = hex[i >> 4];
		ops[i].key[1] = hex[i & 15];
	}
	cache_remote_run(r, ops, 256);
	for (int i = 0; i < 256; i++) {
		if (ops[i].result < 0)
			ret = -1;
		else if (ops[i].result > 0)
			cache_remote_scan_listing(&ops[i].body, ops[i].key, keys);
	}
	cache_remote_ops_release(ops, 256);
	free(ops);
	return ret;
}

/* Fetch `keys` the local store lacks from r, BATCH at a time. */
static void pull_keys(struct cache *c, struct cache_remote *r,
		      const struct strvec *keys, struct cache_report *rep,
		      struct cache_stats *st)
{
	struct cache_remote_op ops[BATCH];
	size_t i = 0;

	while (i < keys->nr && !cache_remote_failed(r)) {
		size_t n = 0;
		memset(ops, 0, sizeof(ops));
		for (; i < keys->nr && n < BATCH; i++) {
			if (have_local(c, keys->v[i])) {
				rep->present++;
				continue;
			}
			ops[n].verb = REMOTE_GET;
			snprintf(ops[n++].key, CACHE_REMOTE_KEY_MAX, "%s", keys->v[i]);
		}
		cache_remote_run(r, ops, n);
		for (size_t j = 0; j < n; j++) {
			enum cache_accept a;
			if (ops[j].result <= 0)
				continue;
			a = cache_accept_foreign(c, ops[j].key, &ops[j].body, 0, NULL, st);
			if (a == ACCEPT_OK)
				rep->received++;
			cache_report_refusal(rep, a);
		}
		cache_remote_ops_release(ops, n);
	}
}

int cache_pull(struct cache *c, const struct strvec *keys, struct cache_report *rep)
{
	struct cache_stats st = CACHE_STATS_INIT;
	struct strvec listed = STRVEC_INIT;

	if (!c->remotes_nr)
		return error("no remote to pull from");
	for (size_t i = 0; i < keys->nr; i++)
		if (!cache_key_valid(keys->v[i]))
			return error("invalid cache key '%s'", keys->v[i]);
	for (size_t i = 0; i < c->remotes_nr; i++) {
		struct cache_remote *r = c->remotes[i];

		if (cache_remote_failed(r))
			continue;
		strvec_clear(&listed);
		if (!keys->nr && list_remote(r, &listed) < 0)
			continue;
		pull_keys(c, r, keys->nr ? keys : &listed, rep, &st);
	}
	if (any_failed(c)) {
		rep->failed++;
		cache_stats_add(&st, "error_remote", 1);
	}
	strvec_clear(&listed);
	cache_store_count(&c->store, NULL, &st);
	return any_failed(c) ? -1 : 0;
}
