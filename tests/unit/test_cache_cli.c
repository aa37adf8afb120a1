/*
 * `accc cache ...` as a user runs it: entries are made with the library, then
 * the built binary ($ACCC_BIN) is run on the same directory and its output,
 * exit status and counters checked.  push/pull run against a real nginx.
 * Skips (77) with a reason while `accc cache` is not wired in, or when nginx
 * is missing (only the remote part).
 */
#include "test_cache_server.h"
#include "test_cache_util.h"

static const char *accc_bin;
static char *top, *dir_a, *dir_b;
static struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

/* Run accc with `args` in an environment isolated from the user's config,
 * plus `env` ("NAME=value"), ACCC_DIR=dir.  Returns the exit status. */
static int accc(const char *dir, const char *const *env, const char *const *args)
{
	struct child ch = CHILD_INIT;
	int rc;

	strvec_push(&ch.args, accc_bin);
	strvec_pushv(&ch.args, args);
	strvec_pushf(&ch.env, "ACCC_DIR=%s", dir);
	strvec_pushf(&ch.env, "XDG_CONFIG_HOME=%s/config", top);
	for (const char *const *u = (const char *const[]){ "ACCC_CONFIG", "ACCC_REMOTE",
		"ACCC_MAX_SIZE", "ACCC_SIGNING_KEY", "ACCC_REQUIRE_SIGNATURE",
		"ACCC_REMOTE_TOKEN", "ACCC_REMOTE_USER", "ACCC_REMOTE_PASSWORD",
		"ACCC_LOGFILE", NULL }; *u; u++)
		strvec_push(&ch.env, *u);
	if (env)
		strvec_pushv(&ch.env, env);
	ch.stdin_null = 1;
	strbuf_reset(&out);
	strbuf_reset(&err);
	rc = child_capture(&ch, &out, &err, 1 << 22);
	child_release(&ch);
	return rc;
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define ENV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static struct cache *open_dir(const char *dir)
{
	struct cache_config cfg = CACHE_CONFIG_INIT;

	cfg.dir = dir;
	return cache_open(&cfg);
}

static void populate(const char *dir, int from, int n)
{
	struct cache *c = open_dir(dir);
	struct cache_entry e;
	char key[33];

	for (int s = from; s < from + n; s++) {
		sample_entry(&e, s);
		sample_key(s, key);
		cache_put(c, key, &e);
		cache_entry_release(&e);
	}
	cache_free(c);
}

/* The value of "name": N in stats --json output. */
static long long json_counter(const char *name)
{
	char *pat = xstrfmt("\"%s\": ", name);
	const char *p = strstr(out.buf, pat);
	long long v = p ? strtoll(p + strlen(pat), NULL, 10) : -1;

	free(pat);
	return v;
}

static long long stat_of(const char *dir, const char *name)
{
	if (accc(dir, NULL, ARGS("cache", "stats", "--json")) != 0)
		return -2;
	return json_counter(name);
}

static void test_local(void)
{
	char key1[33], key2[33], prefix[9];
	char *bundle = xstrfmt("%s/team.accc", top), *path;
	struct strbuf sb = STRBUF_INIT;

	populate(dir_a, 1, 6);
	sample_key(1, key1);
	sample_key(2, key2);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "stats")), 0);
	CHECK(strstr(out.buf, "local hits") && strstr(out.buf, dir_a));
	CHECK_INT(stat_of(dir_a, "entries"), 6);
	CHECK_INT(json_counter("store"), 6);
	CHECK(strstr(out.buf, "\"dir\": \"") != NULL);

	/* list: grouped by hardware, every key once */
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "list")), 0);
	CHECK(strstr(out.buf, "hardware: x86-64 avx2 4 cores\n") != NULL);
	CHECK(strstr(out.buf, "hardware: x86-64 avx2 5 cores\n") != NULL);
	{
		const char *p = strstr(out.buf, "hardware: x86-64 avx2 4 cores");
		CHECK(p && !strstr(p + 1, "hardware: x86-64 avx2 4 cores"));
	}
	CHECK(strstr(out.buf, key1) && strstr(out.buf, key2));

	/* show, by a unique prefix */
	memcpy(prefix, key1, 8);
	prefix[8] = '\0';
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "show", prefix)), 0);
	CHECK(strstr(out.buf, "kernel       sgemm_1\n") != NULL);
	CHECK(strstr(out.buf, "origin       made here\n") != NULL);
	CHECK(strstr(out.buf, "  2. vectorize the inner loop") != NULL);
	CHECK(strstr(out.buf, "void sgemm_1(int n") != NULL);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "show", "zz")), 1);
	CHECK(strstr(err.buf, "error: 'zz' is not a cache key") != NULL);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "show", "00000000000000000000000000000000")), 1);
	CHECK(strstr(err.buf, "no cache entry") != NULL);
	/* show and list are not lookups: no counters moved */
	CHECK_INT(stat_of(dir_a, "local_hit"), 0);

	/* rm */
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "rm", key2)), 0);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "rm", key2)), 1);
	CHECK_INT(stat_of(dir_a, "entries"), 5);

	/* verify drops a damaged entry and says so with its exit status */
	path = xstrfmt("%s/%.2s/%s", dir_a, key1, key1);
	strbuf_read_file(&sb, path, 1 << 20);
	sb.buf[sb.len / 2] ^= 0x10;
	write_file(path, sb.buf, sb.len);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "list")), 0);
	CHECK(strstr(err.buf, "1 unreadable entries") != NULL);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "verify")), 1);
	CHECK(strstr(out.buf, "checked 5 entries: 4 good, 1 dropped (1 corrupt") != NULL);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "verify")), 0);
	CHECK_INT(stat_of(dir_a, "error_corrupt"), 1);
	CHECK_INT(json_counter("entries"), 4);

	/* export, clear, import: the entries come back as foreign ones */
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "export", bundle)), 0);
	CHECK_STR(out.buf, "exported 4 entries\n");
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "clear")), 0);
	CHECK_INT(stat_of(dir_a, "entries"), 0);
	CHECK_INT(accc(dir_b, NULL, ARGS("cache", "import", bundle)), 0);
	CHECK(starts_with(out.buf, "imported 4 entries; refused 0"));
	CHECK_INT(accc(dir_b, NULL, ARGS("cache", "list")), 0);
	CHECK(strstr(out.buf, "(remote)") != NULL);
	CHECK_INT(accc(dir_a, ENV("ACCC_SIGNING_KEY=k", "ACCC_REQUIRE_SIGNATURE=true"),
		       ARGS("cache", "import", bundle)), 0);
	CHECK(strstr(out.buf, "4 badly signed") != NULL);
	write_file(path, "not a bundle", 12);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "import", path)), 1);
	CHECK(strstr(err.buf, "not a complete accc cache bundle") != NULL);

	/* gc enforces a smaller limit now */
	CHECK_INT(accc(dir_b, ENV("ACCC_MAX_SIZE=1k"), ARGS("cache", "gc")), 0);
	CHECK(starts_with(out.buf, "evicted 4 entries; 0 entries"));
	CHECK_INT(stat_of(dir_b, "evicted"), 4);
	CHECK_INT(accc(dir_b, NULL, ARGS("cache", "stats", "--zero")), 0);
	CHECK_INT(stat_of(dir_b, "evicted"), 0);

	/* usage errors */
	CHECK_INT(accc(dir_a, NULL, ARGS("cache")), 129);
	CHECK(strstr(err.buf, "usage: accc cache stats") != NULL);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "frob")), 129);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "stats", "--bogus")), 129);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "show")), 129);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "push", "notaurl")), 129);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "push")), 1);
	CHECK(strstr(err.buf, "no writable remote") != NULL);
	free(bundle);
	free(path);
	strbuf_release(&sb);
}

