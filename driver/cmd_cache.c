/*
 * accc cache: look at and manage the kernel cache (git-style subcommands).
 * Exit status: 0 done, 1 failed (an "accc: error: ..." line says why),
 * 129 usage error.
 */
#include "cache.h"
#include "cmds.h"
#include "config.h"
#include "core.h"
#include "log.h"
#include "strbuf.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static const char cache_usage[] =
	"usage: accc cache stats [--json] [--zero]\n"
	"   or: accc cache list\n"
	"   or: accc cache show KEY\n"
	"   or: accc cache rm KEY...\n"
	"   or: accc cache clear\n"
	"   or: accc cache gc\n"
	"   or: accc cache verify\n"
	"   or: accc cache export FILE\n"
	"   or: accc cache import FILE\n"
	"   or: accc cache push [URL]\n"
	"   or: accc cache pull [URL] [KEY...]\n"
	"\nKEY may be abbreviated to a unique prefix of at least 2 digits.\n";

static int usage(void)
{
	fputs(cache_usage, stderr);
	return 129;
}

/*
 * The cache configuration from the config keys and, for the secrets of the
 * remotes, the environment: ACCC_REMOTE_TOKEN (bearer) or ACCC_REMOTE_USER
 * and ACCC_REMOTE_PASSWORD (basic).  The strings stay owned by the config
 * module and the environment.  Returns 0, or -1 for a bad `verify` value
 * (logged; the default applies).
 */
int cache_config_from_driver(struct cache_config *cfg)
{
	const char *verify;
	struct cache_config blank = CACHE_CONFIG_INIT;

	config_load();
	*cfg = blank;
	cfg->dir = config_get("dir");
	cfg->max_size = config_get_size("max_size");
	cfg->remotes = config_get("remote");
	cfg->connect_timeout_ms = config_get_long("connect_timeout");
	cfg->transfer_timeout_ms = config_get_long("transfer_timeout");
	cfg->down_for_s = config_get_long("down_for");
	cfg->signing_key = config_get("signing_key");
	cfg->require_signature = config_get_bool("require_signature");
	cfg->bearer_token = getenv("ACCC_REMOTE_TOKEN");
	cfg->user = getenv("ACCC_REMOTE_USER");
	cfg->password = getenv("ACCC_REMOTE_PASSWORD");
	verify = config_get("verify");
	if (!strcmp(verify, "always"))
		cfg->verify = CACHE_VERIFY_ALWAYS;
	else if (!strcmp(verify, "never"))
		cfg->verify = CACHE_VERIFY_NEVER;
	else if (strcmp(verify, "remote"))
		return error("bad value '%s' for verify (remote, always or never)", verify);
	return 0;
}

static void add_size(struct strbuf *sb, long long n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		strbuf_addf(sb, "%lld bytes", n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	strbuf_addf(sb, "%.1f %s", v, units[u]);
}

/* The date, or with `full` date and time, in UTC. */
static void add_time(struct strbuf *sb, long long t, int full)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];
	size_t n = 0;

	if (gmtime_r(&tt, &tm))
		n = full ? strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm) :
			   strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	if (n)
		strbuf_addstr(sb, buf);
	else
		strbuf_addf(sb, "%lld", t);
}

static int cache_stats_cmd(struct cache *c, int argc, const char **argv)
{
	struct cache_stats st = CACHE_STATS_INIT;
	const struct cache_store *s = cache_local(c);
	struct strbuf sb = STRBUF_INIT;
	int json = 0, zero = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--zero") || !strcmp(argv[i], "-z"))
			zero = 1;
		else
			return usage();
	}
	if (zero)
		return cache_store_zero_stats(s) < 0 ? 1 : 0;
	if (cache_store_stats(s, &st) < 0)
		return 1;
	for (size_t i = 0; i < cache_counter_descs_nr; i++) /* known ones first */
		cache_stats_add(&st, cache_counter_descs[i].name, 0);
	if (json) {
		strbuf_addstr(&sb, "{\"dir\": ");
		strbuf_addjson(&sb, s->dir, strlen(s->dir));
		strbuf_addf(&sb, ", \"max_size\": %lld", s->max_size);
		for (size_t i = 0; i < st.nr; i++)
			strbuf_addf(&sb, ", \"%s\": %lld", st.v[i].name, st.v[i].value);
		strbuf_addstr(&sb, "}\n");
	} else {
		strbuf_addf(&sb, "%-38s %s\n%-38s ", "cache directory", s->dir, "max size");
		add_size(&sb, s->max_size);
		strbuf_addch(&sb, '\n');
		for (size_t i = 0; i < st.nr; i++) {
			const char *text = st.v[i].name;
			for (size_t j = 0; j < cache_counter_descs_nr; j++)
				if (!strcmp(cache_counter_descs[j].name, text))
					text = cache_counter_descs[j].text;
			strbuf_addf(&sb, "%-38s %lld", text, st.v[i].value);
			if (!strcmp(st.v[i].name, "bytes")) {
				strbuf_addstr(&sb, " (");
				add_size(&sb, st.v[i].value);
				strbuf_addch(&sb, ')');
			}
			strbuf_addch(&sb, '\n');
		}
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
	cache_stats_release(&st);
	return 0;
}

