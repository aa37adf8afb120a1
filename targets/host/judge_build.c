/*
 * Building: every compiler, linker and objdump run is sandboxed (the
 * candidate's source is untrusted and compilers are big parsers), runs in
 * the candidate's own scratch folder, and goes through one job pool so that
 * all cores are busy.  A candidate's steps: preprocess -> checks -> compile
 * -> object checks -> (disassembly check) -> link.
 */
#include "fs.h"
#include "harness.h"
#include "judge_int.h"
#include "log.h"
#include "pool.h"
#include "sandbox.h"
#include "xalloc.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MSG_CAP 4096

enum bstep { B_PRE, B_COMPILE, B_DISASM, B_LINK, B_UBCC, B_UBLD, B_DONE };

struct bjob {
	struct judge *j;
	struct pool *pool;
	enum bstep step;
	struct child c;
	struct sandbox sb;
	struct strbuf dir;
	const char *src;           /* candidate text (NULL: reference job) */
	struct target_result *res;
	char **exe;                /* where the linked program's path goes */
	double t0;
};

static const char *const wraps = "-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,"
				 "--wrap=free,--wrap=aligned_alloc,--wrap=posix_memalign,"
				 "--wrap=memalign";

/* Set up b->c as a sandboxed tool run in b->dir; stdout and stderr go to
 * files "<name>.out" and "<name>.err" there. */
static int tool_job(struct bjob *b, const char *name)
{
	struct sandbox blank = SANDBOX_INIT;
	struct strbuf path = STRBUF_INIT;
	int fd;

	child_release(&b->c);
	child_init(&b->c);
	b->sb = blank;
	b->sb.scratch = b->dir.buf;
	b->sb.cpu_s = b->j->opt.build_timeout_ms / 1000 + 5;
	b->sb.mem = 8ull << 30;
	b->sb.fsize = 512ull << 20;
	b->sb.nofile = 256;
	b->sb.allow_dev_null = 1;
	if (sandbox_apply(&b->sb, &b->c) < 0)
		return -1;
	b->c.timeout_ms = b->j->opt.build_timeout_ms;
	strbuf_addf(&path, "%s/%s.err", b->dir.buf, name);
	fd = open(path.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	b->c.err_fd = fd;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/%s.out", b->dir.buf, name);
	b->c.out_fd = open(path.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	strbuf_release(&path);
	if (fd < 0 || b->c.out_fd < 0)
		return error("cannot create output files in '%s'", b->dir.buf);
	return 0;
}

static void close_fds(struct child *c)
{
	if (c->out_fd >= 0)
		close(c->out_fd);
	if (c->err_fd >= 0)
		close(c->err_fd);
	c->out_fd = c->err_fd = -1;
}

static void read_scratch(struct bjob *b, const char *name, struct strbuf *out, size_t cap)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s", b->dir.buf, name);
	strbuf_read_file(out, path.buf, cap);
	strbuf_release(&path);
}

static void cc_args(struct bjob *b, const char *mode, const char *in, const char *out)
{
	struct judge *j = b->j;
	strvec_push(&b->c.args, j->cc);
	strvec_pushv(&b->c.args, j->cflags.v);
	if (j->k->src_dir)
		strvec_pushf(&b->c.args, "-iquote%s", j->k->src_dir);
	strvec_push(&b->c.args, mode);
	strvec_push(&b->c.args, in);
	strvec_push(&b->c.args, "-o");
	strvec_push(&b->c.args, out);
}

static void job_done(struct child *c, int code, void *data);

static void queue(struct bjob *b)
{
	pool_add(b->pool, &b->c, job_done, b);
}

/* ---- candidate steps ---- */

static int cand_preprocess(struct bjob *b)
{
	if (tool_job(b, "pre") < 0)
		return -1;
	cc_args(b, "-E", "cand.c", "cand.i");
	b->step = B_PRE;
	queue(b);
	return 0;
}

static int cand_compile(struct bjob *b)
{
	if (tool_job(b, "cc") < 0)
		return -1;
	if (b->j->cuda) {
		/* CUDA C++: nvcc with the GPU's flags (the user's C flags do
		 * not apply); quote includes resolve in the source folder */
		strvec_push(&b->c.args, b->j->nvcc);
		strvec_pushv(&b->c.args, b->j->nvcc_flags);
		if (b->j->k->src_dir)
			strvec_pushf(&b->c.args, "-I%s", b->j->k->src_dir);
		strvec_pushv(&b->c.args, (const char *const[]){ "-c", "cand.cu", "-o", "cand.o",
					 NULL });
		b->step = B_COMPILE;
		queue(b);
		return 0;
	}
	cc_args(b, "-c", "cand.c", "cand.o");
	if (b->j->opt.feedback && b->j->clang)
		strvec_pushv(&b->c.args, (const char *const[]){ "-Rpass=loop-vectorize",
					 "-Rpass-missed=loop-vectorize", NULL });
	else if (b->j->opt.feedback)
		strvec_push(&b->c.args, "-fopt-info-vec-optimized-missed=remarks.txt");
	b->step = B_COMPILE;
	queue(b);
	return 0;
}

static int cand_disasm(struct bjob *b)
{
	if (tool_job(b, "dis") < 0)
		return -1;
	strvec_pushv(&b->c.args, (const char *const[]){ "objdump", "-d", "--no-show-raw-insn",
				 "cand.o", NULL });
	b->step = B_DISASM;
	queue(b);
	return 0;
}

static int link_job(struct bjob *b, const char *obj, const char *exe)
{
	if (tool_job(b, "ld") < 0)
		return -1;
	strvec_pushv(&b->c.args, (const char *const[]){ b->j->cc, "-o", exe, obj,
				 b->j->harness_o, "-lm", wraps, "-Wl,-z,noexecstack,-z,relro,-z,now", NULL });
	if (b->j->cuda) {
		strvec_pushf(&b->c.args, "-L%s", b->j->cuda_lib);
		strvec_pushf(&b->c.args, "-Wl,-rpath,%s", b->j->cuda_lib);
		strvec_pushv(&b->c.args, (const char *const[]){ "-lcudart", "-lstdc++", NULL });
	}
	b->step = B_LINK;
	queue(b);
	return 0;
}

/*
 * The sanitizer build: undefined behaviour traps (no runtime library, so
 * nothing changes in what the harness allows).  Its program, "cand_ub", is
 * run on the small shapes after the checks pass.
 */
static int cand_ubsan(struct bjob *b)
{
	if (tool_job(b, "ubcc") < 0)
		return -1;
	cc_args(b, "-c", "cand.c", "cand_ub.o");
	strvec_push(&b->c.args, "-fsanitize=undefined");
	strvec_push(&b->c.args, b->j->clang ? "-fsanitize-trap=undefined" :
					      "-fsanitize-undefined-trap-on-error");
	b->step = B_UBCC;
	queue(b);
	return 0;
}

/* Compiler remarks of the candidate's own lines, deduplicated and capped. */
static void collect_remarks(struct bjob *b)
{
	struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
	const char *p;
	int lines = 0;

	read_scratch(b, b->j->clang ? "cc.err" : "remarks.txt", &text, 1 << 20);
	for (p = text.buf; *p && lines < 40 && out.len < MSG_CAP; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0)) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		if (starts_with(line, "cand.c:") && (!b->j->clang || strstr(line, "remark:")) &&
		    !strstr(out.buf, line)) {
			strbuf_addstr(&out, line);
			strbuf_addch(&out, '\n');
			lines++;
		}
		free(line);
	}
	if (out.len)
		b->res->feedback = strbuf_detach(&out, NULL);
	strbuf_release(&out);
	strbuf_release(&text);
}

