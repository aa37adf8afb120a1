/*
 * The local store through the cache API: hits, misses, counters, corruption,
 * LRU eviction, many processes at once, bundles, verify policy, signatures.
 */
#include "test_cache_util.h"

#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct cache *open_dir(const char *dir, long long max_size)
{
	struct cache_config cfg = CACHE_CONFIG_INIT;

	cfg.dir = dir;
	cfg.max_size = max_size;
	return cache_open(&cfg);
}

struct disk {
	long long entries, bytes;
};

static int disk_one(const char *key, const char *path, const struct stat *st,
		    void *data)
{
	struct disk *d = data;
	d->entries++;
	d->bytes += st->st_size;
	return 0;
}

/* The gauges equal what is on disk. */
static void check_gauges(struct cache *c)
{
	struct disk d = { 0, 0 };

	cache_store_for_each(cache_local(c), disk_one, &d);
	CHECK_INT(counter(c, "entries"), d.entries);
	CHECK_INT(counter(c, "bytes"), d.bytes);
}

static void test_basic(void)
{
	char *dir = test_tmpdir("cstore");
	struct cache *c = open_dir(dir, 0);
	struct cache_entry in, out;
	struct strbuf path = STRBUF_INIT;
	char key[33], key2[33];

	sample_entry(&in, 1);
	cache_entry_init(&out);
	sample_key(1, key);
	sample_key(2, key2);
	CHECK_INT(cache_get(c, key, &out), CACHE_MISS);
	CHECK_INT(cache_put(c, key, &in), 0);
	CHECK_INT(cache_get(c, key, &out), CACHE_HIT_LOCAL);
	CHECK(entry_equal(&in, &out));
	CHECK_INT(out.flags, 0);
	CHECK_INT(cache_get(c, key2, &out), CACHE_MISS);
	CHECK(out.kernel == NULL);
	cache_store_path(cache_local(c), key, &path);
	CHECK(strstr(path.buf, key) && !access(path.buf, F_OK));
	CHECK_INT(counter(c, "local_hit"), 1);
	CHECK_INT(counter(c, "local_miss"), 2);
	CHECK_INT(counter(c, "store"), 1);
	CHECK_INT(counter(c, "entries"), 1);
	check_gauges(c);
	/* counters of any name, kept next to the known ones */
	cache_count(c, "llm_calls", 3);
	cache_count(c, "llm_calls", 2);
	CHECK_INT(counter(c, "llm_calls"), 5);
	CHECK_INT(cache_remove(c, key), 1);
	CHECK_INT(cache_remove(c, key), 0);
	CHECK_INT(counter(c, "entries"), 0);
	CHECK_INT(counter(c, "bytes"), 0);
	CHECK_INT(cache_store_zero_stats(cache_local(c)), 0);
	CHECK_INT(counter(c, "local_hit"), 0);
	CHECK_INT(counter(c, "llm_calls"), 0);
	{
		char *tag = xstrfmt("%s/CACHEDIR.TAG", dir);
		CHECK(!access(tag, F_OK));
		free(tag);
	}
	cache_entry_release(&in);
	cache_entry_release(&out);
	strbuf_release(&path);
	cache_free(c);
	rm_rf(dir);
	free(dir);
}

/* >= 1000 corruptions of a stored entry: each a miss, dropped, counted. */
static void test_corruption(void)
{
	char *dir = test_tmpdir("ccorrupt");
	struct cache *c = open_dir(dir, 0);
	struct cache_entry in, out;
	struct strbuf raw = STRBUF_INIT, bad = STRBUF_INIT, path = STRBUF_INIT;
	char key[33];
	int trials = 0, misses = 0, dropped = 0, counted = 0, wrong_hits = 0;

	srand(777);
	sample_entry(&in, 9);
	cache_entry_init(&out);
	sample_key(9, key);
	cache_put(c, key, &in);
	cache_store_path(cache_local(c), key, &path);
	strbuf_read_file(&raw, path.buf, 1 << 20);
	for (int t = 0; t < 1200; t++) {
		long long before = counter(c, "error_corrupt") + counter(c, "error_version");
		int kind = t % 4, r;
		strbuf_reset(&bad);
		strbuf_add(&bad, raw.buf, raw.len);
		if (kind == 0) { /* truncation */
			strbuf_setlen(&bad, (size_t)rand() % raw.len);
		} else { /* 1..3 bit flips */
			for (int f = 0; f < kind; f++) {
				size_t bit = (size_t)rand() % (bad.len * 8);
				bad.buf[bit / 8] ^= (char)(1 << (bit % 8));
			}
			if (!memcmp(bad.buf, raw.buf, raw.len))
				continue; /* two flips of one bit cancel out */
		}
		cache_store_write(cache_local(c), key, bad.buf, bad.len, NULL);
		trials++;
		r = cache_get(c, key, &out);
		if (r == CACHE_MISS)
			misses++;
		else if (!entry_equal(&in, &out))
			wrong_hits++;
		if (access(path.buf, F_OK))
			dropped++;
		if (counter(c, "error_corrupt") + counter(c, "error_version") == before + 1)
			counted++;
		cache_store_remove(cache_local(c), key, NULL, NULL);
	}
	printf("corruption: %d trials, %d misses, %d dropped, %d counted, %d wrong hits "
	       "(%lld version, the rest corrupt)\n", trials, misses, dropped, counted,
	       wrong_hits, counter(c, "error_version"));
	CHECK(trials >= 1000);
	CHECK_INT(misses, trials);
	CHECK_INT(wrong_hits, 0);
	CHECK_INT(counted, trials);
	CHECK_INT(dropped, trials);
	check_gauges(c);
	/* the pristine entry still hits */
	cache_store_write(cache_local(c), key, raw.buf, raw.len, NULL);
	CHECK_INT(cache_get(c, key, &out), CACHE_HIT_LOCAL);
	cache_entry_release(&in);
	cache_entry_release(&out);
	strbuf_release(&raw);
	strbuf_release(&bad);
	strbuf_release(&path);
	cache_free(c);
	rm_rf(dir);
	free(dir);
}