/* Entries as read for list: no counters touched, nothing dropped. */
struct listed {
	char *hw, *line;
};

struct list_walk {
	struct listed *v;
	size_t nr, alloc;
	long bad;
	struct strbuf raw;
	const struct cache_store *s;
};

static int list_one(const char *key, const char *path, const struct stat *st,
		    void *data)
{
	struct list_walk *w = data;
	struct cache_entry e;
	struct strbuf line = STRBUF_INIT;

	cache_entry_init(&e);
	if (cache_store_read(w->s, key, &w->raw) <= 0 ||
	    cache_entry_decode(w->raw.buf, w->raw.len, key, &e) != CACHE_DECODE_OK) {
		w->bad++;
		return 0;
	}
	strbuf_addf(&line, "  %s  %-8s %-24s %7.2fx  ", key, e.target, e.kernel,
		    e.speedup);
	add_time(&line, e.created, 0);
	strbuf_addf(&line, "  %s%s\n", e.creator ? e.creator : "?",
		    e.flags & CACHE_ENTRY_REMOTE ? "  (remote)" : "");
	ALLOC_GROW(w->v, w->nr + 1, w->alloc);
	w->v[w->nr].hw = xstrdup(e.hw_fingerprint ? e.hw_fingerprint : "(unknown)");
	w->v[w->nr++].line = strbuf_detach(&line, NULL);
	cache_entry_release(&e);
	return 0;
}

static int by_hw_then_line(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;
	int r = strcmp(x->hw, y->hw);
	return r ? r : strcmp(x->line, y->line);
}

static int cache_list_cmd(struct cache *c, int argc, const char **argv)
{
	struct list_walk w = { NULL, 0, 0, 0, STRBUF_INIT, cache_local(c) };

	if (argc != 1)
		return usage();
	cache_store_for_each(w.s, list_one, &w);
	if (w.nr) /* qsort(NULL, 0) is undefined (UBSan says so) */
		qsort(w.v, w.nr, sizeof(*w.v), by_hw_then_line);
	for (size_t i = 0; i < w.nr; i++) {
		if (!i || strcmp(w.v[i].hw, w.v[i - 1].hw))
			printf("%shardware: %s\n", i ? "\n" : "", w.v[i].hw);
		fputs(w.v[i].line, stdout);
	}
	for (size_t i = 0; i < w.nr; i++) {
		free(w.v[i].hw);
		free(w.v[i].line);
	}
	if (w.bad)
		fprintf(stderr, "accc: %ld unreadable entries; run 'accc cache verify'\n",
			w.bad);
	free(w.v);
	strbuf_release(&w.raw);
	return 0;
}

/* Resolve a full key or a unique prefix into ret (33 bytes). */
static int resolve_key(struct cache *c, const char *arg, char *ret)
{
	struct strvec found = STRVEC_INIT;
	int n, res = -1;

	n = cache_store_find_prefix(cache_local(c), arg, &found);
	if (n < 0)
		error("'%s' is not a cache key", arg);
	else if (n == 0)
		error("no cache entry '%s'", arg);
	else if (n > 1)
		error("short key '%s' is ambiguous (%d entries)", arg, n);
	else {
		memcpy(ret, found.v[0], CACHE_KEY_HEX + 1);
		res = 0;
	}
	strvec_clear(&found);
	return res;
}