static void compile_error(struct bjob *b, const char *errfile, const char *what, int code)
{
	struct strbuf msg = STRBUF_INIT;
	read_scratch(b, errfile, &msg, MSG_CAP);
	if (b->c.timed_out)
		judge_set(b->res, TV_TIMEOUT, NULL, "%s took longer than %ld s", what,
			  b->j->opt.build_timeout_ms / 1000);
	else
		judge_set(b->res, TV_COMPILE_ERROR, NULL, "%s failed (exit %d)", what, code);
	free(b->res->detail);
	b->res->detail = msg.len ? strbuf_detach(&msg, NULL) : NULL;
	strbuf_release(&msg);
}

static int after_preprocess(struct bjob *b, int code)
{
	struct strbuf text = STRBUF_INIT;
	char *rule = NULL, *why = NULL;
	int ret = 0;

	if (code) {
		compile_error(b, "pre.err", "preprocessing", code);
		return 1;
	}
	if (!b->j->opt.no_static_checks) {
		read_scratch(b, "cand.i", &text, 256u << 20);
		if (srccheck_preprocessed(text.buf, text.len, b->j->k->allow, &rule, &why)) {
			judge_set(b->res, TV_REJECTED, rule, "%s", why);
			ret = 1;
		}
	}
	free(rule);
	free(why);
	strbuf_release(&text);
	return ret ? ret : cand_compile(b);
}

