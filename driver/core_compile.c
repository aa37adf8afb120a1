/*
 * The kernel compile path: detect, (later: key, cache, search), splice,
 * compile.  The real compiler always gets the user's exact flags and output
 * path; it compiles a rewritten copy of the unit in a private directory,
 * with `-iquote SRCDIR` first so that "quoted" includes resolve as they did
 * next to the original, and `#line` directives so that diagnostics, __FILE__
 * and debug line tables name the original file.
 *
 * Failures of accc's own machinery never fail the build: they are logged and
 * the original unit is compiled (ACCC_STRICT=1 makes them errors instead).
 * Only a malformed pragma, the user's own mistake, fails the call.
 */
#include "args.h"
#include "cleanup.h"
#include "config.h"
#include "core.h"
#include "detect.h"
#include "fs.h"
#include "kdesc.h"
#include "log.h"
#include "run.h"
#include "splice.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct compile_job {
	const char *cc;
	struct compile_args ca;
	struct strbuf tmpdir;
	struct strbuf tmpsrc;
	struct strvec repl_texts;   /* owned texts of replacements */
	struct splice_repl *repls;
	size_t nr_repls;
};

static _Noreturn void exec_args(const char *cc, const char *const *args,
				const char *extra)
{
	struct strvec argv = STRVEC_INIT;

	strvec_push(&argv, cc);
	strvec_pushv(&argv, args);
	if (extra)
		strvec_push(&argv, extra);
	trace_argv("exec", argv.v);
	execv(cc, (char *const *)argv.v);
	fprintf(stderr, "accc: error: cannot run the compiler '%s': %s\n", cc,
		strerror(errno));
	exit(127);
}

/* The one line a build shows when accc's machinery failed somewhere. */
static void show_warning(void)
{
	const char *w = log_first_warning();

	if (w)
		fprintf(stderr, "accc: warning: %.300s\n", w);
}

/*
 * accc's machinery failed: compile the original unit (the pragma, which the
 * compiler does not know, made silent).  Strict mode fails instead.
 */
static _Noreturn void fall_back(const char *cc, const char *const *args,
				const char *why)
{
	if (config_get_bool("strict")) {
		fprintf(stderr, "accc: error: %s (strict mode)\n", why);
		exit(1);
	}
	warning("%s; compiling the original unit", why);
	show_warning();
	exec_args(cc, args, "-Wno-unknown-pragmas");
}

/* Replace kernel k with `text` (taken over by the job). */
static void add_replacement(struct compile_job *job, const struct kernel *k, char *text)
{
	strvec_push_nodup(&job->repl_texts, text);
	job->repls = xrealloc(job->repls, (job->nr_repls + 1) * sizeof(*job->repls));
	job->repls[job->nr_repls].def = k->def;
	job->repls[job->nr_repls].name = k->name;
	job->repls[job->nr_repls].text = job->repl_texts.v[job->repl_texts.nr - 1];
	job->nr_repls++;
}

static int has_replacement(const struct compile_job *job, const struct kernel *k)
{
	size_t i;

	for (i = 0; i < job->nr_repls; i++)
		if (job->repls[i].def.start == k->def.start)
			return 1;
	return 0;
}

/* ACCC_REPLACE="name=file,name=file": hand-written variants (for testing the
 * splice path, and for engineers trying a variant in a real build). */
static int load_replacements(struct compile_job *job, const struct detect *d)
{
	const char *spec = getenv("ACCC_REPLACE");
	char *copy, *item, *save = NULL;
	int ret = 0;

	if (!spec || !*spec)
		return 0;
	copy = xstrdup(spec);
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		struct strbuf sb = STRBUF_INIT;
		long k;

		if (!eq) {
			ret = error("bad ACCC_REPLACE item '%s' (want NAME=FILE)", item);
			break;
		}
		*eq = '\0';
		k = detect_find(d, item);
		if (k < 0)
			continue; /* a kernel of another unit */
		if (strbuf_read_file(&sb, eq + 1, 16 << 20) < 0) {
			ret = error("cannot read replacement '%s': %s", eq + 1, strerror(errno));
			strbuf_release(&sb);
			break;
		}
		add_replacement(job, detect_kernel(d, (size_t)k), strbuf_detach(&sb, NULL));
	}
	free(copy);
	return ret;
}

/*
 * Variants for the kernels that have none yet: from the cache, or from a
 * search in optimize mode.  Whatever fails leaves the original kernel.
 */
static void find_variants(struct compile_job *job, const struct detect *d,
			  const char *output)
{
	struct optimizer *o = optimizer_new(job->cc, &job->ca);
	size_t i;

	for (i = 0; i < detect_nr_kernels(d); i++) {
		const struct kernel *k = detect_kernel(d, i);
		struct kdesc kd;
		char *v;

		if (has_replacement(job, k))
			continue;
		if (kdesc_init(&kd, d, i, job->cc, job->ca.build_flags.v) < 0)
			continue;
		v = optimizer_variant(o, d, i, &kd, output);
		if (v)
			add_replacement(job, k, v);
		kdesc_release(&kd);
	}
	optimizer_free(o);
}

