/*
 * Remote caches against a real nginx (WebDAV PUT) started here on 127.0.0.1,
 * and against a misbehaving server (test_cache_fake_server.py): push, pull, a
 * teammate's hit, auth (basic, bearer, URL userinfo; never logged),
 * read-only, remote order, 5xx, https with and without the CA, signatures, a
 * server killed mid-run, a server slower than the timeout, garbage, an
 * endless answer.  Skips (77) with a reason when nginx (Debian package
 * 'nginx', WebDAV built in), python3 or openssl is missing.
 */
#include "test_cache_server.h"
#include "test_cache_util.h"

static char *top; /* private temp dir for everything, the nginx prefix */

/* A cache in a fresh dir under top. */
static struct cache *open_team(const char *name, const char *remotes,
			       struct cache_config *base)
{
	struct cache_config cfg = CACHE_CONFIG_INIT;
	char *dir = xstrfmt("%s/%s", top, name);
	struct cache *c;

	if (base)
		cfg = *base;
	rm_rf(dir);
	cfg.dir = dir;
	cfg.remotes = remotes;
	cfg.connect_timeout_ms = cfg.connect_timeout_ms ? cfg.connect_timeout_ms : 500;
	cfg.transfer_timeout_ms = cfg.transfer_timeout_ms ? cfg.transfer_timeout_ms : 2000;
	c = cache_open(&cfg);
	free(dir);
	return c;
}

static int on_server(const char *sub, const char *key)
{
	char *path = xstrfmt("%s/data/%s%.2s/%s", top, sub, key, key);
	int ok = !access(path, F_OK);
	free(path);
	return ok;
}

static void put_seed(struct cache *c, int seed, char key[33])
{
	struct cache_entry e;

	sample_entry(&e, seed);
	sample_key(seed, key);
	CHECK_INT(cache_put(c, key, &e), 0);
	cache_entry_release(&e);
}

static int got_seed(struct cache *c, int seed, enum cache_hit want)
{
	struct cache_entry e, w;
	char key[33];
	enum cache_hit h;
	int ok;

	cache_entry_init(&e);
	sample_entry(&w, seed);
	sample_key(seed, key);
	h = cache_get(c, key, &e);
	ok = h == want && (h == CACHE_MISS || entry_equal(&e, &w));
	if (!ok)
		fprintf(stderr, "seed %d: got %d, want %d\n", seed, (int)h, (int)want);
	cache_entry_release(&e);
	cache_entry_release(&w);
	return ok;
}

static void test_team(const struct server *ng)
{
	struct cache *a = open_team("alice", ng->url, NULL), *b, *c;
	struct cache_report rep = { 0 };
	struct strvec keys = STRVEC_INIT;
	char key[33];

	/* a new winner is pushed; a teammate hits it, then has it locally */
	put_seed(a, 1, key);
	CHECK(on_server("", key));
	CHECK_INT(counter(a, "remote_store"), 1);
	b = open_team("bob", ng->url, NULL);
	CHECK(got_seed(b, 1, CACHE_HIT_REMOTE));
	CHECK(got_seed(b, 1, CACHE_HIT_LOCAL));
	CHECK(got_seed(b, 2, CACHE_MISS));
	CHECK_INT(counter(b, "remote_hit"), 1);
	CHECK_INT(counter(b, "remote_miss"), 1);
	CHECK_INT(counter(b, "local_miss"), 2);
	CHECK_INT(counter(b, "error_remote"), 0);

	/* push: entries made offline go up, once */
	cache_free(b);
	b = open_team("carol", NULL, NULL);
	for (int s = 10; s < 20; s++)
		put_seed(b, s, key);
	cache_free(b);
	{
		struct cache_config cfg = CACHE_CONFIG_INIT;
		char *dir = xstrfmt("%s/carol", top);
		cfg.dir = dir;
		cfg.remotes = ng->url;
		b = cache_open(&cfg);
		free(dir);
	}
	CHECK_INT(cache_push(b, &rep), 0);
	CHECK_INT(rep.sent, 10);
	memset(&rep, 0, sizeof(rep));
	CHECK_INT(cache_push(b, &rep), 0);
	CHECK_INT(rep.sent, 0);
	CHECK_INT(rep.present, 10);
	cache_free(b);

	/* pull everything (from nginx's autoindex listing) into a fresh dir */
	c = open_team("dave", ng->url, NULL);
	memset(&rep, 0, sizeof(rep));
	CHECK_INT(cache_pull(c, &keys, &rep), 0);
	CHECK_INT(rep.received, 11);
	CHECK_INT(counter(c, "entries"), 11);
	CHECK(got_seed(c, 15, CACHE_HIT_LOCAL));
	cache_free(c);
	/* pull by key */
	c = open_team("erin", ng->url, NULL);
	sample_key(12, key);
	strvec_push(&keys, key);
	memset(&rep, 0, sizeof(rep));
	CHECK_INT(cache_pull(c, &keys, &rep), 0);
	CHECK_INT(rep.received, 1);
	CHECK_INT(counter(c, "entries"), 1);
	cache_free(c);
	strvec_clear(&keys);
	cache_free(a);
}