static int after_compile(struct bjob *b, int code)
{
	struct strbuf path = STRBUF_INIT;
	struct objinfo oi;
	char *rule = NULL, *why = NULL;
	int ret = 0;

	if (b->j->opt.feedback)
		collect_remarks(b);
	if (code) {
		compile_error(b, "cc.err", "compilation", code);
		return 1;
	}
	if (b->j->cuda) /* nvcc objects: the checks that apply are the runtime's */
		return link_job(b, "cand.o", "cand");
	strbuf_addf(&path, "%s/cand.o", b->dir.buf);
	if (objinfo_read(path.buf, &oi) < 0) {
		judge_set(b->res, TV_ERROR, NULL, "cannot read the candidate's object file");
		strbuf_release(&path);
		return 1;
	}
	if (!b->j->opt.no_static_checks && objcheck(&oi, &b->j->ref_obj, &rule, &why)) {
		judge_set(b->res, TV_REJECTED, rule, "%s", why);
		ret = 1;
	} else if (!b->j->opt.no_static_checks) {
		ret = cand_disasm(b); /* every candidate: the instruction rules */
	} else {
		ret = link_job(b, "cand.o", "cand");
	}
	free(rule);
	free(why);
	objinfo_release(&oi);
	strbuf_release(&path);
	return ret;
}

static int after_disasm(struct bjob *b, int code)
{
	struct strbuf text = STRBUF_INIT;
	char *rule = NULL, *why = NULL;
	int ret;

	read_scratch(b, "dis.out", &text, 64u << 20);
	if (code || !text.len) {
		judge_set(b->res, TV_ERROR, NULL, "objdump failed (exit %d)", code);
		ret = 1;
	} else if (objcheck_disasm(text.buf, &rule, &why)) {
		judge_set(b->res, TV_REJECTED, rule, "%s", why);
		ret = 1;
	} else {
		ret = link_job(b, "cand.o", "cand");
	}
	free(rule);
	free(why);
	strbuf_release(&text);
	return ret;
}

static void job_done(struct child *c, int code, void *data)
{
	struct bjob *b = data;
	int r = 0;

	close_fds(c);
	switch (b->step) {
	case B_PRE:
		r = after_preprocess(b, code);
		break;
	case B_COMPILE:
		r = after_compile(b, code);
		break;
	case B_DISASM:
		r = after_disasm(b, code);
		break;
	case B_LINK:
		if (code) {
			compile_error(b, "ld.err", "linking", code);
			r = 1;
			break;
		}
		*b->exe = xstrfmt("%s/%s", b->dir.buf, b->src ? "cand" : "ref");
		r = b->src && b->j->opt.sanitize && !b->j->cuda ? cand_ubsan(b) : 1;
		break;
	case B_UBCC:
		/* a compiler without the sanitizer is not the candidate's fault */
		if (code == 0 && tool_job(b, "ubld") == 0) {
			strvec_pushv(&b->c.args, (const char *const[]){ b->j->cc, "-o", "cand_ub",
						 "cand_ub.o", b->j->harness_o, "-lm", wraps,
						 "-Wl,-z,noexecstack,-z,relro,-z,now", NULL });
			b->step = B_UBLD;
			queue(b);
			break;
		}
		r = 1;
		break;
	case B_UBLD:
		r = 1;
		break;
	case B_DONE:
		break;
	}
	if (r < 0)
		judge_set(b->res, TV_ERROR, NULL, "the judge could not run a build step");
	if (r) {
		b->step = B_DONE;
		b->res->build_s = now_s() - b->t0;
	}
}

void judge_build_candidates(struct judge *j, const char *const *cands, size_t n,
			    struct target_result *res, char **exes)
{
	struct pool *pool = pool_new(j->opt.jobs);
	struct bjob *jobs = xcalloc(n ? n : 1, sizeof(*jobs));
	struct strbuf text = STRBUF_INIT, name = STRBUF_INIT, path = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		struct bjob *b = &jobs[i];
		char *rule = NULL, *why = NULL;
		b->j = j;
		b->pool = pool;
		b->src = cands[i];
		b->res = &res[i];
		b->exe = &exes[i];
		b->t0 = now_s();
		child_init(&b->c);
		strbuf_init(&b->dir, 0);
		strbuf_reset(&name);
		strbuf_addf(&name, "c%zu", i);
		if (judge_mkdir(j, &b->dir, name.buf) < 0) {
			judge_set(&res[i], TV_ERROR, NULL, "cannot create a scratch folder");
			continue;
		}
		if (!j->opt.no_static_checks && !j->cuda &&
		    srccheck_includes(cands[i], j->k->reference_src, &rule, &why)) {
			judge_set(&res[i], TV_REJECTED, rule, "%s", why);
			free(rule);
			free(why);
			continue;
		}
		strbuf_reset(&text);
		strbuf_addstr(&text, cands[i]);
		harness_wrapper(&text, j->k);
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/cand.%s", b->dir.buf, j->cuda ? "cu" : "c");
		if (write_file(path.buf, text.buf, text.len) < 0 ||
		    (j->cuda ? cand_compile(b) : cand_preprocess(b)) < 0)
			judge_set(&res[i], TV_ERROR, NULL, "cannot start the build");
	}
	pool_run(pool);
	for (i = 0; i < n; i++) {
		child_release(&jobs[i].c);
		strbuf_release(&jobs[i].dir);
	}
	free(jobs);
	pool_free(pool);
	strbuf_release(&text);
	strbuf_release(&name);
	strbuf_release(&path);
}