/* The dependency file the compiler will write, or NULL. */
static char *dep_file_path(const struct compile_args *ca, const char *output)
{
	size_t i;
	struct strbuf sb = STRBUF_INIT;
	const char *dot, *slash;

	for (i = 0; i < ca->args.nr; i++) {
		const char *a = ca->args.v[i], *rest;
		if (skip_prefix(a, "-Wp,-MD,", &rest) || skip_prefix(a, "-Wp,-MMD,", &rest))
			return xstrdup(rest);
	}
	if (!ca->dep)
		return NULL;
	if (ca->dep_file)
		return xstrdup(ca->dep_file);
	dot = strrchr(output, '.');
	slash = strrchr(output, '/');
	if (dot && (!slash || dot > slash))
		strbuf_add(&sb, output, (size_t)(dot - output));
	else
		strbuf_addstr(&sb, output);
	strbuf_addstr(&sb, ".d");
	return strbuf_detach(&sb, NULL);
}

/* Name the original source in the dependency file, never the copy. */
static void fix_dep_file(const char *dep, const char *tmpsrc, const char *src)
{
	struct strbuf sb = STRBUF_INIT, esc = STRBUF_INIT;
	char *hit;
	size_t from = 0, tlen = strlen(tmpsrc);

	if (strbuf_read_file(&sb, dep, 64 << 20) < 0) {
		error("cannot read dependency file '%s': %s", dep, strerror(errno));
		goto out;
	}
	for (; *src; src++) {
		if (*src == ' ' || *src == '#')
			strbuf_addch(&esc, '\\');
		else if (*src == '$')
			strbuf_addch(&esc, '$');
		strbuf_addch(&esc, *src);
	}
	while ((hit = strstr(sb.buf + from, tmpsrc))) {
		size_t at = (size_t)(hit - sb.buf);
		strbuf_splice(&sb, at, tlen, esc.buf, esc.len);
		from = at + esc.len;
	}
	write_file(dep, sb.buf, sb.len);
out:
	strbuf_release(&sb);
	strbuf_release(&esc);
}

/* Default object name when there is no -o: basename with .o, in cwd. */
static char *default_output(const char *src)
{
	struct strbuf sb = STRBUF_INIT;

	path_basename(&sb, src);
	if (ends_with(sb.buf, ".c"))
		strbuf_setlen(&sb, sb.len - 2);
	strbuf_addstr(&sb, ".o");
	return strbuf_detach(&sb, NULL);
}

/*
 * Compile the rewritten copy.  With variants spliced in, the compiler's
 * output is held back: if the variant does not compile, that is accc's
 * failure, and the caller compiles without it.
 */
static int compile_copy(struct compile_job *job, const char *output, int hold)
{
	struct child c = CHILD_INIT;
	struct strbuf srcdir = STRBUF_INIT, out = STRBUF_INIT,
		      err = STRBUF_INIT;
	size_t i;
	int status;

	path_dirname(&srcdir, job->ca.src);
	strvec_push(&c.args, job->cc);
	strvec_push(&c.args, "-iquote");
	strvec_push(&c.args, srcdir.buf);
	for (i = 0; i < job->ca.args.nr; i++)
		strvec_push(&c.args, i == job->ca.src_index ? job->tmpsrc.buf
							    : job->ca.args.v[i]);
	if (!job->ca.output) {
		strvec_push(&c.args, "-o");
		strvec_push(&c.args, output);
	}
	/* debug info names the source as the user wrote it */
	if (!strcmp(srcdir.buf, ".") && !strchr(job->ca.src, '/'))
		strvec_pushf(&c.args, "-fdebug-prefix-map=%s/=", job->tmpdir.buf);
	else
		strvec_pushf(&c.args, "-fdebug-prefix-map=%s=%s", job->tmpdir.buf, srcdir.buf);
	if (hold) {
		status = child_capture(&c, &out, &err, 16 << 20);
		if (!status) {
			fwrite(out.buf, 1, out.len, stdout);
			fwrite(err.buf, 1, err.len, stderr);
		} else if (err.len)
			log_msg("variant compile failed:\n%s", err.buf);
	} else {
		status = child_run(&c);
	}
	child_release(&c);
	strbuf_release(&srcdir);
	strbuf_release(&out);
	strbuf_release(&err);
	return status;
}

static int write_copy(struct compile_job *job, const struct detect *d,
		      const struct splice_repl *repls, size_t nr_repls)
{
	struct strbuf text = STRBUF_INIT;
	struct range *sites;
	size_t i, n = detect_nr_sites(d);
	int ret;

	sites = xcalloc(n + 1, sizeof(*sites));
	for (i = 0; i < n; i++)
		sites[i] = detect_site(d, i);
	splice_unit(detect_text(d), job->ca.src, sites, n, repls, nr_repls, &text);
	ret = write_file(job->tmpsrc.buf, text.buf, text.len);
	free(sites);
	strbuf_release(&text);
	return ret;
}

