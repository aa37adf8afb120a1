#ifndef ACCC_TEST_CACHE_UTIL_H
#define ACCC_TEST_CACHE_UTIL_H
/* Helpers shared by the cache unit tests (header-only: one per test binary). */
#include "cache.h"
#include "check.h"
#include "fs.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* A fully populated entry that depends on `seed`. */
__attribute__((unused)) static void sample_entry(struct cache_entry *e, int seed)
{
	cache_entry_init(e);
	e->kernel = xstrfmt("sgemm_%d", seed);
	e->target = xstrdup("host");
	e->hw_fingerprint = xstrfmt("x86-64 avx2 %d cores", 4 + seed % 3);
	e->creator = xstrdup("alice@box");
	e->created = 1700000000LL + seed;
	e->accc_version = xstrdup("0.1.0");
	e->policy_version = 3;
	e->baseline_s = 0.0123;
	e->best_s = 0.0011 + seed * 1e-6;
	e->speedup = e->baseline_s / e->best_s;
	strvec_push(&e->shapes, "n=512,m=512,k=512");
	strvec_pushf(&e->shapes, "n=%d,m=3,k=5", 17 + seed);
	strvec_push(&e->models, "openai::gpt-4o");
	strvec_push(&e->models, "builtin::tuner");
	strvec_push(&e->plans, "tile the loops 64x64");
	strvec_pushf(&e->plans, "vectorize the inner loop (\"avx2\")\nstep %d", seed);
	e->extra_json = xstrfmt("{\"note\":\"seed %d\",\"n\":%d}", seed, seed);
	strbuf_addf(&e->source, "void sgemm_%d(int n, const float *a, float *c)\n{\n", seed);
	for (int i = 0; i < 20; i++)
		strbuf_addf(&e->source, "\tc[%d] = a[%d] * %d.0f; /* variant line */\n",
			    i, (i * 7 + seed) % 64, i + seed);
	strbuf_addstr(&e->source, "}\n");
}

__attribute__((unused)) static void sample_key(int seed, char key[33])
{
	struct key_builder kb;

	key_init(&kb);
	key_addf(&kb, "seed", "%d", seed);
	key_final(&kb, key);
}

__attribute__((unused)) static int strvec_equal(const struct strvec *a, const struct strvec *b)
{
	if (a->nr != b->nr)
		return 0;
	for (size_t i = 0; i < a->nr; i++)
		if (strcmp(a->v[i], b->v[i]))
			return 0;
	return 1;
}

__attribute__((unused)) static int str_equal(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Every stored field of a equals b's (flags aside). */
__attribute__((unused)) static int entry_equal(const struct cache_entry *a, const struct cache_entry *b)
{
	return str_equal(a->kernel, b->kernel) && str_equal(a->target, b->target) &&
	       str_equal(a->hw_fingerprint, b->hw_fingerprint) &&
	       str_equal(a->creator, b->creator) && a->created == b->created &&
	       str_equal(a->accc_version, b->accc_version) &&
	       a->policy_version == b->policy_version &&
	       a->baseline_s == b->baseline_s && a->best_s == b->best_s &&
	       a->speedup == b->speedup && strvec_equal(&a->shapes, &b->shapes) &&
	       strvec_equal(&a->models, &b->models) &&
	       strvec_equal(&a->plans, &b->plans) &&
	       str_equal(a->extra_json, b->extra_json) &&
	       a->source.len == b->source.len &&
	       !memcmp(a->source.buf, b->source.buf, a->source.len);
}

__attribute__((unused)) static long long counter(struct cache *c, const char *name)
{
	struct cache_stats st = CACHE_STATS_INIT;
	long long v;

	cache_store_stats(cache_local(c), &st);
	v = cache_stats_get(&st, name);
	cache_stats_release(&st);
	return v;
}

/* A fresh private directory (caller frees; removed by rm_rf). */
__attribute__((unused)) static char *test_tmpdir(const char *what)
{
	struct strbuf sb = STRBUF_INIT;

	if (make_tmpdir(&sb, what) < 0)
		exit(2);
	return strbuf_detach(&sb, NULL);
}

#endif
