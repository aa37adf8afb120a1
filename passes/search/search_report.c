/*
 * What a search leaves behind: the artifacts folder (every prompt, answer,
 * plan, code and verdict by node, and search.json with the whole tree) and
 * the live progress line.
 */
#include "search_int.h"
#include "fs.h"
#include "log.h"
#include "run.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

void search_artifact(struct search *s, int id, const char *what, const char *text)
{
	char *path;

	if (!text)
		return;
	path = xstrfmt("%s/n%03d.%s", s->run_dir.buf, id, what);
	write_file(path, text, strlen(text));
	free(path);
}

static cJSON *timing_json(const struct target_timing *t)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "metric", t->metric ? t->metric : "time");
	cJSON_AddNumberToObject(o, "baseline", t->base);
	cJSON_AddNumberToObject(o, "candidate", t->cand);
	cJSON_AddNumberToObject(o, "speedup", t->speedup);
	cJSON_AddNumberToObject(o, "noise", t->noise);
	cJSON_AddBoolToObject(o, "faster", t->faster);
	cJSON_AddNumberToObject(o, "rounds", t->rounds);
	if (t->gflops > 0)
		cJSON_AddNumberToObject(o, "gflops", t->gflops);
	if (t->gbytes > 0)
		cJSON_AddNumberToObject(o, "gbytes", t->gbytes);
	target_roofline_json(o, t);
	return o;
}

static cJSON *node_json(const struct node *n)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", n->id);
	cJSON_AddNumberToObject(o, "parent", n->parent);
	cJSON_AddNumberToObject(o, "iteration", n->iteration);
	cJSON_AddStringToObject(o, "status", n->status ? n->status : "pending");
	if (n->plan)
		cJSON_AddStringToObject(o, "plan", n->plan);
	if (n->plan_model)
		cJSON_AddStringToObject(o, "plan_model", n->plan_model);
	if (n->code_model)
		cJSON_AddStringToObject(o, "code_model", n->code_model);
	if (n->reason)
		cJSON_AddStringToObject(o, "reason", n->reason);
	if (n->diag)
		cJSON_AddStringToObject(o, "diagnostics", n->diag);
	if (n->dup_of >= 0)
		cJSON_AddNumberToObject(o, "duplicate_of", n->dup_of);
	if (n->code)
		cJSON_AddStringToObject(o, "code_hash", n->hash);
	if (n->timed)
		cJSON_AddItemToObject(o, "timing", timing_json(&n->timing));
	cJSON_AddNumberToObject(o, "tokens_in", n->tokens_in);
	cJSON_AddNumberToObject(o, "tokens_out", n->tokens_out);
	return o;
}

