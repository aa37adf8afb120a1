/*
 * accc report [KERNEL|RUN] [-o FILE] [--open] [--json]
 * The searches of the cache folder as one HTML page (or its data as JSON):
 * every run under <dir>/runs, or the one KERNEL names.  See report.h.
 */
#include "cmds.h"
#include "config.h"
#include "fs.h"
#include "log.h"
#include "report.h"
#include "strvec.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char report_usage[] =
	"usage: accc report [KERNEL|RUN_DIR] [-o FILE] [--open] [--json]";

static cJSON *read_json(const char *path)
{
	struct strbuf text = STRBUF_INIT;
	cJSON *o = NULL;

	if (strbuf_read_file(&text, path, 64 << 20) == 0)
		o = cJSON_ParseWithLength(text.buf, text.len);
	strbuf_release(&text);
	return cJSON_IsObject(o) ? o : (cJSON_Delete(o), NULL);
}

static void add_file_text(cJSON *o, const char *key, const char *path)
{
	struct strbuf text = STRBUF_INIT;

	if (strbuf_read_file(&text, path, 4 << 20) == 0)
		cJSON_AddStringToObject(o, key, text.buf);
	strbuf_release(&text);
}

static const cJSON *node_at(const cJSON *nodes, int id)
{
	const cJSON *n;

	cJSON_ArrayForEach(n, nodes)
		if (cJSON_GetNumberValue(cJSON_GetObjectItem(n, "id")) == id)
			return n;
	return NULL;
}

static double node_speedup(const cJSON *n)
{
	const cJSON *t = cJSON_GetObjectItem(n, "timing");
	return t ? cJSON_GetNumberValue(cJSON_GetObjectItem(t, "speedup")) : 0;
}

static int node_faster(const cJSON *n)
{
	const cJSON *t = cJSON_GetObjectItem(n, "timing");
	return t && cJSON_IsTrue(cJSON_GetObjectItem(t, "faster"));
}

/* Winner, its path, the best speedup per iteration, code and diff. */
static void enrich(cJSON *run, const char *run_dir)
{
	const cJSON *nodes = cJSON_GetObjectItem(run, "nodes"), *beam, *n;
	cJSON *path, *best;
	struct strbuf diff = STRBUF_INIT;
	char *file;
	int winner = -1, id, it, iters, guard;
	double b = 1.0;

	beam = cJSON_GetArrayItem(cJSON_GetObjectItem(run, "beam"), 0);
	if (beam) {
		n = node_at(nodes, (int)cJSON_GetNumberValue(beam));
		if (n && cJSON_GetNumberValue(beam) > 0 && node_faster(n))
			winner = (int)cJSON_GetNumberValue(beam);
	}
	cJSON_AddNumberToObject(run, "winner", winner);
	path = cJSON_AddArrayToObject(run, "path");
	for (id = winner, guard = 0; id >= 0 && guard < 1000; guard++) {
		cJSON_InsertItemInArray(path, 0, cJSON_CreateNumber(id));
		n = node_at(nodes, id);
		id = n ? (int)cJSON_GetNumberValue(cJSON_GetObjectItem(n, "parent")) : -1;
	}
	best = cJSON_AddArrayToObject(run, "best_per_iteration");
	iters = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(run, "iterations_run"));
	for (it = 0; it < iters; it++) {
		cJSON_ArrayForEach(n, nodes)
			if (cJSON_GetNumberValue(cJSON_GetObjectItem(n, "iteration")) == it &&
			    node_faster(n) && node_speedup(n) > b)
				b = node_speedup(n);
		cJSON_AddItemToArray(best, cJSON_CreateNumber(b));
	}
	file = xstrfmt("%s/n000.c", run_dir);
	add_file_text(run, "original_code", file);
	free(file);
	if (winner > 0) {
		const cJSON *orig;
		file = xstrfmt("%s/n%03d.c", run_dir, winner);
		add_file_text(run, "winner_code", file);
		free(file);
		orig = cJSON_GetObjectItem(run, "original_code");
		n = cJSON_GetObjectItem(run, "winner_code");
		if (cJSON_IsString(orig) && cJSON_IsString(n))
			report_diff(orig->valuestring, n->valuestring, &diff);
		cJSON_AddStringToObject(run, "diff", diff.buf);
	}
	strbuf_release(&diff);
}