/* Seeds whose keys fall into shard 'a'. */
static int shard_a_seeds(int *seeds, int n)
{
	char key[33];
	int found = 0;

	for (int s = 1000; found < n; s++) {
		sample_key(s, key);
		if (key[0] == 'a')
			seeds[found++] = s;
	}
	return found;
}

static void test_eviction(void)
{
	char *dir = test_tmpdir("cevict");
	struct cache *c;
	struct cache_entry in, out;
	struct strbuf raw = STRBUF_INIT;
	char key[33], key0[33], key1[33];
	int seeds[12];
	long long share;
	struct disk d = { 0, 0 };

	sample_entry(&in, 0);
	sample_key(0, key);
	cache_entry_encode(&raw, key, &in, 0, NULL);
	cache_entry_release(&in);
	/* a shard's share holds five entries */
	share = (long long)raw.len * 5 + raw.len / 2;
	c = open_dir(dir, share * CACHE_STORE_SHARDS);
	cache_entry_init(&out);
	shard_a_seeds(seeds, 12);
	sample_key(seeds[0], key0);
	sample_key(seeds[1], key1);
	for (int i = 0; i < 12; i++) {
		sample_entry(&in, seeds[i]);
		sample_key(seeds[i], key);
		CHECK_INT(cache_put(c, key, &in), 0);
		cache_entry_release(&in);
		usleep(2000);
		/* keep the first one in use */
		CHECK_INT(cache_get(c, key0, &out), CACHE_HIT_LOCAL);
	}
	CHECK(counter(c, "evicted") > 0);
	CHECK(counter(c, "bytes") <= share);
	CHECK_INT(cache_get(c, key0, &out), CACHE_HIT_LOCAL); /* recently used: kept */
	CHECK_INT(cache_get(c, key1, &out), CACHE_MISS);      /* least recently used */
	check_gauges(c);

	/* many entries over all shards: the total stays under the limit */
	for (int i = 0; i < 400; i++) {
		sample_entry(&in, 5000 + i);
		sample_key(5000 + i, key);
		cache_put(c, key, &in);
		cache_entry_release(&in);
	}
	cache_store_for_each(cache_local(c), disk_one, &d);
	printf("eviction: %lld entries, %lld bytes on disk, limit %lld, %lld evicted\n",
	       d.entries, d.bytes, share * CACHE_STORE_SHARDS, counter(c, "evicted"));
	CHECK(d.bytes <= share * CACHE_STORE_SHARDS);
	check_gauges(c);
	/* gc with a limit already met evicts nothing and keeps the gauges */
	{
		long ev = 0;
		CHECK_INT(cache_store_gc(cache_local(c), 1, &ev), 0);
		CHECK_INT(ev, 0);
		check_gauges(c);
	}
	CHECK_INT(cache_store_clear(cache_local(c)), 0);
	CHECK_INT(counter(c, "entries"), 0);
	check_gauges(c);
	cache_entry_release(&out);
	strbuf_release(&raw);
	cache_free(c);
	rm_rf(dir);
	free(dir);
}

enum { PROCS = 8, ITERS = 150, KEYS = 40 };

/* One child: random puts and gets on overlapping keys; every hit must be
 * exactly the entry of its seed.  Reports its puts and gets on fd. */