static int run_job(struct compile_job *job, struct detect *d)
{
	char *output = job->ca.output ? xstrdup(job->ca.output) : default_output(job->ca.src);
	char *dep;
	int status;

	if (load_replacements(job, d) < 0)
		job->nr_repls = 0;
	find_variants(job, d, output);
	status = write_copy(job, d, job->repls, job->nr_repls) < 0 ? -1
		 : compile_copy(job, output, job->nr_repls > 0);
	if (status != 0 && job->nr_repls) {
		warning("the variant of '%s' does not compile; using the original kernel",
			job->repls[0].name);
		if (config_get_bool("strict"))
			status = 1;
		else
			status = write_copy(job, d, NULL, 0) < 0 ? -1
				 : compile_copy(job, output, 0);
	}
	dep = dep_file_path(&job->ca, output);
	if (dep && status == 0)
		fix_dep_file(dep, job->tmpsrc.buf, job->ca.src);
	free(dep);
	free(output);
	return status;
}

int core_compile(const char *cc, const char *const *args)
{
	struct compile_job job;
	struct detect *d = NULL;
	enum detect_status st;
	int status, cleanup_dir, cleanup_src;

	memset(&job, 0, sizeof(job));
	job.cc = cc;
	strbuf_init(&job.tmpdir, 0);
	strbuf_init(&job.tmpsrc, 0);
	strvec_init(&job.repl_texts);
	if (args_classify(args, &job.ca) < 0 || !job.ca.candidate)
		exec_args(cc, args, NULL);

	d = detect_file(job.ca.src, &job.ca.parse_flags, &st);
	if (st == DETECT_PRAGMA_ERROR) {
		fputs(detect_diagnostics(d), stderr);
		detect_free(d);
		return 1;
	}
	if (st == DETECT_PARSE_FAILED) {
		char *why = xstrfmt("libclang cannot parse '%s': %s", job.ca.src,
				    detect_diagnostics(d));
		detect_free(d);
		fall_back(cc, args, why);
	}
	if (!detect_nr_kernels(d) && !detect_nr_sites(d)) {
		detect_free(d);
		exec_args(cc, args, NULL); /* "autocomp" only in a comment or string */
	}
	if (make_tmpdir(&job.tmpdir, "compile") < 0) {
		detect_free(d);
		fall_back(cc, args, "cannot create a temporary directory");
	}
	strbuf_addf(&job.tmpsrc, "%s/", job.tmpdir.buf);
	path_basename(&job.tmpsrc, job.ca.src);
	/* an interrupted build leaves nothing behind */
	cleanup_dir = cleanup_add_path(job.tmpdir.buf);
	cleanup_src = cleanup_add_path(job.tmpsrc.buf);
	status = run_job(&job, d);
	rm_rf(job.tmpdir.buf);
	cleanup_forget(cleanup_src);
	cleanup_forget(cleanup_dir);
	detect_free(d);
	if (status < 0)
		fall_back(cc, args, "cannot compile the rewritten unit");
	show_warning();
	strbuf_release(&job.tmpdir);
	strbuf_release(&job.tmpsrc);
	strvec_clear(&job.repl_texts);
	free(job.repls);
	compile_args_release(&job.ca);
	return status;
}

int core_optimize_file(const char *cc, const char *const *args)
{
	struct compile_args ca = COMPILE_ARGS_INIT;
	struct optimizer *o = NULL;
	struct detect *d = NULL;
	enum detect_status st;
	size_t i;
	int ret = 1;

	if (args_classify(args, &ca) < 0 || !ca.candidate)
		goto out;
	d = detect_file(ca.src, &ca.parse_flags, &st);
	if (st == DETECT_PRAGMA_ERROR) {
		fputs(detect_diagnostics(d), stderr);
		goto out;
	}
	if (st == DETECT_PARSE_FAILED) {
		error("libclang cannot parse '%s': %s", ca.src, detect_diagnostics(d));
		goto out;
	}
	o = optimizer_new(cc, &ca);
	for (i = 0; i < detect_nr_kernels(d); i++) {
		struct kdesc kd;
		char *v = NULL;
		if (kdesc_init(&kd, d, i, cc, ca.build_flags.v) == 0) {
			v = optimizer_variant(o, d, i, &kd, NULL);
			kdesc_release(&kd);
		}
		printf("%s: %s: %s\n", ca.src, detect_kernel(d, i)->name,
		       v ? "optimized variant in the cache" : "the original is kept");
		fflush(stdout);
		free(v);
	}
	ret = 0;
out:
	optimizer_free(o);
	detect_free(d);
	compile_args_release(&ca);
	return ret;
}