static void test_auth(const struct server *ng)
{
	struct cache_config cfg = CACHE_CONFIG_INIT;
	struct cache *c;
	struct strbuf log = STRBUF_INIT;
	char *url = xstrfmt("%s/basic", ng->url);
	char *userinfo_url = xstrfmt("http://alice:pa55word@127.0.0.1:%d/basic", ng->port);
	char *bearer = xstrfmt("%s/bearer", ng->url), *logpath;
	char key[33];

	/* no credentials: 401, the remote is skipped, the build goes on */
	c = open_team("auth0", url, NULL);
	put_seed(c, 30, key);
	CHECK(!on_server("basic/", key));
	CHECK(got_seed(c, 31, CACHE_MISS));
	CHECK_INT(counter(c, "error_remote"), 1);
	cache_free(c);
	/* basic auth from the configuration */
	cfg.user = "alice";
	cfg.password = "pa55word";
	c = open_team("auth1", url, &cfg);
	put_seed(c, 30, key);
	CHECK(on_server("basic/", key));
	CHECK_INT(counter(c, "error_remote"), 0);
	cache_free(c);
	/* wrong password */
	cfg.password = "wrong";
	c = open_team("auth2", url, &cfg);
	CHECK(got_seed(c, 30, CACHE_MISS));
	CHECK_INT(counter(c, "error_remote"), 1);
	cache_free(c);
	/* credentials in the URL: they work and never reach the log */
	c = open_team("auth3", userinfo_url, NULL);
	CHECK(got_seed(c, 30, CACHE_HIT_REMOTE));
	cache_free(c);
	c = open_team("auth4", userinfo_url, NULL);
	CHECK(got_seed(c, 32, CACHE_MISS)); /* 404: no log line expected */
	cache_free(c);
	/* bearer token */
	cfg.user = cfg.password = NULL;
	cfg.bearer_token = "s3cr3t-token";
	c = open_team("auth5", bearer, &cfg);
	put_seed(c, 33, key);
	CHECK(on_server("bearer/", key));
	cache_free(c);
	cfg.bearer_token = "nope";
	c = open_team("auth6", bearer, &cfg);
	CHECK(got_seed(c, 33, CACHE_MISS));
	CHECK_INT(counter(c, "error_remote"), 1);
	cache_free(c);

	logpath = getenv("ACCC_LOGFILE");
	strbuf_read_file(&log, logpath, 1 << 22);
	CHECK(strstr(log.buf, "127.0.0.1") != NULL);
	CHECK(strstr(log.buf, "HTTP status 401") != NULL);
	CHECK(strstr(log.buf, "pa55word") == NULL);
	CHECK(strstr(log.buf, "s3cr3t-token") == NULL);
	CHECK(strstr(log.buf, "alice:") == NULL);
	strbuf_release(&log);
	free(url);
	free(userinfo_url);
	free(bearer);
}

