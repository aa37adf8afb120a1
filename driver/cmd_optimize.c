/*
 * accc optimize -p compile_commands.json|BUILD_DIR [-j N] [FILE...]
 * accc optimize [-j N] FILE... -- CFLAGS...
 * Every annotated kernel of a project optimized ahead of time, each file
 * with its own flags from the compilation database (or the same CFLAGS), several files at once
 * (one accc-core process each; their measurements still take turns under
 * the judge's lock).  Kernels already in the cache are only counted.
 */
#include "args.h"
#include "cmds.h"
#include "compiler.h"
#include "config.h"
#include "core.h"
#include "detect.h"
#include "kdesc.h"
#include "log.h"
#include "pool.h"
#include "run.h"
#include "scan.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct unit_job {
	struct child c;
	char *file;
	int status;
};

/* Split a compile_commands "command" string the way a POSIX shell would
 * for plain words and quotes (no expansions). */
static void split_command(const char *s, struct strvec *out)
{
	struct strbuf w = STRBUF_INIT;
	int in_word = 0;
	char q = 0;

	for (; *s; s++) {
		if (q) {
			if (*s == q)
				q = 0;
			else if (*s == '\\' && q == '"' && s[1])
				strbuf_addch(&w, *++s);
			else
				strbuf_addch(&w, *s);
		} else if (*s == '\'' || *s == '"') {
			q = *s;
			in_word = 1;
		} else if (*s == '\\' && s[1]) {
			strbuf_addch(&w, *++s);
			in_word = 1;
		} else if (*s == ' ' || *s == '\t' || *s == '\n') {
			if (in_word)
				strvec_push(out, w.buf);
			strbuf_reset(&w);
			in_word = 0;
		} else {
			strbuf_addch(&w, *s);
			in_word = 1;
		}
	}
	if (in_word)
		strvec_push(out, w.buf);
	strbuf_release(&w);
}

static int read_database(const char *p, cJSON **ret)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct stat st;
	int r = -1;

	strbuf_addstr(&path, p);
	if (!stat(p, &st) && S_ISDIR(st.st_mode))
		strbuf_addstr(&path, "/compile_commands.json");
	if (strbuf_read_file(&text, path.buf, 256 << 20) < 0) {
		error("cannot read '%s': %s", path.buf, strerror(errno));
		goto out;
	}
	*ret = cJSON_ParseWithLength(text.buf, text.len);
	if (!*ret || !cJSON_IsArray(*ret)) {
		error("'%s' is not a compilation database (a JSON array)", path.buf);
		cJSON_Delete(*ret);
		goto out;
	}
	r = 0;
out:
	strbuf_release(&path);
	strbuf_release(&text);
	return r;
}

/* The words of one entry, compiler first. */
static void entry_words(const cJSON *e, struct strvec *words)
{
	const cJSON *args = cJSON_GetObjectItem(e, "arguments"), *a;
	const cJSON *cmd = cJSON_GetObjectItem(e, "command");

	if (cJSON_IsArray(args)) {
		cJSON_ArrayForEach(a, args)
			if (cJSON_IsString(a))
				strvec_push(words, a->valuestring);
	} else if (cJSON_IsString(cmd)) {
		split_command(cmd->valuestring, words);
	}
}

/* Without a database: each FILE compiled here with the CFLAGS, as
 * `accc kernels`, `judge` and `extract` take them. */
static cJSON *files_database(const struct strvec *files, const char *const *cflags)
{
	cJSON *arr = cJSON_CreateArray();
	char cwd[4096];
	size_t i;

	config_load();
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, ".");
	for (i = 0; i < files->nr; i++) {
		cJSON *e = cJSON_CreateObject(), *args = cJSON_AddArrayToObject(e, "arguments");
		const char *const *f;
		cJSON_AddStringToObject(e, "directory", cwd);
		cJSON_AddItemToArray(args, cJSON_CreateString(config_get("cc")));
		for (f = cflags; *f; f++)
			cJSON_AddItemToArray(args, cJSON_CreateString(*f));
		cJSON_AddItemToArray(args, cJSON_CreateString("-c"));
		cJSON_AddItemToArray(args, cJSON_CreateString(files->v[i]));
		cJSON_AddItemToArray(arr, e);
	}
	return arr;
}

static void job_done(struct child *c, int code, void *data)
{
	struct unit_job *j = data;
	j->status = code;
}

/* Queue one entry when it is a kernel compile; returns 1 if queued. */
static int queue_entry(struct pool *p, const cJSON *e, const struct strvec *only,
		       struct unit_job *j)
{
	const cJSON *dir = cJSON_GetObjectItem(e, "directory");
	struct strvec words = STRVEC_INIT;
	struct invocation inv = INVOCATION_INIT;
	struct compile_args ca = COMPILE_ARGS_INIT;
	struct strbuf src = STRBUF_INIT, core = STRBUF_INIT;
	int queued = 0;

