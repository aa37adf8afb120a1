/*
 * Cache costs.  As a unit test (no arguments) it runs small counts, checks
 * the operations behave and prints rough figures; with --bench (what
 * tests/bench/bench_cache.sh runs) it measures properly:
 *   local hit / local miss / put (µs), open+hit+free as one compile does it,
 *   a remote hit on loopback nginx, pull of every entry, verify over 10,000
 *   entries.
 */
#include "test_cache_server.h"
#include "test_cache_util.h"

static char *top;

static struct cache *open_cfg(const char *name, const char *remote)
{
	struct cache_config cfg = CACHE_CONFIG_INIT;
	char *dir = xstrfmt("%s/%s", top, name);
	struct cache *c;

	cfg.dir = dir;
	cfg.remotes = remote;
	cfg.max_size = 2LL << 30;
	c = cache_open(&cfg);
	free(dir);
	return c;
}

/* Keys and encoded entries made up front, out of the timed loops. */
static char (*keys)[33];
static struct cache_entry *entries;

static void make_inputs(int n)
{
	keys = xcalloc((size_t)n, sizeof(*keys));
	entries = xcalloc((size_t)n, sizeof(*entries));
	for (int i = 0; i < n; i++) {
		sample_key(i, keys[i]);
		sample_entry(&entries[i], i);
	}
}

static void bench_local(int n)
{
	struct cache *c = open_cfg("local", NULL);
	struct cache_entry e;
	double t0, put_us, hit_us, miss_us, cycle_us;
	int hits = 0;
	char absent[33];

	cache_entry_init(&e);
	t0 = now_s();
	for (int i = 0; i < n; i++)
		CHECK_INT(cache_put(c, keys[i], &entries[i]), 0);
	put_us = (now_s() - t0) * 1e6 / n;
	t0 = now_s();
	for (int i = 0; i < n; i++)
		hits += cache_get(c, keys[i], &e) == CACHE_HIT_LOCAL;
	hit_us = (now_s() - t0) * 1e6 / n;
	CHECK_INT(hits, n);
	sample_key(-1, absent);
	t0 = now_s();
	for (int i = 0; i < n; i++)
		CHECK_INT(cache_get(c, absent, &e), CACHE_MISS);
	miss_us = (now_s() - t0) * 1e6 / n;
	cache_free(c);
	/* one compile: open the cache, look up, close */
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		c = open_cfg("local", NULL);
		hits += cache_get(c, keys[i], &e) == CACHE_HIT_LOCAL;
		cache_free(c);
	}
	cycle_us = (now_s() - t0) * 1e6 / n;
	CHECK_INT(hits, 2 * n);
	printf("local put          %8.1f us\n", put_us);
	printf("local hit          %8.1f us  (goal: under 1000)\n", hit_us);
	printf("local miss         %8.1f us\n", miss_us);
	printf("open + hit + free  %8.1f us\n", cycle_us);
	/* no bound on hit_us: a figure (bench_cache.sh), not an assertion;
	 * a loaded machine or an ASan build passes 5 ms (issue 15) */
	cache_entry_release(&e);
}

static void bench_verify(int n)
{
	struct cache *c = open_cfg("verify", NULL);
	struct cache_report rep = { 0 };
	double t0;

	for (int i = 0; i < n; i++)
		cache_put(c, keys[i], &entries[i]);
	t0 = now_s();
	CHECK_INT(cache_verify_all(c, &rep), 0);
	printf("verify %5d entries %7.3f s (%.1f us per entry)\n", n, now_s() - t0,
	       (now_s() - t0) * 1e6 / n);
	CHECK_INT(rep.ok, n);
	cache_free(c);
}

static void bench_remote(int n)
{
	struct server ng = SERVER_INIT;
	struct cache *c;
	struct cache_entry e;
	struct cache_report rep = { 0 };
	struct strvec none = STRVEC_INIT;
	double t0, hit_us, cycle_us, pull_s;
	int hits = 0;

	if (nginx_setup(top) || nginx_start(&ng) < 0) {
		printf("remote hit          skipped (no nginx with WebDAV)\n");
		return;
	}
	cache_entry_init(&e);
	c = open_cfg("local", ng.url);
	CHECK_INT(cache_push(c, &rep), 0);
	cache_free(c);
	c = open_cfg("remote1", ng.url);
	t0 = now_s();
	for (int i = 0; i < n; i++)
		hits += cache_get(c, keys[i], &e) == CACHE_HIT_REMOTE;
	hit_us = (now_s() - t0) * 1e6 / n;
	cache_free(c);
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		c = open_cfg("remote2", ng.url);
		hits += cache_get(c, keys[i], &e) == CACHE_HIT_REMOTE;
		cache_free(c);
	}
	cycle_us = (now_s() - t0) * 1e6 / n;
	CHECK_INT(hits, 2 * n);
	c = open_cfg("pulled", ng.url);
	memset(&rep, 0, sizeof(rep));
	t0 = now_s();
	CHECK_INT(cache_pull(c, &none, &rep), 0);
	pull_s = now_s() - t0;
	cache_free(c);
	printf("remote hit         %8.1f us  (loopback nginx, local miss + GET + store)\n",
	       hit_us);
	printf("open + remote hit  %8.1f us\n", cycle_us);
	printf("pull %5ld entries %7.3f s (%.1f us per entry, 8 requests in flight)\n",
	       rep.received, pull_s, pull_s * 1e6 / (rep.received ? rep.received : 1));
	cache_entry_release(&e);
	server_stop(&ng);
}

int main(int argc, char **argv)
{
	int full = argc > 1 && !strcmp(argv[1], "--bench");
	int n = full ? 10000 : 200;

	top = test_tmpdir("cbench");
	make_inputs(n);
	bench_local(full ? 5000 : 200);
	bench_verify(n);
	bench_remote(full ? 2000 : 50);
	for (int i = 0; i < n; i++)
		cache_entry_release(&entries[i]);
	free(entries);
	free(keys);
	rm_rf(top);
	free(top);
	return check_done();
}
