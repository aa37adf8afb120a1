#include "cache_int.h"
#include "fs.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char cachedir_tag[] =
	"Signature: 8a477f597d28d172789f06886806bc55\n"
	"# This file is a cache directory tag created by accc.\n"
	"# For information about cache directory tags see https://bford.info/cachedir/\n";

static void write_cachedir_tag(const char *dir)
{
	char *path = xstrfmt("%s/CACHEDIR.TAG", dir);

	if (access(path, F_OK) < 0 && !mkdir_p(dir, 0755))
		write_file_atomic(path, cachedir_tag, sizeof(cachedir_tag) - 1, 0644);
	free(path);
}

struct cache *cache_open(const struct cache_config *cfg)
{
	struct cache *c;
	struct cache_remote_auth auth = { cfg->bearer_token, cfg->user, cfg->password };

	if (!cfg->dir || !*cfg->dir) {
		error("no cache directory configured");
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	cache_store_init(&c->store, cfg->dir, cfg->max_size);
	if (cache_remote_parse_list(cfg->remotes, cfg->connect_timeout_ms,
				    cfg->transfer_timeout_ms, &auth, &c->remotes,
				    &c->remotes_nr) < 0) {
		cache_free(c);
		return NULL;
	}
	for (size_t i = 0; i < c->remotes_nr; i++)
		cache_remote_set_down(c->remotes[i], cfg->dir, cfg->down_for_s);
	c->signing_key = cfg->signing_key && *cfg->signing_key ?
		xstrdup(cfg->signing_key) : NULL;
	c->require_signature = cfg->require_signature;
	c->verify = cfg->verify;
	c->verify_fn = cfg->verify_fn;
	c->verify_data = cfg->verify_data;
	if (c->require_signature && !c->signing_key)
		warning("require_signature is set but no signing_key: every remote "
			"entry will be refused");
	write_cachedir_tag(cfg->dir);
	return c;
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->remotes_nr; i++)
		cache_remote_free(c->remotes[i]);
	free(c->remotes);
	if (c->signing_key) {
		memset(c->signing_key, 0, strlen(c->signing_key));
		free(c->signing_key);
	}
	cache_store_release(&c->store);
	free(c);
}

const struct cache_store *cache_local(const struct cache *c)
{
	return &c->store;
}

size_t cache_remote_count(const struct cache *c)
{
	return c->remotes_nr;
}

void cache_count(struct cache *c, const char *name, long long delta)
{
	struct cache_stats st = CACHE_STATS_INIT;

	cache_stats_add(&st, name, delta);
	cache_store_count(&c->store, NULL, &st);
}

static int needs_check(const struct cache *c, unsigned flags)
{
	if (c->verify == CACHE_VERIFY_ALWAYS)
		return 1;
	if (c->verify == CACHE_VERIFY_REMOTE)
		return (flags & CACHE_ENTRY_REMOTE) && !(flags & CACHE_ENTRY_VERIFIED);
	return 0;
}

/* 0 verified, -1 wrong, 1 could not be checked; counts in delta. */
static int check_entry(struct cache *c, const struct cache_entry *e,
		       struct cache_stats *delta)
{
	int r;

	if (!c->verify_fn)
		return 1;
	r = c->verify_fn(e, c->verify_data);
	if (r == 0)
		cache_stats_add(delta, "verify_ok", 1);
	else if (r < 0)
		cache_stats_add(delta, "verify_fail", 1);
	return r < 0 ? -1 : r;
}

static int signature_refused(const struct cache *c, const char *key,
			     const struct strbuf *raw)
{
	return c->require_signature &&
	       !cache_entry_signature_ok(raw->buf, raw->len, key, c->signing_key);
}

/* Drop a bad local entry, recording `why` (unless NULL) and a local miss
 * with the counters in st (consumed). */
static void drop_local(struct cache *c, const char *key, const char *why,
		       struct cache_stats *st)
{
	log_msg("cache entry '%s' dropped: %s", key, why ? why : "verify_fail");
	if (why)
		cache_stats_add(st, why, 1);
	cache_stats_add(st, "local_miss", 1);
	cache_store_remove(&c->store, key, st, NULL);
}