static void test_read_only_and_order(const struct server *ng)
{
	char *ro = xstrfmt("%s|read-only", ng->url);
	char *two = xstrfmt("http://127.0.0.1:%d|connect-timeout=300 %s", free_port(),
			    ng->url);
	char *err = xstrfmt("%s/error %s", ng->url, ng->url);
	struct cache *c;
	struct cache_report rep = { 0 };
	char key[33];

	c = open_team("ro", ro, NULL);
	put_seed(c, 40, key);
	CHECK(!on_server("", key));
	CHECK_INT(counter(c, "remote_store"), 0);
	CHECK(got_seed(c, 1, CACHE_HIT_REMOTE)); /* reading works */
	CHECK_INT(cache_push(c, &rep), -1);       /* nothing writable */
	cache_free(c);
	/* the first remote refuses connections: skipped, the second one serves */
	c = open_team("order", two, NULL);
	CHECK(got_seed(c, 1, CACHE_HIT_REMOTE));
	CHECK(got_seed(c, 10, CACHE_HIT_REMOTE));
	CHECK_INT(counter(c, "error_remote"), 1);
	cache_free(c);
	/* a 5xx remote is skipped too */
	c = open_team("err", err, NULL);
	CHECK(got_seed(c, 1, CACHE_HIT_REMOTE));
	CHECK_INT(counter(c, "error_remote"), 1);
	cache_free(c);
	/* malformed specs are refused at open */
	CHECK(open_team("bad", "ftp://x", NULL) == NULL);
	CHECK(open_team("bad", "http://x|bogus", NULL) == NULL);
	CHECK(open_team("bad", "http://x|timeout=abc", NULL) == NULL);
	free(ro);
	free(two);
	free(err);
}

static void test_signatures(const struct server *ng)
{
	struct cache_config cfg = CACHE_CONFIG_INIT;
	struct cache *c;
	char key[33];

	cfg.signing_key = "team-key";
	c = open_team("signer", ng->url, &cfg);
	put_seed(c, 50, key);
	cache_free(c);
	cfg.require_signature = 1;
	c = open_team("sig-ok", ng->url, &cfg);
	CHECK(got_seed(c, 50, CACHE_HIT_REMOTE));
	CHECK(got_seed(c, 1, CACHE_MISS)); /* seed 1 was pushed unsigned */
	CHECK_INT(counter(c, "error_signature"), 1);
	CHECK_INT(counter(c, "error_remote"), 0); /* the remote itself is fine */
	CHECK(got_seed(c, 1, CACHE_MISS));
	CHECK_INT(counter(c, "error_signature"), 2);
	cache_free(c);
	cfg.signing_key = "other-key";
	c = open_team("sig-bad", ng->url, &cfg);
	CHECK(got_seed(c, 50, CACHE_MISS));
	CHECK_INT(counter(c, "error_signature"), 1);
	CHECK_INT(counter(c, "entries"), 0);
	cache_free(c);
}

/* https: verification is on; a private CA is trusted only when given
 * (ACCC_CA_BUNDLE, read by the base HTTP client) */
static void test_tls(const struct server *ng)
{
	struct cache *c;
	char key[33], *ca;

	if (!ng->tls_url) {
		printf("tls part skipped: no certificate (openssl req failed)\n");
		return;
	}
	c = open_team("tls0", ng->tls_url, NULL);
	CHECK(got_seed(c, 1, CACHE_MISS)); /* self-signed: refused */
	CHECK_INT(counter(c, "error_remote"), 1);
	cache_free(c);
	ca = xstrfmt("%s/cert.pem", top);
	setenv("ACCC_CA_BUNDLE", ca, 1);
	c = open_team("tls1", ng->tls_url, NULL);
	CHECK(got_seed(c, 1, CACHE_HIT_REMOTE)); /* same data dir as http */
	put_seed(c, 70, key);
	CHECK(on_server("", key));
	CHECK_INT(counter(c, "error_remote"), 0);
	cache_free(c);
	unsetenv("ACCC_CA_BUNDLE");
	free(ca);
}