static int by_mtime(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	double tx = cJSON_GetNumberValue(cJSON_GetObjectItem(x, "mtime"));
	double ty = cJSON_GetNumberValue(cJSON_GetObjectItem(y, "mtime"));
	return tx < ty ? -1 : tx > ty;
}

/* Whether run folder `name` (holding search `run`) is the one asked for. */
static int selected(const char *only, const char *name, const cJSON *run)
{
	const cJSON *k = cJSON_GetObjectItem(run, "kernel");
	return !only || !strcmp(only, name) || (cJSON_IsString(k) && !strcmp(only, k->valuestring));
}

static void add_run(cJSON *kernels, const char *run_dir, const char *name)
{
	char *path = xstrfmt("%s/search.json", run_dir);
	cJSON *run = read_json(path);
	struct stat st;

	if (run) {
		cJSON_AddStringToObject(run, "run", name);
		cJSON_AddStringToObject(run, "run_dir", run_dir);
		cJSON_AddNumberToObject(run, "mtime", stat(path, &st) ? 0 : (double)st.st_mtime);
		enrich(run, run_dir);
		cJSON_AddItemToArray(kernels, run);
	}
	free(path);
}

static void collect_runs(cJSON *kernels, const char *dir, const char *only)
{
	char *runs = xstrfmt("%s/runs", dir);
	DIR *dp = opendir(runs);
	struct dirent *de;

	while (dp && (de = readdir(dp))) {
		char *rd, *path;
		cJSON *peek;
		if (de->d_name[0] == '.')
			continue;
		rd = xstrfmt("%s/%s", runs, de->d_name);
		path = xstrfmt("%s/search.json", rd);
		peek = read_json(path);
		if (peek && selected(only, de->d_name, peek))
			add_run(kernels, rd, de->d_name);
		cJSON_Delete(peek);
		free(path);
		free(rd);
	}
	if (dp)
		closedir(dp);
	free(runs);
}

cJSON *report_collect(const char *dir, const char *only)
{
	cJSON *data = cJSON_CreateObject(), *kernels, **v, *peaks;
	char *peaks_path = xstrfmt("%s/peaks.json", dir);
	struct stat st;
	int i, nr;

	cJSON_AddNumberToObject(data, "generated", (double)time(NULL));
	cJSON_AddStringToObject(data, "dir", dir);
	peaks = read_json(peaks_path);
	cJSON_DeleteItemFromObject(peaks, "fingerprint");
	cJSON_AddItemToObject(data, "peaks", peaks ? peaks : cJSON_CreateNull());
	free(peaks_path);
	kernels = cJSON_AddArrayToObject(data, "kernels");
	if (only && (strchr(only, '/') || !stat(only, &st))) {
		struct strbuf rd = STRBUF_INIT, name = STRBUF_INIT;
		strbuf_addstr(&rd, only);
		if (!stat(only, &st) && S_ISREG(st.st_mode))
			path_dirname(&rd, only);
		path_basename(&name, rd.buf);
		add_run(kernels, rd.buf, name.buf);
		strbuf_release(&rd);
		strbuf_release(&name);
	} else {
		collect_runs(kernels, dir, only);
	}
	nr = cJSON_GetArraySize(kernels);
	if (!nr) {
		if (only)
			error("no search of '%s' under '%s/runs'", only, dir);
		else
			error("no searches under '%s/runs' yet: build something with kernels first", dir);
		cJSON_Delete(data);
		return NULL;
	}
	/* oldest first; one kernel asked by name: its latest search only */
	v = xcalloc((size_t)nr, sizeof(*v));
	for (i = nr - 1; i >= 0; i--)
		v[i] = cJSON_DetachItemFromArray(kernels, i);
	qsort(v, (size_t)nr, sizeof(*v), by_mtime);
	for (i = 0; i < nr; i++) {
		if (only && i < nr - 1 && !strchr(only, '/'))
			cJSON_Delete(v[i]);
		else
			cJSON_AddItemToArray(kernels, v[i]);
	}
	free(v);
	return data;
}