static void print_list(const char *title, const struct strvec *sv, int numbered)
{
	if (!sv->nr) {
		printf("%-13s(none)\n", title);
		return;
	}
	printf("%s\n", title);
	for (size_t i = 0; i < sv->nr; i++) {
		const char *p = sv->v[i];
		if (numbered)
			printf("  %zu. ", i + 1);
		else
			printf("  ");
		for (; *p; p++) /* indent continuation lines */
			fputs(*p == '\n' ? "\n     " : (char[]){ *p, 0 }, stdout);
		putchar('\n');
	}
}

static void print_entry(const struct cache_entry *e)
{
	struct strbuf t = STRBUF_INIT;

	add_time(&t, e->created, 1);
	printf("key          %s\nkernel       %s\ntarget       %s\n"
	       "hardware     %s\ncreator      %s\ncreated      %s\n"
	       "accc         %s\npolicy       %ld\n",
	       e->key, e->kernel, e->target,
	       e->hw_fingerprint ? e->hw_fingerprint : "(unknown)",
	       e->creator ? e->creator : "(unknown)", t.buf,
	       e->accc_version ? e->accc_version : "(unknown)", e->policy_version);
	printf("baseline     %.6g s\nbest         %.6g s\nspeedup      %.2fx\n",
	       e->baseline_s, e->best_s, e->speedup);
	printf("origin       %s\nsigned       %s\n",
	       !(e->flags & CACHE_ENTRY_REMOTE) ? "made here" :
	       e->flags & CACHE_ENTRY_VERIFIED ? "remote, verified here" :
	       "remote, not verified here",
	       e->flags & CACHE_ENTRY_SIGNED ? "yes" : "no");
	print_list("shapes", &e->shapes, 0);
	print_list("models", &e->models, 0);
	print_list("plan trail", &e->plans, 1);
	if (e->extra_json)
		printf("extra        %s\n", e->extra_json);
	printf("\n");
	fwrite(e->source.buf, 1, e->source.len, stdout);
	strbuf_release(&t);
}

static int cache_show_cmd(struct cache *c, int argc, const char **argv)
{
	struct strbuf raw = STRBUF_INIT;
	struct cache_entry e;
	char key[CACHE_KEY_HEX + 1];
	int ret = 1;

	if (argc != 2)
		return usage();
	if (resolve_key(c, argv[1], key) < 0)
		return 1;
	cache_entry_init(&e);
	if (cache_store_read(cache_local(c), key, &raw) <= 0)
		error("cannot read cache entry '%s'", key);
	else if (cache_entry_decode(raw.buf, raw.len, key, &e) != CACHE_DECODE_OK)
		error("cache entry '%s' is damaged; run 'accc cache verify'", key);
	else {
		print_entry(&e);
		ret = 0;
	}
	cache_entry_release(&e);
	strbuf_release(&raw);
	return ret;
}

static int cache_rm_cmd(struct cache *c, int argc, const char **argv)
{
	char key[CACHE_KEY_HEX + 1];
	int ret = 0;

	if (argc < 2)
		return usage();
	for (int i = 1; i < argc; i++) {
		if (resolve_key(c, argv[i], key) < 0 || cache_remove(c, key) != 1)
			ret = 1;
	}
	return ret;
}

static long long entries_now(struct cache *c)
{
	struct cache_stats st = CACHE_STATS_INIT;
	long long n;

	cache_store_stats(cache_local(c), &st);
	n = cache_stats_get(&st, "entries");
	cache_stats_release(&st);
	return n;
}

static int cache_clear_cmd(struct cache *c, int argc, const char **argv)
{
	long long before;

	if (argc != 1)
		return usage();
	before = entries_now(c);
	if (cache_store_clear(cache_local(c)) < 0)
		return 1;
	printf("removed %lld entries from '%s'\n", before, cache_local(c)->dir);
	return 0;
}

static int cache_gc_cmd(struct cache *c, int argc, const char **argv)
{
	struct strbuf sb = STRBUF_INIT;
	struct cache_stats st = CACHE_STATS_INIT;
	long evicted = 0;
	int ret;

	if (argc != 1)
		return usage();
	ret = cache_store_gc(cache_local(c), 1, &evicted) < 0;
	cache_store_stats(cache_local(c), &st);
	add_size(&sb, cache_stats_get(&st, "bytes"));
	printf("evicted %ld entries; %lld entries, %s\n", evicted,
	       cache_stats_get(&st, "entries"), sb.buf);
	strbuf_release(&sb);
	cache_stats_release(&st);
	return ret;
}