void search_write_summary(struct search *s)
{
	const struct search_config *c = s->cfg;
	cJSON *root = cJSON_CreateObject(), *nodes, *beam, *cfg;
	char *text, *path;
	size_t i;

	cJSON_AddStringToObject(root, "kernel", s->kd->tk.name);
	cJSON_AddStringToObject(root, "file", detect_path(s->d));
	cJSON_AddNumberToObject(root, "line", detect_kernel(s->d, s->ki)->line);
	cJSON_AddStringToObject(root, "target", detect_kernel(s->d, s->ki)->pragma.target);
	if (s->kd->tk.flops)
		cJSON_AddStringToObject(root, "flops", s->kd->tk.flops);
	if (s->kd->tk.bytes)
		cJSON_AddStringToObject(root, "bytes", s->kd->tk.bytes);
	cfg = cJSON_AddObjectToObject(root, "config");
	cJSON_AddNumberToObject(cfg, "iterations", c->iterations);
	cJSON_AddNumberToObject(cfg, "beam", c->beam);
	cJSON_AddNumberToObject(cfg, "plans", c->plans);
	cJSON_AddNumberToObject(cfg, "samples", c->samples);
	cJSON_AddNumberToObject(cfg, "dropout", c->dropout);
	cJSON_AddStringToObject(cfg, "accept", c->accept == SEARCH_ACCEPT_AUTOCOMP ? "autocomp" : "strict");
	cJSON_AddItemToObject(cfg, "plan_models", cJSON_CreateStringArray(c->plan_models.v, (int)c->plan_models.nr));
	cJSON_AddItemToObject(cfg, "code_models", cJSON_CreateStringArray(c->code_models.v, (int)c->code_models.nr));
	cJSON_AddNumberToObject(root, "iterations_run", s->iterations_run);
	cJSON_AddNumberToObject(root, "calls", (double)s->calls);
	cJSON_AddNumberToObject(root, "tokens_in", (double)s->tokens_in);
	cJSON_AddNumberToObject(root, "tokens_out", (double)s->tokens_out);
	cJSON_AddNumberToObject(root, "judged", (double)s->judged);
	cJSON_AddNumberToObject(root, "wall_s", now_s() - s->start);
	if (s->stop)
		cJSON_AddStringToObject(root, "stopped", s->stop);
	/* why it ended, always: early (above), or every iteration run */
	if (s->stop)
		cJSON_AddStringToObject(root, "ended", s->stop);
	else if (s->iterations_run >= c->iterations) {
		char *why = xstrfmt("all %d iterations run", c->iterations);
		cJSON_AddStringToObject(root, "ended", why);
		free(why);
	} else
		cJSON_AddStringToObject(root, "ended", "running");
	cJSON_AddNumberToObject(cfg, "patience", c->patience);
	beam = cJSON_AddArrayToObject(root, "beam");
	for (i = 0; i < s->nr_beam; i++)
		cJSON_AddItemToArray(beam, cJSON_CreateNumber(s->beam[i]));
	nodes = cJSON_AddArrayToObject(root, "nodes");
	for (i = 0; i < s->nr_nodes; i++)
		cJSON_AddItemToArray(nodes, node_json(&s->nodes[i]));
	text = cJSON_Print(root);
	path = xstrfmt("%s/search.json", s->run_dir.buf);
	write_file_atomic(path, text, strlen(text), 0644);
	free(path);
	free(text);
	cJSON_Delete(root);
}

/* Only one process draws at a time: several searches in a `make -j` would
 * otherwise overwrite each other's line. */
static int hold_progress(struct search *s)
{
	if (!s->cfg->progress)
		return 0;
	if (s->progress_fd >= 0)
		return 1;
	if (!s->cfg->progress_lock)
		return 0;
	s->progress_fd = open(s->cfg->progress_lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->progress_fd >= 0 && flock(s->progress_fd, LOCK_EX | LOCK_NB) < 0) {
		close(s->progress_fd);
		s->progress_fd = -1;
	}
	return s->progress_fd >= 0;
}

static double beam_best(const struct search *s)
{
	double best = 1.0;
	size_t i;

	for (i = 0; i < s->nr_beam; i++)
		if (s->nodes[s->beam[i]].timed && s->nodes[s->beam[i]].timing.speedup > best)
			best = s->nodes[s->beam[i]].timing.speedup;
	return best;
}

void search_progress_line(struct search *s)
{
	if (!s->cfg->progress_lines)
		return;
	fprintf(stderr, "accc: %s: iteration %d/%d done: judged %ld, best %.2fx, tokens %ld, %.0f s\n",
		s->kd->tk.name, s->iterations_run, s->cfg->iterations, s->judged, beam_best(s),
		s->tokens_in + s->tokens_out, now_s() - s->start);
	fflush(stderr);
}

void search_progress(struct search *s, const char *phase)
{
	double best = beam_best(s);

	if (!hold_progress(s))
		return;
	fprintf(stderr, "\r\033[Kaccc: %s  iteration %d/%d  %s  judged %ld/%zu  best %.2fx  tokens %ld",
		s->kd->tk.name, s->iterations_run + 1, s->cfg->iterations, phase, s->judged,
		s->nr_nodes - 1, best, s->tokens_in + s->tokens_out);
	fflush(stderr);
}

void search_progress_end(struct search *s)
{
	if (s->progress_fd < 0)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	close(s->progress_fd);
	s->progress_fd = -1;
}