/* The server dies mid-run: misses from then on, quickly, the build goes on. */
static void test_killed(void)
{
	struct server s = SERVER_INIT;
	struct cache *c;
	char key[33];
	double t0, dt;

	if (nginx_start(&s) < 0) {
		CHECK(!"nginx restarts");
		return;
	}
	c = open_team("killed", s.url, NULL);
	put_seed(c, 60, key);
	CHECK_INT(counter(c, "remote_store"), 1);
	kill(s.ch.pid, SIGKILL);
	child_finish(&s.ch);
	s.ch.pid = 0;
	t0 = now_s();
	CHECK(got_seed(c, 61, CACHE_MISS));
	CHECK(got_seed(c, 62, CACHE_MISS));
	put_seed(c, 63, key);
	CHECK(got_seed(c, 63, CACHE_HIT_LOCAL));
	dt = now_s() - t0;
	/* the time is a figure (load makes it longer); that the dead server
	 * was tried once, not per lookup, is the counter */
	printf("server killed: 3 lookups and a put took %.3f s\n", dt);
	CHECK_INT(counter(c, "error_remote"), 1);
	cache_free(c);
	server_stop(&s);
}

static void test_misbehaving(void)
{
	struct server s = SERVER_INIT;
	struct cache_config cfg = CACHE_CONFIG_INIT;
	struct cache *c;
	char *spec;
	double t0, first, second;

	/*
	 * Slower than the timeout: the added time is bounded by it, once.
	 * The gaps are wide so that no load can blur them: a 2-s timeout
	 * against a 30-s answer (bound 15 s), and a second lookup that does
	 * not ask the server (it would cost the 2 s again).
	 */
	if (fake_start(&s, "slow", "30") < 0) {
		CHECK(!"fake server starts");
		return;
	}
	spec = xstrfmt("%s|timeout=2000", s.url);
	c = open_team("slow", spec, NULL);
	t0 = now_s();
	CHECK(got_seed(c, 1, CACHE_MISS));
	first = now_s() - t0;
	t0 = now_s();
	CHECK(got_seed(c, 2, CACHE_MISS));
	second = now_s() - t0;
	printf("slow server, timeout 2 s: first lookup %.3f s, second %.3f s\n",
	       first, second);
	CHECK(first >= 1.9 && first < 15.0);
	CHECK(second < 1.9);
	CHECK_INT(counter(c, "error_remote"), 1);
	cache_free(c);
	free(spec);
	server_stop(&s);

	const char *modes[] = { "garbage-body", "garbage-http", "huge" };
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		if (fake_start(&s, modes[i], NULL) < 0) {
			CHECK(!"fake server starts");
			return;
		}
		cfg.transfer_timeout_ms = 30000; /* >> the 15-s bound below */
		c = open_team("garbage", s.url, &cfg);
		t0 = now_s();
		CHECK(got_seed(c, 1, CACHE_MISS));
		CHECK(got_seed(c, 2, CACHE_MISS));
		printf("%s: two lookups took %.3f s\n", modes[i], now_s() - t0);
		CHECK(now_s() - t0 < 15.0); /* garbage detected, no timeout waited */
		CHECK(counter(c, "error_remote") >= 1);
		CHECK_INT(counter(c, "entries"), 0);
		if (!strcmp(modes[i], "garbage-body"))
			CHECK_INT(counter(c, "error_corrupt"), 1);
		cache_free(c);
		server_stop(&s);
	}
}

static int setup(void)
{
	top = test_tmpdir("cremote");
	return nginx_setup(top);
}

int main(void)
{
	struct server ng = SERVER_INIT;
	char logpath[] = "/tmp/accc-cremote-log-XXXXXX";
	int r, fd = mkstemp(logpath);

	/* before anything logs: the log file is opened once, at first use */
	if (fd >= 0)
		close(fd);
	setenv("ACCC_LOGFILE", logpath, 1);
	r = setup();

	if (r) {
		unlink(logpath);
		rm_rf(top);
		return r;
	}
	if (nginx_start(&ng) < 0) {
		CHECK(!"nginx starts");
		return check_done();
	}
	test_team(&ng);
	test_auth(&ng);
	test_read_only_and_order(&ng);
	test_signatures(&ng);
	test_tls(&ng);
	server_stop(&ng);
	test_killed();
	test_misbehaving();
	rm_rf(top);
	free(top);
	if (getenv("ACCC_KEEP_LOG"))
		printf("log kept: %s\n", logpath);
	else
		unlink(logpath);
	strbuf_release(&nginx_bin);
	return check_done();
}