static int child_work(const char *dir, long long max_size, int id, int fd)
{
	struct cache *c = open_dir(dir, max_size);
	struct cache_entry e, want;
	char key[33];
	int counts[2] = { 0, 0 }, bad = 0;

	srand(1000 + id);
	cache_entry_init(&e);
	for (int i = 0; i < ITERS; i++) {
		int seed = rand() % KEYS;
		sample_key(seed, key);
		sample_entry(&want, seed);
		if (rand() % 3 == 0) {
			if (cache_put(c, key, &want) == 0)
				counts[0]++;
		} else {
			counts[1]++;
			if (cache_get(c, key, &e) != CACHE_MISS && !entry_equal(&e, &want))
				bad++;
		}
		cache_entry_release(&want);
	}
	if (write(fd, counts, sizeof(counts)) != sizeof(counts))
		bad++;
	cache_entry_release(&e);
	cache_free(c);
	return bad ? 1 : 0;
}

static void run_concurrent(long long max_size)
{
	char *dir = test_tmpdir("cconc");
	int fds[2], puts = 0, gets = 0, failed = 0, counts[2];
	pid_t pids[PROCS];
	struct cache *c;
	struct cache_entry e, want;
	char key[33];
	int readable = 0, correct = 0;

	if (pipe(fds) < 0)
		exit(2);
	for (int i = 0; i < PROCS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(child_work(dir, max_size, i, fds[1]));
	}
	close(fds[1]);
	for (int i = 0; i < PROCS; i++) {
		int status;
		waitpid(pids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	while (read(fds[0], counts, sizeof(counts)) == sizeof(counts)) {
		puts += counts[0];
		gets += counts[1];
	}
	close(fds[0]);
	CHECK_INT(failed, 0);
	c = open_dir(dir, max_size);
	CHECK_INT(counter(c, "store"), puts);
	CHECK_INT(counter(c, "local_hit") + counter(c, "local_miss"), gets);
	CHECK_INT(counter(c, "error_corrupt") + counter(c, "error_io"), 0);
	check_gauges(c);
	cache_entry_init(&e);
	for (int s = 0; s < KEYS; s++) {
		sample_key(s, key);
		sample_entry(&want, s);
		if (cache_get(c, key, &e) != CACHE_MISS) {
			readable++;
			correct += entry_equal(&e, &want);
		}
		cache_entry_release(&want);
	}
	printf("concurrency (max_size %lld): %d processes, %d puts, %d gets, "
	       "%d keys present, %lld evicted\n", max_size, PROCS, puts, gets,
	       readable, counter(c, "evicted"));
	CHECK_INT(correct, readable);
	if (!max_size)
		CHECK_INT(readable, KEYS);
	cache_entry_release(&e);
	cache_free(c);
	rm_rf(dir);
	free(dir);
}

static int verify_calls;
static int verify_answer;

static int count_verify(const struct cache_entry *e, void *data)
{
	verify_calls++;
	return verify_answer;
}

static void fill(struct cache *c, int from, int n)
{
	struct cache_entry in;
	char key[33];

	for (int i = from; i < from + n; i++) {
		sample_entry(&in, i);
		sample_key(i, key);
		cache_put(c, key, &in);
		cache_entry_release(&in);
	}
}

static void test_bundle_and_policy(void)
{
	char *a = test_tmpdir("cbunA"), *b = test_tmpdir("cbunB");
	char *bundle = xstrfmt("%s/x.accc", a), *cut = xstrfmt("%s/cut.accc", a);
	struct cache *ca = open_dir(a, 0), *cb;
	struct cache_config cfg = CACHE_CONFIG_INIT;
	struct cache_report rep = { 0 };
	struct cache_entry in, out;
	struct strbuf data = STRBUF_INIT;
	char key[33];

	fill(ca, 100, 30);
	CHECK_INT(cache_export(ca, bundle, &rep), 0);
	CHECK_INT(rep.sent, 30);

	cfg.dir = b;
	cfg.verify_fn = count_verify;
	cb = cache_open(&cfg);
	memset(&rep, 0, sizeof(rep));
	CHECK_INT(cache_import(cb, bundle, &rep), 0);
	CHECK_INT(rep.received, 30);
	CHECK_INT(counter(cb, "entries"), 30);
	cache_entry_init(&out);
	sample_entry(&in, 105);
	sample_key(105, key);
	/* policy remote: foreign entries are checked once, then marked */
	verify_calls = 0;
	verify_answer = 0;
	CHECK_INT(cache_get(cb, key, &out), CACHE_HIT_LOCAL);
	CHECK(entry_equal(&in, &out));
	CHECK_INT(out.flags, CACHE_ENTRY_REMOTE | CACHE_ENTRY_VERIFIED);
	CHECK_INT(cache_get(cb, key, &out), CACHE_HIT_LOCAL);
	CHECK_INT(verify_calls, 1);
	CHECK_INT(counter(cb, "verify_ok"), 1);
	/* a failing check drops the entry */
	sample_key(106, key);
	verify_answer = -1;
	CHECK_INT(cache_get(cb, key, &out), CACHE_MISS);
	CHECK_INT(counter(cb, "verify_fail"), 1);
	CHECK_INT(cache_get(cb, key, &out), CACHE_MISS);
	CHECK_INT(verify_calls, 2);
	/* "cannot tell": used, not marked */
	sample_key(107, key);
	verify_answer = 1;
	CHECK_INT(cache_get(cb, key, &out), CACHE_HIT_LOCAL);
	CHECK_INT(out.flags, CACHE_ENTRY_REMOTE);
	cache_free(cb);

	/* policy never: no check; always: a check at every use, own entries too */
	cfg.verify = CACHE_VERIFY_NEVER;
	cb = cache_open(&cfg);
	verify_calls = 0;
	CHECK_INT(cache_get(cb, key, &out), CACHE_HIT_LOCAL);
	CHECK_INT(verify_calls, 0);
	cache_free(cb);
	cfg.verify = CACHE_VERIFY_ALWAYS;
	verify_answer = 0;
	cb = cache_open(&cfg);
	sample_key(105, key);
	CHECK_INT(cache_get(cb, key, &out), CACHE_HIT_LOCAL);
	CHECK_INT(cache_get(cb, key, &out), CACHE_HIT_LOCAL);
	CHECK_INT(verify_calls, 2);
	cache_free(cb);

	/* signatures required: the unsigned bundle is refused entry by entry */
	rm_rf(b);
	cfg.verify = CACHE_VERIFY_NEVER;
	cfg.require_signature = 1;
	cfg.signing_key = "team-key";
	cb = cache_open(&cfg);
	memset(&rep, 0, sizeof(rep));
	CHECK_INT(cache_import(cb, bundle, &rep), 0);
	CHECK_INT(rep.received, 0);
	CHECK_INT(rep.signature, 30);
	CHECK_INT(counter(cb, "error_signature"), 30);
	CHECK_INT(counter(cb, "entries"), 0);
	cache_free(cb);

	/* a cut bundle: an error, what came before is imported and sound */
	strbuf_read_file(&data, bundle, 1 << 24);
	write_file(cut, data.buf, data.len * 2 / 3);
	rm_rf(b);
	cfg.require_signature = 0;
	cb = cache_open(&cfg);
	memset(&rep, 0, sizeof(rep));
	CHECK_INT(cache_import(cb, cut, &rep), -1);
	CHECK(rep.received < 30);
	memset(&rep, 0, sizeof(rep));
	CHECK_INT(cache_verify_all(cb, &rep), 0);
	CHECK_INT(rep.dropped, 0);
	CHECK_INT(cache_import(cb, "/nonexistent/bundle", &rep), -1);
	write_file(cut, "garbage", 7);
	CHECK_INT(cache_import(cb, cut, &rep), -1);
	cache_free(cb);

	cache_entry_release(&in);
	cache_entry_release(&out);
	strbuf_release(&data);
	cache_free(ca);
	rm_rf(a);
	rm_rf(b);
	free(a);
	free(b);
	free(bundle);
	free(cut);
}

static void test_verify_all(void)
{
	char *dir = test_tmpdir("cverify");
	struct cache *c = open_dir(dir, 0);
	struct cache_report rep = { 0 };
	struct strbuf path = STRBUF_INIT;
	char key[33];

	fill(c, 200, 20);
	for (int i = 200; i < 205; i++) {
		sample_key(i, key);
		strbuf_reset(&path);
		cache_store_path(cache_local(c), key, &path);
		truncate(path.buf, 100);
	}
	CHECK_INT(cache_verify_all(c, &rep), 0);
	CHECK_INT(rep.checked, 20);
	CHECK_INT(rep.dropped, 5);
	CHECK_INT(rep.corrupt, 5);
	CHECK_INT(counter(c, "error_corrupt"), 5);
	/* truncate() bypassed the store: gc recounts */
	CHECK_INT(cache_store_gc(cache_local(c), 1, NULL), 0);
	CHECK_INT(counter(c, "entries"), 15);
	check_gauges(c);
	strbuf_release(&path);
	cache_free(c);
	rm_rf(dir);
	free(dir);
}

int main(void)
{
	test_basic();
	test_corruption();
	test_eviction();
	run_concurrent(0);
	run_concurrent(40 << 10);
	test_bundle_and_policy();
	test_verify_all();
	return check_done();
}
