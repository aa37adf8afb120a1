/*
 * accc judge FILE --kernel NAME VARIANT.c... [--json] [--metric M]
 *            [--no-timing] [-- CFLAGS...]
 * Judge hand-written variants of a kernel against the original, as the
 * search would: each verdict, its reason, and the speedup.  A variant is
 * the replacement text (static helpers, then the function definition).
 */
#include "args.h"
#include "cmdutil.h"
#include "cmds.h"
#include "compiler.h"
#include "config.h"
#include "fs.h"
#include "kdesc.h"
#include "log.h"
#include "target.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char judge_usage[] =
	"accc judge FILE --kernel NAME VARIANT.c... [--json] [--metric time|instructions] "
	"[--no-timing] [-- CFLAGS...]";

/* The flags a build of FILE with CFLAGS would use for the kernel. */
static void build_flags_of(const struct file_opts *o, struct strvec *ret)
{
	struct strvec argv = STRVEC_INIT;
	struct compile_args ca = COMPILE_ARGS_INIT;

	strvec_push(&argv, "-c");
	strvec_pushv(&argv, o->cflags.v);
	strvec_push(&argv, o->file);
	args_classify(argv.v, &ca);
	strvec_pushv(ret, ca.build_flags.v);
	compile_args_release(&ca);
	strvec_clear(&argv);
}

static void print_result(const char *name, const struct target_result *r)
{
	printf("%s: %s", name, target_verdict_name(r->verdict));
	if (r->timed)
		printf(", %.2fx (%s %.4g -> %.4g per call, noise %.1f%%)%s",
		       r->timing.speedup, r->timing.metric, r->timing.base, r->timing.cand,
		       100 * r->timing.noise, r->timing.faster ? ", faster" : ", not faster");
	if (r->timed && r->timing.roof_level)
		printf(", %.0f%% of roofline (original %.0f%%)", r->timing.roofline,
		       r->timing.base_roofline);
	else if (r->timed)
		printf(", roofline: %s", r->timing.roof_missing ? r->timing.roof_missing : "none");
	printf("\n  %s\n", r->reason);
	if (r->verdict == TV_COMPILE_ERROR && r->detail)
		printf("%s\n", r->detail);
}

/* A variant file as any answer: normalized (answer.h), the notes logged.
 * Returns 0 with v replaced, or -1 (the error names the file). */
static int normalize_file(const struct detect *d, size_t ki, const char *path,
			  struct strbuf *v)
{
	struct strbuf out = STRBUF_INIT, notes = STRBUF_INIT, why = STRBUF_INIT;
	int ret = 0;

	if (kdesc_variant(d, ki, NULL, v->buf, &out, &notes, &why) < 0) {
		ret = error("'%s' is not a variant of '%s': %s", path, detect_kernel(d, ki)->name,
			    why.buf);
		strbuf_release(v);
	} else {
		if (notes.len)
			log_msg("judge: '%s' normalized:\n%s", path, notes.buf);
		strbuf_release(v);
		*v = out;
		strbuf_init(&out, 0);
	}
	strbuf_release(&out);
	strbuf_release(&notes);
	strbuf_release(&why);
	return ret;
}

static int judge_variants(const struct file_opts *o, const struct detect *d, size_t ki)
{
	const struct kernel *k = detect_kernel(d, ki);
	const struct target *t = target_find(k->pragma.target);
	struct strvec flags = STRVEC_INIT;
	struct strbuf *units = xcalloc(o->rest.nr + 1, sizeof(*units));
	const char **cands = xcalloc(o->rest.nr + 1, sizeof(*cands));
	struct target_result *res = xcalloc(o->rest.nr + 1, sizeof(*res));
	struct target_options opt;
	struct kdesc kd;
	char *peaks = NULL;
	size_t i;
	int ret = 1, ok = 0;

	build_flags_of(o, &flags);
	config_load();
	if (kdesc_init(&kd, d, ki, config_get("cc"), flags.v) < 0)
		goto out;
	for (i = 0; i < o->rest.nr; i++) {
		struct strbuf v = STRBUF_INIT;
		strbuf_init(&units[i], 0);
		if (strbuf_read_file(&v, o->rest.v[i], 16 << 20) < 0) {
			error("cannot read '%s': %s", o->rest.v[i], strerror(errno));
			strbuf_release(&v);
			goto out_kd;
		}
		if (normalize_file(d, ki, o->rest.v[i], &v) < 0)
			goto out_kd;
		kdesc_candidate(d, ki, v.buf, &units[i]);
		cands[i] = units[i].buf;
		strbuf_release(&v);
	}
	target_options_init(&opt);
	opt.no_timing = o->no_timing;
	peaks = xstrfmt("%s/peaks.json", config_get("dir"));
	opt.peaks_file = peaks;
	if (o->metric && !strcmp(o->metric, "instructions"))
		opt.metric = TM_INSTRUCTIONS;
	if (t->evaluate(&kd.tk, cands, o->rest.nr, &opt, res) < 0) {
		error("the original kernel '%s' fails the judge: %s", k->name,
		      res[0].reason ? res[0].reason : "unknown");
		goto out_res;
	}
	if (o->json)
		fputs("[", stdout);
	for (i = 0; i < o->rest.nr; i++) {
		if (o->json) {
			struct strbuf js = STRBUF_INIT;
			target_result_json(&js, &res[i]);
			printf("%s\n%s", i ? "," : "", js.buf);
			strbuf_release(&js);
		} else
			print_result(o->rest.v[i], &res[i]);
		ok += res[i].verdict == TV_OK;
	}
	if (o->json)
		puts("\n]");
	ret = ok == (int)o->rest.nr ? 0 : 1;
out_res:
	for (i = 0; i < o->rest.nr; i++)
		target_result_release(&res[i]);
out_kd:
	kdesc_release(&kd);
out:
	for (i = 0; i < o->rest.nr; i++)
		strbuf_release(&units[i]);
	free(units);
	free(cands);
	free(res);
	free(peaks);
	strvec_clear(&flags);
	return ret;
}

int cmd_judge(int argc, const char **argv)
{
	struct file_opts o;
	struct detect *d;
	long k;
	int ret = 1;

	if (parse_file_opts(argc, argv, judge_usage, &o) < 0)
		return 2;
	if (o.kernels.nr != 1 || !o.rest.nr) {
		fprintf(stderr, "usage: %s\n", judge_usage);
		file_opts_release(&o);
		return 2;
	}
	d = detect_opts(&o);
	if (d) {
		k = detect_find(d, o.kernels.v[0]);
		if (k < 0)
			error("no kernel '%s' in '%s'", o.kernels.v[0], o.file);
		else
			ret = judge_variants(&o, d, (size_t)k);
		detect_free(d);
	}
	file_opts_release(&o);
	return ret;
}