/* ---- the reference and the harness ---- */

static void ref_done(struct child *c, int code, void *data)
{
	struct bjob *b = data;
	close_fds(c);
	b->step = code ? B_LINK : B_DONE; /* B_LINK marks a failure here */
	if (code) {
		struct strbuf msg = STRBUF_INIT;
		read_scratch(b, b->src ? "hcc.err" : "cc.err", &msg, MSG_CAP);
		free(b->j->ref_error);
		b->j->ref_error = xstrfmt("%s does not compile (exit %d): %s",
					  b->src ? "the generated harness" : "the original unit",
					  code, msg.buf);
		strbuf_release(&msg);
	}
}

static int detect_clang(struct judge *j)
{
	struct child c = CHILD_INIT;
	struct strbuf out = STRBUF_INIT;
	strvec_pushv(&c.args, (const char *const[]){ j->cc, "--version", NULL });
	c.stdin_null = 1;
	c.timeout_ms = 10000;
	child_capture(&c, &out, NULL, 4096);
	j->clang = strstr(out.buf, "clang") != NULL;
	child_release(&c);
	strbuf_release(&out);
	return 0;
}

int judge_build_reference(struct judge *j)
{
	struct pool *pool = pool_new(2);
	struct bjob h, r;
	struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;
	struct target_result dummy;
	int ret = -1;

	memset(&h, 0, sizeof(h));
	memset(&r, 0, sizeof(r));
	memset(&dummy, 0, sizeof(dummy));
	detect_clang(j);
	h.j = r.j = j;
	h.pool = r.pool = pool;
	h.res = r.res = &dummy;
	h.src = "harness";
	strbuf_init(&h.dir, 0);
	strbuf_init(&r.dir, 0);
	child_init(&h.c);
	child_init(&r.c);
	if (judge_mkdir(j, &h.dir, "ref") < 0 || judge_mkdir(j, &r.dir, "ref") < 0)
		goto out;
	harness_source(&text, j->k);
	strbuf_addf(&path, "%s/harness.c", h.dir.buf);
	if (write_file(path.buf, text.buf, text.len) < 0)
		goto out;
	strbuf_reset(&text);
	strbuf_addstr(&text, j->k->reference_src);
	harness_wrapper(&text, j->k);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/ref.c", r.dir.buf);
	if (write_file(path.buf, text.buf, text.len) < 0)
		goto out;
	if (tool_job(&h, "hcc") < 0 || tool_job(&r, "cc") < 0)
		goto out;
	strvec_pushv(&h.c.args, (const char *const[]){ j->cc, "-O2", "-std=gnu11", "-c",
				 "harness.c", "-o", "harness.o", NULL });
	if (j->cuda)
		strvec_push(&h.c.args, "-DACCC_CUDA");
	cc_args(&r, "-c", "ref.c", "ref.o");
	pool_add(pool, &h.c, ref_done, &h);
	pool_add(pool, &r.c, ref_done, &r);
	pool_run(pool);
	if (h.step != B_DONE || r.step != B_DONE)
		goto out;
	j->harness_o = xstrfmt("%s/harness.o", h.dir.buf);
	j->ref_o = xstrfmt("%s/ref.o", r.dir.buf);
	if (objinfo_read(j->ref_o, &j->ref_obj) < 0) {
		j->ref_error = xstrdup("cannot read the original's object file");
		goto out;
	}
	r.src = NULL;
	r.exe = &j->ref_exe;
	if (link_job(&r, "ref.o", "ref") < 0)
		goto out;
	pool_run(pool);
	if (!j->ref_exe) {
		struct strbuf msg = STRBUF_INIT;
		read_scratch(&r, "ld.err", &msg, MSG_CAP);
		j->ref_error = xstrfmt("the original does not link with the harness: %s", msg.buf);
		strbuf_release(&msg);
		goto out;
	}
	ret = 0;
out:
	if (ret < 0 && j->ref_error)
		error("%s", j->ref_error);
	child_release(&h.c);
	child_release(&r.c);
	strbuf_release(&h.dir);
	strbuf_release(&r.dir);
	strbuf_release(&text);
	strbuf_release(&path);
	target_result_release(&dummy);
	pool_free(pool);
	return ret;
}
