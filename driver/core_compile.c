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
#include "cudainfo.h"
#include "config.h"
#include "core.h"
#include "detect.h"
#include "direct.h"
#include "fs.h"
#include "kdesc.h"
#include "log.h"
#include "normalize.h"
#include "run.h"
#include "splice.h"
#include "unitcopy.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct compile_job {
	const char *cc;
	struct compile_args ca;
	struct strvec final_keys;   /* cache entries of the final answers */
	struct strvec repl_texts;   /* owned texts of replacements */
	struct splice_repl *repls;
	size_t nr_repls;
	/* target(cuda) variants: CUDA C++ built by nvcc into an object of
	 * their own; the C unit gets the kernel's declaration instead */
	struct strvec cuda_names, cuda_srcs;
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
 * A bad configuration (a value outside a key's choices, an unknown key, a
 * missing ACCC_CONFIG file) is the user's mistake, but not one in the code
 * being built: the compile goes on with the defaults and shows the first
 * problem as its one warning line; strict mode fails instead.
 */
static void config_warn(void)
{
	const char *p = config_problems();
	int len = (int)strcspn(p, "\n");

	if (!*p)
		return;
	if (config_get_bool("strict")) {
		fprintf(stderr, "accc: error: config: %.*s (strict mode)\n", len, p);
		exit(1);
	}
	warning("config: %.*s (see 'accc config')", len, p);
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

/*
 * A target(cuda) variant: the C unit keeps the kernel's declaration (the
 * definition's text up to its body), the CUDA text is built by nvcc after
 * the unit compiles and joined to its object (cuda_join).  A static kernel
 * cannot be defined in another object: it keeps the original.
 */
static void add_cuda_variant(struct compile_job *job, const struct detect *d,
			     const struct kernel *k, char *v)
{
	const struct strbuf *text = detect_text(d);

	if (k->is_static) {
		warning("the CUDA variant of '%s' cannot replace a static function; using "
			"the original kernel", k->name);
		free(v);
		return;
	}
	add_replacement(job, k, xstrfmt("%.*s;", (int)(k->body.start - k->def.start),
					text->buf + k->def.start));
	strvec_push(&job->cuda_names, k->name);
	strvec_push_nodup(&job->cuda_srcs, v);
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
		if (!strcmp(detect_kernel(d, (size_t)k)->pragma.target, "cuda")) {
			add_cuda_variant(job, d, detect_kernel(d, (size_t)k),
					 strbuf_detach(&sb, NULL));
		} else {
			struct strbuf v = STRBUF_INIT, notes = STRBUF_INIT, why = STRBUF_INIT;
			if (kdesc_variant(d, (size_t)k, NULL, sb.buf, &v, &notes, &why) < 0) {
				ret = error("ACCC_REPLACE '%s' is not a variant of '%s': %s", eq + 1,
					    item, why.buf);
			} else {
				if (notes.len)
					log_msg("ACCC_REPLACE '%s' normalized:\n%s", eq + 1, notes.buf);
				add_replacement(job, detect_kernel(d, (size_t)k),
						strbuf_detach(&v, NULL));
			}
			strbuf_release(&v);
			strbuf_release(&notes);
			strbuf_release(&why);
			strbuf_release(&sb);
			if (ret)
				break;
		}
	}
	free(copy);
	return ret;
}

/*
 * Build each CUDA variant with nvcc and join the objects to the unit's
 * (ld -r), so that the compile still yields one object.  The link then
 * needs the CUDA runtime (README: "The CUDA target").  0, or -1 with one
 * warning (the caller compiles the original unit).
 */