/* The local half of cache_get: 1 hit, 0 miss (counted either way). */
static int local_get(struct cache *c, const char *key, struct cache_entry *e)
{
	struct strbuf raw = STRBUF_INIT;
	struct cache_stats st = CACHE_STATS_INIT;
	enum cache_decode_result dr;
	int n, hit = 0;

	n = cache_store_read(&c->store, key, &raw);
	if (n <= 0) {
		cache_stats_add(&st, n < 0 ? "error_io" : "local_miss", 1);
		if (n < 0)
			cache_stats_add(&st, "local_miss", 1);
		goto out;
	}
	dr = cache_entry_decode(raw.buf, raw.len, key, e);
	/* The entry format version is part of every key (cache_key.c), so an
	 * entry of another version under this key is damage: drop it too. */
	if (dr != CACHE_DECODE_OK) {
		drop_local(c, key, dr == CACHE_DECODE_VERSION ? "error_version" :
			   "error_corrupt", &st);
		goto out;
	}
	if ((e->flags & CACHE_ENTRY_REMOTE) && signature_refused(c, key, &raw)) {
		drop_local(c, key, "error_signature", &st);
		goto out;
	}
	if (needs_check(c, e->flags)) {
		int r = check_entry(c, e, &st);
		if (r < 0) {
			drop_local(c, key, NULL, &st); /* verify_fail counted */
			goto out;
		}
		if (!r && (e->flags & CACHE_ENTRY_REMOTE) &&
		    !(e->flags & CACHE_ENTRY_VERIFIED)) {
			e->flags |= CACHE_ENTRY_VERIFIED;
			if (!cache_entry_set_flags(&raw, e->flags))
				cache_store_write(&c->store, key, raw.buf, raw.len, NULL);
		}
	}
	cache_store_touch(&c->store, key);
	cache_stats_add(&st, "local_hit", 1);
	hit = 1;
out:
	cache_store_count(&c->store, key, &st);
	if (!hit)
		cache_entry_release(e);
	strbuf_release(&raw);
	return hit;
}

enum cache_accept cache_accept_foreign(struct cache *c, const char *key,
				       struct strbuf *raw, int use_now,
				       struct cache_entry *ret,
				       struct cache_stats *delta)
{
	struct cache_entry tmp;
	struct cache_entry *e = ret ? ret : &tmp;
	enum cache_decode_result dr;
	enum cache_accept res = ACCEPT_OK;

	cache_entry_init(&tmp);
	dr = cache_entry_decode(raw->buf, raw->len, key, e);
	if (dr != CACHE_DECODE_OK) {
		cache_stats_add(delta, dr == CACHE_DECODE_VERSION ? "error_version" :
				"error_corrupt", 1);
		res = dr == CACHE_DECODE_VERSION ? ACCEPT_VERSION : ACCEPT_CORRUPT;
		goto out;
	}
	if (signature_refused(c, key, raw)) {
		cache_stats_add(delta, "error_signature", 1);
		res = ACCEPT_SIGNATURE;
		goto out;
	}
	/* The sender's bookkeeping means nothing here. */
	e->flags = CACHE_ENTRY_REMOTE;
	if (use_now && needs_check(c, e->flags) && c->verify_fn) {
		int r = check_entry(c, e, delta);
		if (r < 0) {
			res = ACCEPT_VERIFY;
			goto out;
		}
		if (!r)
			e->flags |= CACHE_ENTRY_VERIFIED;
	}
	if (cache_entry_set_flags(raw, e->flags) < 0 ||
	    cache_store_write(&c->store, key, raw->buf, raw->len, NULL) < 0)
		res = ACCEPT_IO;
out:
	/* ACCEPT_IO: sound, only not stored here; a lookup may still use it */
	if (res != ACCEPT_OK && res != ACCEPT_IO && ret)
		cache_entry_release(ret);
	cache_entry_release(&tmp);
	return res;
}

void cache_report_refusal(struct cache_report *rep, enum cache_accept why)
{
	if (why == ACCEPT_CORRUPT)
		rep->corrupt++;
	else if (why == ACCEPT_VERSION)
		rep->version++;
	else if (why == ACCEPT_SIGNATURE)
		rep->signature++;
	else if (why != ACCEPT_OK)
		rep->failed++;
}

/* Not failed in this process, nor remembered as down by another (counted). */
static int remote_usable(struct cache_remote *r, struct cache_stats *st)
{
	if (cache_remote_skip_down(r))
		cache_stats_add(st, "remote_down_skip", 1);
	return !cache_remote_failed(r);
}

/* The remote half of cache_get, for one remote: 1 hit, 0 not there or refused. */
static int remote_get(struct cache *c, struct cache_remote *r, const char *key,
		      struct cache_entry *e, struct cache_stats *st)
{
	struct strbuf raw = STRBUF_INIT;
	enum cache_accept a;
	int n;