static int cache_verify_cmd(struct cache *c, int argc, const char **argv)
{
	struct cache_report r = { 0 };

	if (argc != 1)
		return usage();
	if (cache_verify_all(c, &r) < 0)
		return 1;
	printf("checked %ld entries: %ld good, %ld dropped (%ld corrupt, "
	       "%ld of another format, %ld badly signed)\n", r.checked, r.ok,
	       r.dropped, r.corrupt, r.version, r.signature);
	return r.dropped ? 1 : 0;
}

static int cache_export_cmd(struct cache *c, int argc, const char **argv)
{
	struct cache_report r = { 0 };

	if (argc != 2)
		return usage();
	if (cache_export(c, argv[1], &r) < 0)
		return 1;
	fprintf(strcmp(argv[1], "-") ? stdout : stderr, "exported %ld entries%s\n",
		r.sent, r.corrupt ? " (damaged ones skipped)" : "");
	return 0;
}

static int cache_import_cmd(struct cache *c, int argc, const char **argv)
{
	struct cache_report r = { 0 };
	int ret;

	if (argc != 2)
		return usage();
	ret = cache_import(c, argv[1], &r) < 0;
	printf("imported %ld entries; refused %ld (%ld corrupt, %ld of another "
	       "format, %ld badly signed, %ld other)\n", r.received,
	       r.corrupt + r.version + r.signature + r.failed, r.corrupt, r.version,
	       r.signature, r.failed);
	return ret;
}

static int cache_push_cmd(struct cache *c, int argc, const char **argv)
{
	struct cache_report r = { 0 };
	int ret;

	if (argc > 2 || (argc == 2 && !starts_with(argv[1], "http://") &&
			 !starts_with(argv[1], "https://")))
		return usage();
	ret = cache_push(c, &r) < 0;
	printf("pushed %ld entries, %ld already there%s\n", r.sent, r.present,
	       r.failed ? ", some failed" : "");
	return ret;
}

static int cache_pull_cmd(struct cache *c, int argc, const char **argv)
{
	struct cache_report r = { 0 };
	struct strvec keys = STRVEC_INIT;
	int ret;

	for (int i = 1; i < argc; i++)
		if (!starts_with(argv[i], "http://") && !starts_with(argv[i], "https://"))
			strvec_push(&keys, argv[i]);
	ret = cache_pull(c, &keys, &r) < 0;
	printf("pulled %ld entries, %ld already here; refused %ld\n", r.received,
	       r.present, r.corrupt + r.version + r.signature);
	strvec_clear(&keys);
	return ret;
}

struct cache_subcmd {
	const char *name;
	int (*fn)(struct cache *c, int argc, const char **argv);
	int takes_url; /* push/pull: a URL argument replaces the configured remotes */
};

static const struct cache_subcmd cache_subcmds[] = {
	{ "stats", cache_stats_cmd, 0 },   { "list", cache_list_cmd, 0 },
	{ "show", cache_show_cmd, 0 },     { "rm", cache_rm_cmd, 0 },
	{ "clear", cache_clear_cmd, 0 },   { "gc", cache_gc_cmd, 0 },
	{ "verify", cache_verify_cmd, 0 }, { "export", cache_export_cmd, 0 },
	{ "import", cache_import_cmd, 0 }, { "push", cache_push_cmd, 1 },
	{ "pull", cache_pull_cmd, 1 },
};

int cmd_cache(int argc, const char **argv)
{
	const struct cache_subcmd *sub = NULL;
	struct cache_config cfg;
	struct cache *c;
	int ret;

	if (argc < 2)
		return usage();
	for (size_t i = 0; i < ARRAY_SIZE(cache_subcmds); i++)
		if (!strcmp(argv[1], cache_subcmds[i].name))
			sub = &cache_subcmds[i];
	if (!sub) {
		if (strcmp(argv[1], "-h") && strcmp(argv[1], "--help"))
			fprintf(stderr, "accc: '%s' is not an accc cache command\n", argv[1]);
		return usage();
	}
	cache_config_from_driver(&cfg);
	if (sub->takes_url && argc > 2 &&
	    (starts_with(argv[2], "http://") || starts_with(argv[2], "https://")))
		cfg.remotes = argv[2];
	c = cache_open(&cfg);
	if (!c)
		return 1;
	ret = sub->fn(c, argc - 1, argv + 1);
	cache_free(c);
	return ret;
}