	entry_words(e, &words);
	if (!words.nr || !cJSON_IsString(dir))
		goto out;
	config_load();
	if (compiler_resolve((int)words.nr, words.v, config_get("cc"), &inv) < 0)
		goto out;
	args_classify(words.v + inv.args_start, &ca);
	if (!ca.candidate)
		goto out;
	if (ca.src[0] != '/')
		strbuf_addf(&src, "%s/", dir->valuestring);
	strbuf_addstr(&src, ca.src);
	if ((only->nr && strvec_find(only, ca.src) < 0 && strvec_find(only, src.buf) < 0) ||
	    scan_file_for_pragma(src.buf) <= 0)
		goto out;
	self_dir(&core);
	strbuf_addstr(&core, "/accc-core");
	child_init(&j->c);
	strvec_push(&j->c.args, core.buf);
	strvec_push(&j->c.args, "--optimize-file");
	strvec_push(&j->c.args, inv.cc.buf);
	strvec_pushv(&j->c.args, words.v + inv.args_start);
	j->c.dir = xstrdup(dir->valuestring);
	j->c.stdin_null = 1;
	j->file = strbuf_detach(&src, NULL);
	pool_add(p, &j->c, job_done, j);
	queued = 1;
out:
	strvec_clear(&words);
	invocation_release(&inv);
	compile_args_release(&ca);
	strbuf_release(&src);
	strbuf_release(&core);
	return queued;
}

/* The table at the end: one row per kernel from the jobs' summary lines. */
static void print_summary(const char *path, const struct unit_job *jobs, long n)
{
	struct strbuf text = STRBUF_INIT;
	struct strvec rows = STRVEC_INIT;
	const char *p;
	long i;

	strbuf_read_file(&text, path, 16 << 20);
	for (p = text.buf; p && *p;) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);
		strvec_push(&rows, line);
		free(line);
		p += len + (p[len] == '\n');
	}
	printf("\n%-16s %-28s %-6s %8s %9s %10s %8s  %s\n", "kernel", "file:line", "target",
	       "speedup", "roofline", "candidates", "time", "outcome");
	for (i = 0; i < (long)rows.nr; i++) {
		char *f[9], *save = NULL, *copy = xstrdup(rows.v[i]), *tok;
		int nf = 0;
		char roof[16] = "-";
		for (tok = strtok_r(copy, "\t", &save); tok && nf < 9; tok = strtok_r(NULL, "\t", &save))
			f[nf++] = tok;
		if (nf >= 8) {
			if (atof(f[5]) >= 0)
				snprintf(roof, sizeof(roof), "%.0f%%", atof(f[5]));
			printf("%-16s %-28s %-6s %7.2fx %9s %10s %7.1fs  %s%s%s%s\n", f[0], f[1], f[2],
			       atof(f[4]), roof, f[6], atof(f[7]), f[3], nf > 8 ? " (" : "",
			       nf > 8 ? f[8] : "", nf > 8 ? ")" : "");
		}
		free(copy);
	}
	for (i = 0; i < n; i++)
		if (jobs[i].status != 0)
			printf("%-16s %-28s %-6s %8s %9s %10s %8s  failed (accc-core exit status %d)\n",
			       "?", jobs[i].file, "?", "-", "-", "-", "-", jobs[i].status);
	strvec_clear(&rows);
	strbuf_release(&text);
}

int cmd_optimize(int argc, const char **argv)
{
	const char *db = NULL, *const *cflags = NULL;
	struct strvec only = STRVEC_INIT;
	struct unit_job *jobs = NULL;
	struct pool *p;
	cJSON *arr = NULL, *e;
	long n = 0, i, failed = 0;
	char *summary;
	int nj = 0, k;

	for (k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--")) {
			cflags = argv + k + 1;
			break;
		} else if (!strcmp(argv[k], "-p") && k + 1 < argc)
			db = argv[++k];
		else if (!strcmp(argv[k], "-j") && k + 1 < argc)
			nj = atoi(argv[++k]);
		else if (argv[k][0] != '-')
			strvec_push(&only, argv[k]);
		else
			db = NULL, k = argc;
	}
	if (cflags && !db && only.nr) {
		arr = files_database(&only, cflags);
	} else if (!db || cflags) {
		fprintf(stderr, "usage: accc optimize -p compile_commands.json|BUILD_DIR [-j N] [FILE...]\n"
				"       accc optimize [-j N] FILE... -- CFLAGS...\n");
		strvec_clear(&only);
		return 2;
	} else if (read_database(db, &arr) < 0) {
		strvec_clear(&only);
		return 1;
	}
	if (!nj)
		nj = (int)config_get_long("jobs");
	{
		const char *tmp = getenv("TMPDIR");
		int fd;
		summary = xstrfmt("%s/accc-summary-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		fd = mkstemp(summary);
		if (fd >= 0) {
			close(fd);
			setenv("ACCC_SUMMARY_FILE", summary, 1);
		}
	}
	p = pool_new(nj > 0 ? nj : pool_cpus());
	jobs = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*jobs));
	cJSON_ArrayForEach(e, arr)
		n += queue_entry(p, e, &only, &jobs[n]);
	pool_run(p);
	print_summary(summary, jobs, n);
	unlink(summary);
	free(summary);
	for (i = 0; i < n; i++) {
		if (jobs[i].status != 0) {
			failed++;
			fprintf(stderr, "accc: %s: failed (status %d)\n", jobs[i].file, jobs[i].status);
		}
		free((char *)jobs[i].c.dir);
		child_release(&jobs[i].c);
		free(jobs[i].file);
	}
	printf("%ld file%s with kernels, %ld failed\n", n, n == 1 ? "" : "s", failed);
	pool_free(p);
	free(jobs);
	cJSON_Delete(arr);
	strvec_clear(&only);
	return failed ? 1 : 0;
}