int cmd_report(int argc, const char **argv)
{
	const char *only = NULL, *out_path = NULL;
	struct strbuf html = STRBUF_INIT;
	cJSON *data;
	char *text, *def = NULL;
	int json = 0, open = 0, i, ret = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--open")) {
			open = 1;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out_path = argv[++i];
		} else if (argv[i][0] != '-' && !only) {
			only = argv[i];
		} else {
			fprintf(stderr, "%s\n", report_usage);
			return 2;
		}
	}
	config_load();
	data = report_collect(config_get("dir"), only);
	if (!data)
		return 1;
	if (json) {
		text = cJSON_Print(data);
		puts(text);
		free(text);
		cJSON_Delete(data);
		return 0;
	}
	report_html(data, &html);
	if (!out_path) {
		struct strbuf name = STRBUF_INIT;
		const cJSON *k = cJSON_GetArrayItem(cJSON_GetObjectItem(data, "kernels"), 0);
		if (only)
			strbuf_addstr(&name, cJSON_GetStringValue(cJSON_GetObjectItem(k, "kernel")));
		else
			strbuf_addstr(&name, "all");
		def = xstrfmt("%s/reports/%s.html", config_get("dir"), name.buf);
		out_path = def;
		strbuf_release(&name);
		path_dirname(&name, def);
		mkdir_p(name.buf, 0755);
		strbuf_release(&name);
	}
	if (write_file_atomic(out_path, html.buf, html.len, 0644) < 0) {
		error("cannot write '%s': %s", out_path, strerror(errno));
		goto out;
	}
	if (open)
		printf("%s\n", out_path);
	else
		printf("report of %d search%s written to %s\n",
		       cJSON_GetArraySize(cJSON_GetObjectItem(data, "kernels")),
		       cJSON_GetArraySize(cJSON_GetObjectItem(data, "kernels")) == 1 ? "" : "es",
		       out_path);
	ret = 0;
out:
	strbuf_release(&html);
	cJSON_Delete(data);
	free(def);
	return ret;
}

static void split_lines(struct strvec *sv, const char *s)
{
	while (*s) {
		size_t len = strcspn(s, "\n");
		char *line = xstrndup(s, len);
		strvec_push(sv, line);
		free(line);
		s += len + (s[len] == '\n');
	}
}

/* Longest common subsequence of lines; kernels are small (capped). */
void report_diff(const char *a, const char *b, struct strbuf *out)
{
	struct strvec la = STRVEC_INIT, lb = STRVEC_INIT;
	size_t n, m, i, j;
	unsigned short *t;

	split_lines(&la, a);
	split_lines(&lb, b);
	n = la.nr < 2000 ? la.nr : 2000;
	m = lb.nr < 2000 ? lb.nr : 2000;
	t = xcalloc((n + 1) * (m + 1), sizeof(*t));
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			t[i * (m + 1) + j] = !strcmp(la.v[i], lb.v[j])
				? t[(i + 1) * (m + 1) + j + 1] + 1
				: t[(i + 1) * (m + 1) + j] > t[i * (m + 1) + j + 1]
				? t[(i + 1) * (m + 1) + j] : t[i * (m + 1) + j + 1];
	for (i = 0, j = 0; i < n || j < m;) {
		if (i < n && j < m && !strcmp(la.v[i], lb.v[j])) {
			strbuf_addf(out, " %s\n", la.v[i]);
			i++, j++;
		} else if (j < m && (i == n || t[i * (m + 1) + j + 1] >= t[(i + 1) * (m + 1) + j])) {
			strbuf_addf(out, "+%s\n", lb.v[j++]);
		} else {
			strbuf_addf(out, "-%s\n", la.v[i++]);
		}
	}
	free(t);
	strvec_clear(&la);
	strvec_clear(&lb);
}
