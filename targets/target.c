#include "target.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * The registry: each target folder defines one descriptor (targets/host/
 * host.c: target_host, targets/cuda/cuda.c: target_cuda).  A new target adds its folder, its descriptor here
 * and its name to target_names.
 */
extern const struct target target_host, target_cuda;

const char *const target_names[] = { "host", "cuda", NULL };

const struct target *const target_list[] = { &target_host, &target_cuda, NULL };

const struct target *target_find(const char *name)
{
	const struct target *const *t;
	for (t = target_list; *t; t++)
		if (!strcmp((*t)->name, name))
			return *t;
	return NULL;
}

void target_options_init(struct target_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->metric = TM_TIME;
	opt->cpu = -1;
	opt->feedback = 1;
	opt->sanitize = 1;
}

void target_result_release(struct target_result *r)
{
	free(r->reason);
	free(r->detail);
	free(r->rule);
	free(r->buffer);
	free(r->shape);
	free(r->feedback);
	memset(r, 0, sizeof(*r));
}

const char *target_verdict_name(enum target_verdict v)
{
	static const char *const names[] = { "ok", "compile_error", "wrong", "crash",
					     "timeout", "rejected", "error" };
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

static void add_num(cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

void target_result_json(struct strbuf *out, const struct target_result *r)
{
	cJSON *o = cJSON_CreateObject();
	char *text;

	cJSON_AddStringToObject(o, "verdict", target_verdict_name(r->verdict));
	cJSON_AddStringToObject(o, "reason", r->reason ? r->reason : "");
	if (r->rule)
		cJSON_AddStringToObject(o, "rule", r->rule);
	if (r->verdict == TV_WRONG && r->buffer) {
		cJSON *m = cJSON_AddObjectToObject(o, "mismatch");
		cJSON_AddStringToObject(m, "buffer", r->buffer);
		cJSON_AddNumberToObject(m, "index", (double)r->index);
		add_num(m, "got", r->got);
		add_num(m, "want", r->want);
		cJSON_AddStringToObject(m, "shape", r->shape ? r->shape : "");
	}
	if (r->verdict == TV_CRASH)
		cJSON_AddNumberToObject(o, "signal", r->signal);
	if (r->timed) {
		const struct target_timing *t = &r->timing;
		cJSON *m = cJSON_AddObjectToObject(o, "timing");
		cJSON_AddStringToObject(m, "metric", t->metric ? t->metric : "time");
		add_num(m, "base", t->base);
		add_num(m, "cand", t->cand);
		add_num(m, "base_spread", t->base_spread);
		add_num(m, "cand_spread", t->cand_spread);
		add_num(m, "speedup", t->speedup);
		add_num(m, "noise", t->noise);
		cJSON_AddBoolToObject(m, "faster", t->faster);
		cJSON_AddNumberToObject(m, "rounds", t->rounds);
		cJSON_AddBoolToObject(m, "noisy", t->noisy);
		cJSON_AddBoolToObject(m, "strict", t->strict);
		if (t->gflops > 0)
			add_num(m, "gflops", t->gflops);
		if (t->gbytes > 0)
			add_num(m, "gbytes", t->gbytes);
		target_roofline_json(m, t);
	}
	if (r->detail)
		cJSON_AddStringToObject(o, "detail", r->detail);
	if (r->feedback)
		cJSON_AddStringToObject(o, "feedback", r->feedback);
	add_num(o, "build_s", r->build_s);
	add_num(o, "check_s", r->check_s);
	add_num(o, "time_s", r->time_s);
	text = cJSON_PrintUnformatted(o);
	strbuf_addstr(out, text);
	free(text);
	cJSON_Delete(o);
}

void target_roofline_json(struct cJSON *parent, const struct target_timing *t)
{
	cJSON *r = cJSON_AddObjectToObject(parent, "roofline");

	if (!t->roof_level) {
		cJSON_AddStringToObject(r, "missing", t->roof_missing ? t->roof_missing
					: "not measured");
		return;
	}
	add_num(r, "percent", t->roofline);
	add_num(r, "base_percent", t->base_roofline);
	add_num(r, "bound", t->roof_bound);
	cJSON_AddStringToObject(r, "bound_unit", t->gflops > 0 ? "GFLOP/s" : "GB/s");
	add_num(r, "peak_gflops", t->peak_gflops);
	add_num(r, "peak_gbytes", t->peak_gbytes);
	cJSON_AddStringToObject(r, "level", t->roof_level);
	cJSON_AddStringToObject(r, "precision", t->roof_precision);
}

int target_beats(const struct target_timing *a, const struct target_timing *b)
{
	double noise = a->noise > b->noise ? a->noise : b->noise;
	if (!(a->speedup > 0) || !(b->speedup > 0))
		return 0;
	return a->speedup / b->speedup > 1.0 + noise;
}