static int cuda_join(struct compile_job *job, struct unit_copy *u)
{
	const struct cudainfo *ci = cudainfo_get();
	struct strbuf flags = STRBUF_INIT, path = STRBUF_INIT;
	struct child ld = CHILD_INIT;
	char *joined = xstrfmt("%s/joined.o", u->tmpdir.buf), *save = NULL, *tok;
	size_t i;
	int ret = -1;

	cudainfo_nvcc_flags(&flags, ci);
	strvec_pushv(&ld.args, (const char *const[]){ "ld", "-r", "-o", joined, u->output,
				 NULL });
	for (i = 0; i < job->cuda_srcs.nr; i++) {
		struct child c = CHILD_INIT;
		struct strbuf fl = STRBUF_INIT;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s.cu", u->tmpdir.buf, job->cuda_names.v[i]);
		if (write_file(path.buf, job->cuda_srcs.v[i], strlen(job->cuda_srcs.v[i])) < 0)
			goto out;
		strvec_push(&c.args, ci->nvcc[0] ? ci->nvcc : "nvcc");
		strbuf_add(&fl, flags.buf, flags.len);
		for (tok = strtok_r(fl.buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			strvec_push(&c.args, tok);
		strbuf_release(&fl);
		/* no C++ runtime needed at the link: no exceptions, no guarded statics */
		strvec_pushv(&c.args, (const char *const[]){ "-Xcompiler",
					"-fPIC,-fno-exceptions,-fno-threadsafe-statics", "-c",
					path.buf, "-o", NULL });
		strvec_pushf(&c.args, "%s.o", path.buf);
		strvec_pushf(&ld.args, "%s.o", path.buf);
		c.stdin_null = 1;
		if (child_run(&c) != 0) {
			warning("the CUDA variant of '%s' does not build with nvcc; using the "
				"original kernel", job->cuda_names.v[i]);
			child_release(&c);
			goto out;
		}
		child_release(&c);
	}
	ld.stdin_null = 1;
	if (child_run(&ld) != 0 || rename(joined, u->output) < 0) {
		warning("cannot join the CUDA objects to '%s'; using the original kernel",
			u->output);
		goto out;
	}
	ret = 0;
out:
	child_release(&ld);
	strbuf_release(&flags);
	strbuf_release(&path);
	free(joined);
	return ret;
}

/*
 * Variants for the kernels that have none yet: from the cache, or from a
 * search in optimize mode.  Whatever fails leaves the original kernel.
 * Returns whether every kernel got a final answer (see optimizer_all_final).
 */
static int find_variants(struct compile_job *job, const struct detect *d,
			 const char *output)
{
	struct optimizer *o = optimizer_new(job->cc, &job->ca);
	size_t i;
	int final = 1;

	for (i = 0; i < detect_nr_kernels(d); i++) {
		const struct kernel *k = detect_kernel(d, i);
		struct kdesc kd;
		char *v;

		if (has_replacement(job, k))
			continue;
		if (kdesc_init(&kd, d, i, job->cc, job->ca.build_flags.v) < 0)
			continue;
		v = optimizer_variant(o, d, i, &kd, output);
		if (v && !strcmp(k->pragma.target, "cuda")) {
			add_cuda_variant(job, d, k, v);
			final = 0;
		} else if (v) {
			add_replacement(job, k, v);
		}
		kdesc_release(&kd);
	}
	/* a unit with a CUDA object is never a direct-mode hit: the front
	 * would compile the C part alone */
	final = final && optimizer_all_final(o);
	strvec_pushv(&job->final_keys, optimizer_final_keys(o)->v);
	optimizer_free(o);
	return final;
}

/* Remember a final result for direct mode (cache/direct.h): the recipe of
 * the unit, its ranges in bytes and in tokens. */
static void direct_remember(struct compile_job *job, const struct detect *d, const char *object)
{
	struct strvec headers = STRVEC_INIT;
	struct direct_recipe rc = { NULL, 0, NULL, 0 };
	char key[33];
	size_t i;

	if (direct_key(job->ca.src, job->ca.args.v, job->cc, ACCC_VERSION, key) < 0)
		return;
	rc.nr_sites = detect_nr_sites(d);
	rc.sites = xcalloc(rc.nr_sites + 1, sizeof(*rc.sites));
	for (i = 0; i < rc.nr_sites; i++) {
		rc.sites[i].start = detect_site(d, i).start;
		rc.sites[i].end = detect_site(d, i).end;
	}
	rc.nr_repls = job->nr_repls;
	rc.repls = xcalloc(rc.nr_repls + 1, sizeof(*rc.repls));
	for (i = 0; i < rc.nr_repls; i++) {
		rc.repls[i].at.start = job->repls[i].def.start;
		rc.repls[i].at.end = job->repls[i].def.end;
		rc.repls[i].name = (char *)job->repls[i].name;
		rc.repls[i].text = (char *)job->repls[i].text;
	}
	splice_recipe_tokens(detect_text(d), &rc);
	detect_headers(d, &headers);
	if (direct_store(config_get("dir"), key, job->ca.src, normalize_c, job->final_keys.v,
			 headers.v, &rc, object) == 0)
		log_msg("direct mode: remembered %s as %s", job->ca.src, key);
	strvec_clear(&headers);
	free(rc.sites);
	free(rc.repls);
}

/* The unit as the compiler gets it: pragmas erased, variants spliced. */
static void rewrite(struct compile_job *job, const struct detect *d,
		    const struct splice_repl *repls, size_t nr_repls, struct strbuf *text)
{
	struct range *sites;
	size_t i, n = detect_nr_sites(d);

	sites = xcalloc(n + 1, sizeof(*sites));
	for (i = 0; i < n; i++)
		sites[i] = detect_site(d, i);
	splice_unit(detect_text(d), job->ca.src, sites, n, repls, nr_repls, text);
	free(sites);
}

/*
 * Compile with the variants; a variant that does not compile is dropped
 * (one warning) and the unit compiled as written.  When the result is
 * final (every kernel answered by the cache or a stored search, nothing
 * failed), remember the rewritten unit for direct hits.
 */
static int run_job(struct compile_job *job, struct detect *d, struct unit_copy *u)
{
	struct strbuf text = STRBUF_INIT;
	int status, final, keep = direct_object_ok(job->ca.args.v);

	if (load_replacements(job, d) < 0)
		job->nr_repls = 0;
	final = find_variants(job, d, u->output) && !getenv("ACCC_REPLACE");
	rewrite(job, d, job->repls, job->nr_repls, &text);
	/* captured when the object may be kept: only a silent compile's is */
	status = unit_copy_compile(u, text.buf, text.len, job->nr_repls ? UNIT_COPY_HOLD :
				   final && keep ? UNIT_COPY_CAPTURE : UNIT_COPY_INHERIT);
	if (status == 0 && job->cuda_srcs.nr && cuda_join(job, u) < 0) {
		/* the original, as for any failure of accc's machinery */
		final = 0;
		strbuf_reset(&text);
		rewrite(job, d, NULL, 0, &text);
		status = unit_copy_compile(u, text.buf, text.len, UNIT_COPY_INHERIT);
	} else if (status != 0 && job->nr_repls) {
		/*
		 * The unit as written decides whose failure it is: when it does
		 * not compile either (a missing -MF directory, a full disk), the
		 * compiler has said why and that is the whole story.
		 */
		final = 0;
		strbuf_reset(&text);
		rewrite(job, d, NULL, 0, &text);
		status = unit_copy_compile(u, text.buf, text.len, UNIT_COPY_INHERIT);
		if (status == 0) {
			warning("the variant of '%s' does not compile; using the original kernel",
				job->repls[0].name);
			if (config_get_bool("strict")) {
				unlink(u->output);
				status = 1;
			}
		}
	}
	if (status == 0 && final && !log_first_warning())
		direct_remember(job, d, keep && u->quiet ? u->output : NULL);
	strbuf_release(&text);
	return status;
}

int core_compile(const char *cc, const char *const *args)
{
	struct compile_job job;
	struct unit_copy u;
	struct detect *d = NULL;
	enum detect_status st;
	int status;

	memset(&job, 0, sizeof(job));
	job.cc = cc;
	strvec_init(&job.repl_texts);
	strvec_init(&job.final_keys);
	strvec_init(&job.cuda_names);
	strvec_init(&job.cuda_srcs);
	if (args_classify(args, &job.ca) < 0 || !job.ca.candidate)
		exec_args(cc, args, NULL);
	config_warn();

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
	if (unit_copy_init(&u, cc, &job.ca) < 0) {
		detect_free(d);
		fall_back(cc, args, "cannot create a temporary directory");
	}
	status = run_job(&job, d, &u);
	unit_copy_release(&u);
	detect_free(d);
	if (status < 0)
		fall_back(cc, args, "cannot compile the rewritten unit");
	show_warning();
	strvec_clear(&job.repl_texts);
	strvec_clear(&job.final_keys);
	strvec_clear(&job.cuda_names);
	strvec_clear(&job.cuda_srcs);
	free(job.repls);
	compile_args_release(&job.ca);
	return status;
}

/* One line per kernel for the table `accc optimize` prints at the end:
 * appended to ACCC_SUMMARY_FILE (set by accc optimize), fields by tabs. */
static void summary_record(const struct optimizer_outcome *oc, const struct detect *d,
			   size_t ki)
{
	const char *path = getenv("ACCC_SUMMARY_FILE");
	const struct kernel *k = detect_kernel(d, ki);
	struct strbuf sb = STRBUF_INIT;
	int fd;

	if (!path || !*path)
		return;
	strbuf_addf(&sb, "%s\t%s:%u\t%s\t%s\t%.3f\t%.1f\t%ld\t%.1f\t%s\n", k->name,
		    detect_path(d), k->line, k->pragma.target, oc->what, oc->speedup,
		    oc->roofline, oc->candidates, oc->wall_s, oc->why);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) { /* one write: lines of parallel jobs do not mix */
		if (write(fd, sb.buf, sb.len) != (ssize_t)sb.len)
			log_msg("cannot append to '%s'", path);
		close(fd);
	}
	strbuf_release(&sb);
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
		struct optimizer_outcome bad = { "failed", 1.0, -1, 0, 0,
						 "cannot describe the kernel to its target" };
		const struct optimizer_outcome *oc = &bad;
		char *v = NULL;
		if (kdesc_init(&kd, d, i, cc, ca.build_flags.v) == 0) {
			v = optimizer_variant(o, d, i, &kd, NULL);
			oc = optimizer_outcome(o);
			kdesc_release(&kd);
		}
		printf("%s: %s: %s\n", ca.src, detect_kernel(d, i)->name,
		       v ? "optimized variant in the cache" : "the original is kept");
		fflush(stdout);
		summary_record(oc, d, i);
		free(v);
	}
	ret = 0;
out:
	optimizer_free(o);
	detect_free(d);
	compile_args_release(&ca);
	return ret;
}