static void test_remote(void)
{
	struct server ng = SERVER_INIT;
	char *basic, *remote_env, *dir_c = xstrfmt("%s/c", top);
	int r = nginx_setup(top);

	if (r) {
		printf("remote part skipped\n");
		return;
	}
	if (nginx_start(&ng) < 0) {
		CHECK(!"nginx starts");
		return;
	}
	rm_rf(dir_a);
	populate(dir_a, 20, 5);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "push", ng.url)), 0);
	CHECK_STR(out.buf, "pushed 5 entries, 0 already there\n");
	remote_env = xstrfmt("ACCC_REMOTE=%s", ng.url);
	CHECK_INT(accc(dir_a, ENV(remote_env), ARGS("cache", "push")), 0);
	CHECK_STR(out.buf, "pushed 0 entries, 5 already there\n");
	CHECK_INT(accc(dir_c, ENV(remote_env), ARGS("cache", "pull")), 0);
	CHECK_STR(out.buf, "pulled 5 entries, 0 already here; refused 0\n");
	CHECK_INT(stat_of(dir_c, "entries"), 5);

	/* basic auth from the environment; refused without it */
	basic = xstrfmt("%s/basic", ng.url);
	CHECK_INT(accc(dir_a, NULL, ARGS("cache", "push", basic)), 1);
	CHECK(strstr(err.buf, "HTTP status 401") != NULL);
	CHECK_INT(accc(dir_a, ENV("ACCC_REMOTE_USER=alice", "ACCC_REMOTE_PASSWORD=pa55word"),
		       ARGS("cache", "push", basic)), 0);
	CHECK_STR(out.buf, "pushed 5 entries, 0 already there\n");
	CHECK(!strstr(err.buf, "pa55word"));
	/* a dead server: the command fails fast and says which remote */
	server_stop(&ng);
	CHECK_INT(accc(dir_c, ENV(remote_env), ARGS("cache", "pull")), 1);
	CHECK(strstr(err.buf, "127.0.0.1") && strstr(err.buf, "skipped"));
	free(basic);
	free(remote_env);
	free(dir_c);
}

int main(void)
{
	int rc;

	accc_bin = getenv("ACCC_BIN");
	if (!accc_bin) {
		printf("skip: ACCC_BIN is not set (run through ctest)\n");
		return 77;
	}
	top = test_tmpdir("ccli");
	dir_a = xstrfmt("%s/a", top);
	dir_b = xstrfmt("%s/b", top);
	rc = accc(dir_a, NULL, ARGS("cache", "stats"));
	if (rc != 0 || !strstr(out.buf, "cache directory")) {
		printf("skip: '%s cache' is not wired in yet (exit %d: %s)\n", accc_bin,
		       rc, err.buf);
		rm_rf(top);
		return 77;
	}
	test_local();
	test_remote();
	rm_rf(top);
	free(top);
	free(dir_a);
	free(dir_b);
	strbuf_release(&out);
	strbuf_release(&err);
	return check_done();
}