	n = cache_remote_get(r, key, &raw, CACHE_ENTRY_MAX_SIZE);
	if (n < 0)
		cache_stats_add(st, "error_remote", 1);
	if (n <= 0)
		goto out;
	a = cache_accept_foreign(c, key, &raw, 1, e, st);
	if (a == ACCEPT_CORRUPT) {
		cache_remote_mark_failed(r, "garbled entry");
		cache_stats_add(st, "error_remote", 1);
	}
	n = a == ACCEPT_OK || a == ACCEPT_IO;
out:
	strbuf_release(&raw);
	return n > 0;
}

enum cache_hit cache_get(struct cache *c, const char *key, struct cache_entry *ret)
{
	struct cache_stats st = CACHE_STATS_INIT;
	enum cache_hit hit = CACHE_MISS;
	int asked = 0;

	cache_entry_release(ret);
	if (!cache_key_valid(key)) {
		error("invalid cache key '%s'", key);
		return CACHE_MISS;
	}
	if (local_get(c, key, ret))
		return CACHE_HIT_LOCAL;
	for (size_t i = 0; i < c->remotes_nr && hit == CACHE_MISS; i++) {
		if (!remote_usable(c->remotes[i], &st))
			continue;
		asked = 1;
		if (remote_get(c, c->remotes[i], key, ret, &st))
			hit = CACHE_HIT_REMOTE;
	}
	if (asked)
		cache_stats_add(&st, hit ? "remote_hit" : "remote_miss", 1);
	cache_store_count(&c->store, key, &st);
	return hit;
}

int cache_put(struct cache *c, const char *key, const struct cache_entry *e)
{
	struct strbuf raw = STRBUF_INIT;
	struct cache_stats st = CACHE_STATS_INIT;
	int ret = -1;

	if (cache_entry_encode(&raw, key, e, 0, c->signing_key) < 0)
		goto out;
	cache_stats_add(&st, "store", 1);
	if (cache_store_write(&c->store, key, raw.buf, raw.len, &st) < 0)
		goto out;
	ret = 0;
	for (size_t i = 0; i < c->remotes_nr; i++) {
		struct cache_remote *r = c->remotes[i];
		if (cache_remote_read_only(r) || !remote_usable(r, &st))
			continue;
		if (cache_remote_put(r, key, raw.buf, raw.len) < 0)
			cache_stats_add(&st, "error_remote", 1);
		else
			cache_stats_add(&st, "remote_store", 1);
	}
	cache_store_count(&c->store, key, &st);
out:
	cache_stats_release(&st);
	strbuf_release(&raw);
	return ret;
}

int cache_remove(struct cache *c, const char *key)
{
	int removed = 0;

	if (!cache_key_valid(key))
		return error("invalid cache key '%s'", key);
	if (cache_store_remove(&c->store, key, NULL, &removed) < 0)
		return -1;
	return removed;
}

struct verify_walk {
	struct cache *c;
	struct cache_report *rep;
	struct strbuf raw;
	struct cache_entry e;
};

static int verify_one(const char *key, const char *path, const struct stat *st,
		      void *data)
{
	struct verify_walk *w = data;
	const char *why = NULL;
	enum cache_decode_result dr;
	int n;

	w->rep->checked++;
	n = cache_store_read(&w->c->store, key, &w->raw);
	if (n <= 0)
		return 0; /* removed meanwhile, or unreadable: not ours to judge */
	dr = cache_entry_decode(w->raw.buf, w->raw.len, key, &w->e);
	if (dr == CACHE_DECODE_VERSION)
		why = "error_version", w->rep->version++;
	else if (dr != CACHE_DECODE_OK)
		why = "error_corrupt", w->rep->corrupt++;
	else if ((w->e.flags & CACHE_ENTRY_REMOTE) &&
		 signature_refused(w->c, key, &w->raw))
		why = "error_signature", w->rep->signature++;
	if (why) {
		struct cache_stats d = CACHE_STATS_INIT;
		cache_stats_add(&d, why, 1);
		cache_store_remove(&w->c->store, key, &d, NULL);
		w->rep->dropped++;
	} else {
		w->rep->ok++;
	}
	return 0;
}

int cache_verify_all(struct cache *c, struct cache_report *rep)
{
	struct verify_walk w;
	int ret;

	w.c = c;
	w.rep = rep;
	strbuf_init(&w.raw, 0);
	cache_entry_init(&w.e);
	ret = cache_store_for_each(&c->store, verify_one, &w);
	cache_entry_release(&w.e);
	strbuf_release(&w.raw);
	return ret < 0 ? -1 : 0;
}
