#include "search_int.h"
#include "cache_key.h"
#include "fs.h"
#include "log.h"
#include "normalize.h"
#include "run.h"
#include "xalloc.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

void search_config_init(struct search_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strvec_init(&cfg->plan_models);
	strvec_init(&cfg->code_models);
	llm_options_init(&cfg->llm);
	target_options_init(&cfg->judge);
	cfg->iterations = 4;
	cfg->beam = 4;
	cfg->plans = 4;
	cfg->samples = 2;
	cfg->dropout = 0.7;
	cfg->patience = 2;
}

void search_config_release(struct search_config *cfg)
{
	strvec_clear(&cfg->plan_models);
	strvec_clear(&cfg->code_models);
}

void search_result_release(struct search_result *r)
{
	free(r->variant);
	free(r->run_dir);
	free(r->stop_reason);
	strvec_clear(&r->models);
	strvec_clear(&r->plans);
	strvec_clear(&r->shapes);
	memset(r, 0, sizeof(*r));
}

/* splitmix64: small, seedable, good enough for dropout and ordering. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double rng_unit(uint64_t *state)
{
	return (double)(rng_next(state) >> 11) / (double)(1ull << 53);
}

static struct node *new_node(struct search *s, int parent, int iteration)
{
	struct node *n;

	ALLOC_GROW(s->nodes, s->nr_nodes + 1, s->alloc_nodes);
	n = &s->nodes[s->nr_nodes];
	memset(n, 0, sizeof(*n));
	n->id = (int)s->nr_nodes++;
	n->parent = parent;
	n->iteration = iteration;
	n->dup_of = -1;
	return n;
}

static void node_release(struct node *n)
{
	free(n->plan);
	free(n->plan_model);
	free(n->code_model);
	free(n->code);
	free(n->reason);
	free(n->feedback);
	free(n->diag);
}

static void code_hash(const char *code, char ret[33])
{
	struct strbuf norm = STRBUF_INIT;
	struct key_builder kb;

	normalize_c(code, strlen(code), &norm);
	key_init(&kb);
	key_add(&kb, "code", norm.buf, norm.len);
	key_final(&kb, ret);
	strbuf_release(&norm);
}

static int budget_spent(struct search *s)
{
	const struct search_config *c = s->cfg;

	if (s->stop)
		return 1;
	if (c->max_calls && s->calls >= c->max_calls)
		s->stop = xstrfmt("call budget (%ld) spent", c->max_calls);
	else if (c->max_tokens && s->tokens_in + s->tokens_out >= c->max_tokens)
		s->stop = xstrfmt("token budget (%ld) spent", c->max_tokens);
	else if (c->max_wall_s > 0 && now_s() - s->start >= c->max_wall_s)
		s->stop = xstrfmt("time budget (%.0f s) spent", c->max_wall_s);
	return s->stop != NULL;
}

/* ---- prompts ---- */

static void add_indented(struct strbuf *out, const char *text)
{
	while (*text) {
		size_t n = strcspn(text, "\n");
		strbuf_addstr(out, "    ");
		strbuf_add(out, text, n);
		strbuf_addch(out, '\n');
		text += n + (text[n] != 0);
	}
}

/* What was tried from node `b`, and how the judge saw it. */
static void describe_feedback(struct search *s, const struct node *b, struct strbuf *out)
{
	size_t i;
	int any = 0;

	if (b->timed)
		strbuf_addf(out, "ok, %.2fx faster than the original, noise %.0f%% "
			    "(%s per call: %.4g, original %.4g)\n",
			    b->timing.speedup, 100 * b->timing.noise, b->timing.metric,
			    b->timing.cand, b->timing.base);
	if (b->feedback && *b->feedback)
		strbuf_addf(out, "Compiler remarks on the current version:\n%.3000s\n", b->feedback);
	for (i = 0; i < s->nr_nodes; i++) {
		const struct node *c = &s->nodes[i];
		if (c->parent != b->id || !c->plan)
			continue;
		if (!any++)
			strbuf_addstr(out, "Earlier attempts from this version:\n");
		strbuf_addf(out, "- plan: %.200s\n  result: %s", c->plan, c->status);
		if (c->timed)
			strbuf_addf(out, ", %.2fx the original", c->timing.speedup);
		if (c->reason)
			strbuf_addf(out, " (%.300s)", c->reason);
		strbuf_addch(out, '\n');
		if (c->diag)
			add_indented(out, c->diag);
	}
	if (!out->len)
		strbuf_addstr(out, "none yet (this is the original)");
	else
		strbuf_trim(out);
}

/* The chain from the original to b: "0. original -> x1.00", then a line
 * per step with the speedup the judge measured. */
static void describe_history(struct search *s, const struct node *b, struct strbuf *out)
{
	const struct node *chain[256];
	const struct node *n;
	size_t nr = 0, i;

	for (n = b; n && nr < ARRAY_SIZE(chain); n = n->parent >= 0 ? &s->nodes[n->parent] : NULL)
		chain[nr++] = n;
	strbuf_addstr(out, "0. original -> x1.00");
	for (i = nr - 1; i-- > 0;) {
		const struct node *c = chain[i];
		strbuf_addf(out, "\n%zu. %.*s -> x%.2f", nr - 1 - i, (int)strcspn(c->plan, "\n"),
			    c->plan, c->timed ? c->timing.speedup : 0.0);
	}
}

/* The menu after dropout: each item kept with probability 1 - dropout,
 * and never none. */
static void dropout_menu(struct search *s, struct strbuf *out)
{
	size_t i, kept = 0;

	for (i = 0; i < s->ps.menu.nr; i++)
		if (rng_unit(&s->rng) >= s->cfg->dropout) {
			strbuf_addf(out, "%s- %s", kept ? "\n" : "", s->ps.menu.v[i]);
			kept++;
		}
	if (!kept)
		strbuf_addf(out, "- %s", s->ps.menu.v[rng_next(&s->rng) % s->ps.menu.nr]);
}

static void kernel_vars(struct search *s, const struct node *b, struct prompt_var *v,
			struct strbuf *clauses, struct strbuf *assumes, struct strbuf *hints)
{
	const struct kernel *k = detect_kernel(s->d, s->ki);
	char *canon = pragma_canonical(&k->pragma);
	size_t i;

	strbuf_addstr(clauses, canon);
	free(canon);
	for (i = 0; i < k->pragma.nr_assumes; i++)
		strbuf_addf(assumes, "%s- %s", i ? "\n" : "", k->pragma.assumes[i].text);
	if (!k->pragma.nr_assumes)
		strbuf_addstr(assumes, "- none: every size the buffer extents allow must work");
	for (i = 0; i < k->pragma.nr_hints; i++)
		strbuf_addf(hints, "%s- %s", i ? "\n" : "", k->pragma.hints[i]);
	if (!k->pragma.nr_hints)
		strbuf_addstr(hints, "- none");
	v[0] = (struct prompt_var){ "arch", s->arch_text.buf };
	v[1] = (struct prompt_var){ "rules", s->rules_text.buf };
	v[2] = (struct prompt_var){ "kernel_name", k->name };
	v[3] = (struct prompt_var){ "code", b->code };
	v[4] = (struct prompt_var){ "clauses", clauses->buf };
	v[5] = (struct prompt_var){ "assumes", assumes->buf };
	v[6] = (struct prompt_var){ "hints", hints->buf };
}

/* The line budget of the unit's context in a prompt. */
#define CONTEXT_LINES 120

static void plan_prompt(struct search *s, const struct node *b, struct strbuf *out)
{
	struct strbuf clauses = STRBUF_INIT, assumes = STRBUF_INIT, hints = STRBUF_INIT,
		      menu = STRBUF_INIT, fb = STRBUF_INIT, hist = STRBUF_INIT;
	struct prompt_var v[11];
	struct strbuf context = STRBUF_INIT;

	kernel_vars(s, b, v, &clauses, &assumes, &hints);
	kdesc_context(s->d, s->ki, b->code, CONTEXT_LINES, &context);
	v[10] = (struct prompt_var){ "context", context.buf };
	dropout_menu(s, &menu);
	describe_feedback(s, b, &fb);
	describe_history(s, b, &hist);
	v[7] = (struct prompt_var){ "menu", menu.buf };
	v[8] = (struct prompt_var){ "feedback", fb.buf };
	v[9] = (struct prompt_var){ "history", hist.buf };
	prompt_fill(out, s->ps.plan.buf, v, 11);
	strbuf_release(&context);
	strbuf_release(&clauses);
	strbuf_release(&assumes);
	strbuf_release(&hints);
	strbuf_release(&menu);
	strbuf_release(&fb);
	strbuf_release(&hist);
}

static void code_prompt(struct search *s, const struct node *b, const char *plan,
			struct strbuf *out)
{
	struct strbuf clauses = STRBUF_INIT, assumes = STRBUF_INIT, hints = STRBUF_INIT;
	struct prompt_var v[10];
	struct strbuf context = STRBUF_INIT;

	kernel_vars(s, b, v, &clauses, &assumes, &hints);
	kdesc_context(s->d, s->ki, b->code, CONTEXT_LINES, &context);
	v[7] = (struct prompt_var){ "plan", plan };
	v[8] = (struct prompt_var){ "signature", s->signature.buf };
	v[9] = (struct prompt_var){ "context", context.buf };
	prompt_fill(out, s->ps.implement.buf, v, 10);
	strbuf_release(&context);
	strbuf_release(&clauses);
	strbuf_release(&assumes);
	strbuf_release(&hints);
}


/* ---- one iteration ---- */

struct slot {
	int parent;             /* node it grows from */
	const struct llm_model *model;
	char *plan;             /* the plan (code slots: borrowed) */
	char *prompt;
	char *answer;
	long tokens_in, tokens_out;
	char *error;            /* the request failed */
	struct slot *from;      /* code slots: their plan slot */
};

static void slot_release(struct slot *sl)
{
	free(sl->prompt);
	free(sl->answer);
	free(sl->error);
	if (!sl->from)
		free(sl->plan);
}

/* The candidate unit of a node's code, and where the code sits in it. */
static int node_unit(struct search *s, const char *code, struct strbuf *unit,
		     size_t *ret_start)
{
	const struct kernel *k = detect_kernel(s->d, s->ki);
	char *marker = xstrfmt("#line 1 \"accc-variant/%s.c\"\n", k->name);
	const char *at;
	int ret = -1;

	if (kdesc_candidate(s->d, s->ki, code, unit) == 0 && (at = strstr(unit->buf, marker))) {
		*ret_start = (size_t)(at - unit->buf) + strlen(marker);
		ret = 0;
	}
	free(marker);
	return ret;
}

/* Send the LLM slots of `slots` at once; builtin ones are left alone. */
static void send_slots(struct search *s, struct slot **slots, size_t n,
		       double temperature)
{
	struct llm_request *req = xcalloc(n + 1, sizeof(*req));
	struct llm_result *res = xcalloc(n + 1, sizeof(*res));
	struct slot **map = xcalloc(n + 1, sizeof(*map));
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (!slots[i]->prompt)
			continue;
		/* never start more requests than the call budget has left */
		if (s->cfg->max_calls && s->calls + (long)m >= s->cfg->max_calls) {
			slots[i]->error = xstrdup("not sent: the call budget is spent");
			continue;
		}
		req[m].model = slots[i]->model;
		req[m].system = "You are an expert in optimizing C code for performance.";
		req[m].prompt = slots[i]->prompt;
		req[m].temperature = temperature;
		req[m].sample = (int)(i % 64);
		map[m++] = slots[i];
	}
	if (m) {
		/* a slow server cannot hold the step past the wall budget */
		struct llm_options o = s->cfg->llm;
		if (s->cfg->max_wall_s > 0) {
			double left = s->cfg->max_wall_s - (now_s() - s->start);
			if (left < 1)
				left = 1;
			if (o.deadline_s <= 0 || o.deadline_s > left)
				o.deadline_s = left;
		}
		llm_batch(&o, req, res, m);
	}
	for (i = 0; i < m; i++) {
		struct slot *sl = map[i];
		if (res[i].attempts > 0)
			s->calls++;
		s->down_skips += res[i].skipped_down;
		sl->tokens_in = res[i].tokens_in;
		sl->tokens_out = res[i].tokens_out;
		s->tokens_in += res[i].tokens_in;
		s->tokens_out += res[i].tokens_out;
		if (res[i].err == LLM_OK) {
			sl->answer = res[i].text;
			res[i].text = NULL;
		} else {
			sl->error = xstrfmt("%s: %s", llm_error_name(res[i].err),
					    res[i].error ? res[i].error : "");
		}
		llm_result_release(&res[i]);
	}
	free(req);
	free(res);
	free(map);
}

/* The tuner's slot_index-th plan for parent p (it lists them best first). */
static char *tuner_plan(struct search *s, const struct node *p, int slot_index)
{
	struct strbuf unit = STRBUF_INIT;
	struct strvec plans = STRVEC_INIT;
	size_t start;
	char *ret = NULL;

	if (node_unit(s, p->code, &unit, &start) == 0 &&
	    tuner_plans(&s->tuner, unit.buf, start, strlen(p->code), &plans) > 0 &&
	    (size_t)slot_index < plans.nr)
		ret = xstrdup(plans.v[slot_index]); /* the tuner lists its best first */
	strbuf_release(&unit);
	strvec_clear(&plans);
	return ret;
}

static char *tuner_code(struct search *s, const struct node *p, const char *plan)
{
	struct strbuf unit = STRBUF_INIT, out = STRBUF_INIT;
	size_t start;
	char *ret = NULL;

	if (node_unit(s, p->code, &unit, &start) == 0 &&
	    tuner_implement(&s->tuner, unit.buf, start, strlen(p->code), plan, &out) == 0)
		ret = strbuf_detach(&out, NULL);
	strbuf_release(&unit);
	strbuf_release(&out);
	return ret;
}

static size_t make_plans(struct search *s, int it, struct slot **ret)
{
	size_t n = s->nr_beam * (size_t)s->cfg->plans, i = 0, b;
	struct slot *slots = xcalloc(n + 1, sizeof(*slots));
	struct slot **ptrs = xcalloc(n + 1, sizeof(*ptrs));
	int p;

	for (b = 0; b < s->nr_beam; b++)
		for (p = 0; p < s->cfg->plans; p++, i++) {
			struct slot *sl = &slots[i];
			const struct node *parent = &s->nodes[s->beam[b]];
			struct strbuf prompt = STRBUF_INIT;
			sl->parent = parent->id;
			sl->model = &s->plan_m[(b * (size_t)s->cfg->plans + (size_t)p + (size_t)it) % s->nr_plan_m];
			ptrs[i] = sl;
			if (llm_model_is_builtin(sl->model)) {
				sl->plan = tuner_plan(s, parent, p);
				continue;
			}
			plan_prompt(s, parent, &prompt);
			sl->prompt = strbuf_detach(&prompt, NULL);
		}
	search_progress(s, "planning");
	send_slots(s, ptrs, n, 0.8);
	for (i = 0; i < n; i++)
		if (slots[i].answer) {
			struct strbuf plan = STRBUF_INIT;
			strbuf_add(&plan, slots[i].answer, strnlen(slots[i].answer, 2000));
			strbuf_trim(&plan);
			if (plan.len)
				slots[i].plan = strbuf_detach(&plan, NULL);
			else
				slots[i].error = xstrdup("empty plan");
			strbuf_release(&plan);
		}
	free(ptrs);
	*ret = slots;
	return n;
}

static size_t make_code(struct search *s, int it, struct slot *plans, size_t nr_plans,
			struct slot **ret)
{
	size_t n = nr_plans * (size_t)s->cfg->samples, i, m = 0;
	struct slot *slots = xcalloc(n + 1, sizeof(*slots));
	struct slot **ptrs = xcalloc(n + 1, sizeof(*ptrs));
	int k;

	for (i = 0; i < nr_plans; i++) {
		if (!plans[i].plan)
			continue;
		for (k = 0; k < s->cfg->samples; k++) {
			struct slot *sl = &slots[m];
			const struct node *parent = &s->nodes[plans[i].parent];
			sl->parent = plans[i].parent;
			sl->from = &plans[i];
			sl->plan = plans[i].plan;
			sl->model = &s->code_m[(i * (size_t)s->cfg->samples + (size_t)k + (size_t)it) % s->nr_code_m];
			if (llm_model_is_builtin(sl->model)) {
				if (k > 0)
					continue; /* deterministic: one sample says it all */
				sl->answer = tuner_code(s, parent, sl->plan);
				if (!sl->answer)
					sl->error = xstrdup("the tuner cannot apply this plan here");
			} else {
				struct strbuf prompt = STRBUF_INIT;
				code_prompt(s, parent, sl->plan, &prompt);
				sl->prompt = strbuf_detach(&prompt, NULL);
			}
			ptrs[m++] = sl;
		}
	}
	search_progress(s, "coding");
	send_slots(s, ptrs, m, 0.4);
	free(ptrs);
	*ret = slots;
	return m;
}

/* A plan request that failed still leaves a node: its prompt and why.
 * So does a plan that was answered when the search stopped before its code
 * step (`coded` is 0): status "stopped", so that what was paid for shows. */
static void add_failed_plans(struct search *s, int it, struct slot *plans, size_t n,
			     int coded)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct node *nd;
		if ((plans[i].plan && coded) || (!plans[i].plan && !plans[i].prompt))
			continue;
		nd = new_node(s, plans[i].parent, it);
		nd->plan = xstrdup(plans[i].plan ? plans[i].plan : "(no plan)");
		nd->plan_model = xstrdup(plans[i].model->spec);
		nd->status = plans[i].plan ? "stopped" : "llm-error";
		nd->reason = xstrdup(plans[i].plan ? s->stop : plans[i].error ? plans[i].error
										: "no plan");
		search_artifact(s, nd->id, "plan-prompt.txt", plans[i].prompt);
		search_artifact(s, nd->id, "plan.txt", plans[i].plan);
	}
}

/*
 * A step whose requests all failed (server down, every answer refused) ends
 * the search: the next step would only fail again, each request after its
 * full series of retries.
 */
static void check_step(struct search *s, struct slot *slots, size_t n, const char *what)
{
	const char *first = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (slots[i].answer || (slots[i].plan && !slots[i].from))
			return; /* something came back (or the tuner planned) */
		if (slots[i].prompt && slots[i].error && !first)
			first = slots[i].error; /* a request that was sent, or due */
	}
	/* requests cut by the search's own time budget: that budget is why */
	if (first && !budget_spent(s))
		s->stop = xstrfmt("every %s request failed (%s)", what, first);
}

/* Turn code slots into nodes; identical code is judged once. */
static void add_nodes(struct search *s, int it, struct slot *code, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		struct slot *sl = &code[i];
		struct node *nd = new_node(s, sl->parent, it);
		struct strbuf c = STRBUF_INIT;

		nd->plan = xstrdup(sl->plan);
		nd->plan_model = xstrdup(sl->from->model->spec);
		nd->code_model = xstrdup(sl->model->spec);
		nd->tokens_in = sl->tokens_in + sl->from->tokens_in;
		nd->tokens_out = sl->tokens_out + sl->from->tokens_out;
		search_artifact(s, nd->id, "plan-prompt.txt", sl->from->prompt);
		search_artifact(s, nd->id, "plan.txt", sl->plan);
		search_artifact(s, nd->id, "code-prompt.txt", sl->prompt);
		search_artifact(s, nd->id, "response.txt", sl->answer);
		if (sl->error) {
			nd->status = "llm-error";
			nd->reason = xstrdup(sl->error);
			continue;
		}
		if (llm_model_is_builtin(sl->model)) {
			strbuf_addstr(&c, sl->answer);
		} else {
			struct strbuf notes = STRBUF_INIT, why = STRBUF_INIT;
			int r = kdesc_variant(s->d, s->ki, s->nodes[sl->parent].code, sl->answer,
					      &c, &notes, &why);
			search_artifact(s, nd->id, "normalize.txt", notes.len ? notes.buf : NULL);
			strbuf_release(&notes);
			if (r < 0) {
				nd->status = "no-code";
				nd->reason = strbuf_detach(&why, NULL);
				strbuf_release(&c);
				continue;
			}
			strbuf_release(&why);
		}
		nd->code = strbuf_detach(&c, NULL);
		search_artifact(s, nd->id, "c", nd->code);
		code_hash(nd->code, nd->hash);
		for (j = 0; j + 1 < s->nr_nodes; j++)
			if (s->nodes[j].code && !strcmp(s->nodes[j].hash, nd->hash)) {
				nd->dup_of = (int)j;
				nd->status = "duplicate";
				nd->reason = xstrfmt("same code as node %zu", j);
				break;
			}
	}
}

/*
 * What the model needs to learn from a failure, bounded (DIAG_LINES lines,
 * DIAG_BYTES bytes, the cut said): the compiler's first lines, whose paths
 * name the variant as the model wrote it (accc-variant/<kernel>.c, from the
 * #line of the candidate unit); a crash's signal.
 */
#define DIAG_LINES 20
#define DIAG_BYTES 2048

static char *diagnostics(const struct target_result *r)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int lines = 0;

	if (r->verdict == TV_COMPILE_ERROR && r->detail) {
		for (p = r->detail; *p; ) {
			size_t n = strcspn(p, "\n");
			if (lines == DIAG_LINES || sb.len + n + 1 > DIAG_BYTES) {
				strbuf_addstr(&sb, "[... the rest of the compiler's message cut]\n");
				break;
			}
			/* a scratch directory is noise: keep the file's own name */
			if (*p == '/') {
				const char *colon = memchr(p, ':', n), *q = colon;
				while (q && q > p && q[-1] != '/')
					q--;
				if (q) {
					n -= (size_t)(q - p);
					p = q;
				}
			}
			strbuf_add(&sb, p, n);
			strbuf_addch(&sb, '\n');
			lines++;
			p += n + (p[n] != 0);
		}
	}
	/* a mismatch is the reason itself: the first one, with its values */
	if (r->verdict == TV_CRASH && r->signal)
		strbuf_addf(&sb, "killed by signal %d (%s)", r->signal, strsignal(r->signal));
	strbuf_trim(&sb);
	return sb.len ? strbuf_detach(&sb, NULL) : (strbuf_release(&sb), NULL);
}

static void take_result(struct search *s, struct node *nd, struct target_result *r)
{
	nd->status = target_verdict_name(r->verdict);
	free(nd->reason);
	nd->reason = r->reason ? xstrdup(r->reason) : NULL;
	free(nd->diag);
	nd->diag = diagnostics(r);
	free(nd->feedback);
	nd->feedback = r->feedback ? xstrdup(r->feedback) : NULL;
	nd->timed = r->verdict == TV_OK && r->timed;
	if (nd->timed)
		nd->timing = r->timing;
	if (nd->id && r->reason) {
		char *v = xstrfmt("%s\n%s%s", r->reason, nd->diag ? nd->diag : "",
				  nd->diag ? "\n" : "");
		search_artifact(s, nd->id, "verdict.txt", v);
		free(v);
	}
}

/*
 * Judge this iteration's new code together with the beam members it grew
 * from, so that parent and child are measured in one session.
 * Returns 0, or -1 when the original itself fails.
 */
static int judge_nodes(struct search *s, int it)
{
	size_t n = 0, i;
	int *ids = xcalloc(s->nr_nodes + s->nr_beam + 1, sizeof(*ids));
	struct strbuf *units;
	const char **cands;
	struct target_result *res;
	int ret = 0;

	for (i = 0; i < s->nr_beam; i++)
		if (s->beam[i] != 0)
			ids[n++] = s->beam[i];
	for (i = 0; i < s->nr_nodes; i++)
		if (s->nodes[i].iteration == it && s->nodes[i].code && s->nodes[i].dup_of < 0)
			ids[n++] = (int)i;
	units = xcalloc(n + 1, sizeof(*units));
	cands = xcalloc(n + 1, sizeof(*cands));
	res = xcalloc(n + 1, sizeof(*res));
	for (i = 0; i < n; i++) {
		size_t start;
		strbuf_init(&units[i], 0);
		node_unit(s, s->nodes[ids[i]].code, &units[i], &start);
		cands[i] = units[i].buf;
	}
	search_progress(s, "judging");
	if (n && s->target->evaluate(&s->kd->tk, cands, n, &s->cfg->judge, res) < 0) {
		ret = error("the original kernel '%s' fails the judge: %s", s->kd->tk.name,
			    res[0].reason ? res[0].reason : "unknown");
	}
	for (i = 0; i < n; i++) {
		if (!ret) {
			take_result(s, &s->nodes[ids[i]], &res[i]);
			s->judged++;
		}
		target_result_release(&res[i]);
		strbuf_release(&units[i]);
	}
	free(ids);
	free(units);
	free(cands);
	free(res);
	return ret;
}

static double speedup_of(const struct node *n)
{
	return n->id == 0 ? 1.0 : n->timed ? n->timing.speedup : 0.0;
}

/* May child c enter the beam, against its parent p? */
static int accepted(struct search *s, const struct node *c, int it)
{
	const struct node *p = &s->nodes[c->parent];

	if (!c->timed)
		return 0;
	if (s->cfg->accept == SEARCH_ACCEPT_AUTOCOMP && it < 2)
		return c->timing.speedup >= 0.9 * speedup_of(p);
	if (p->id == 0)
		return c->timing.faster;
	return p->timed && target_beats(&c->timing, &p->timing);
}

static int by_speedup(const void *a, const void *b, void *data)
{
	const struct search *s = data;
	double x = speedup_of(&s->nodes[*(const int *)a]), y = speedup_of(&s->nodes[*(const int *)b]);
	return x > y ? -1 : x < y;
}

static void select_beam(struct search *s, int it)
{
	int *pool = xcalloc(s->nr_beam + s->nr_nodes + 1, sizeof(*pool));
	size_t n = 0, i, keep;

	for (i = 0; i < s->nr_beam; i++)
		if (s->beam[i] == 0 || s->nodes[s->beam[i]].timed)
			pool[n++] = s->beam[i];
	for (i = 0; i < s->nr_nodes; i++)
		if (s->nodes[i].iteration == it && s->nodes[i].dup_of < 0 &&
		    accepted(s, &s->nodes[i], it))
			pool[n++] = (int)i;
	qsort_r(pool, n, sizeof(*pool), by_speedup, s);
	keep = n < (size_t)s->cfg->beam ? n : (size_t)s->cfg->beam;
	if (!keep) { /* everything failed: grow from the original again */
		pool[0] = 0;
		keep = 1;
	}
	memcpy(s->beam, pool, keep * sizeof(*pool));
	s->nr_beam = keep;
	free(pool);
}

/*
 * Did iteration `it` gain?  Its new candidates were timed in one session
 * with the beam they grew from, so each is compared with the best of that
 * beam as measured then: a gain is one beyond the noise floor of both (for
 * the original, the judge's own "faster").
 */
static int iteration_gained(struct search *s, int it)
{
	const struct node *best = NULL;
	size_t i;

	for (i = 0; i < s->nr_beam; i++) {
		const struct node *b = &s->nodes[s->beam[i]];
		if (b->id != 0 && !b->timed)
			continue;
		if (!best || speedup_of(b) > speedup_of(best))
			best = b;
	}
	for (i = 0; i < s->nr_nodes; i++) {
		const struct node *c = &s->nodes[i];
		if (c->iteration != it || c->dup_of >= 0 || !c->timed)
			continue;
		if ((!best || best->id == 0) ? c->timing.faster
					     : target_beats(&c->timing, &best->timing))
			return 1;
	}
	return 0;
}

/* Autocomp's early stop: `patience` iterations in a row without a gain end
 * the search (never inside autocomp's slack window, which explores). */
static void check_progress(struct search *s, int it)
{
	const struct search_config *c = s->cfg;

	s->stale = iteration_gained(s, it) ? 0 : s->stale + 1;
	if (c->accept == SEARCH_ACCEPT_AUTOCOMP && it < 2)
		return;
	if (!s->stop && c->patience > 0 && s->stale >= c->patience && it + 1 < c->iterations)
		s->stop = xstrfmt("no gain beyond the noise floor in %d iteration%s",
				  s->stale, s->stale == 1 ? "" : "s");
}

static int iterate(struct search *s, int it)
{
	struct slot *plans = NULL, *code = NULL;
	size_t nr_plans, nr_code = 0, i;
	int ret, coded;

	nr_plans = make_plans(s, it, &plans);
	check_step(s, plans, nr_plans, "plan");
	/* budgets are checked between steps, not only between iterations */
	coded = !budget_spent(s);
	if (coded) {
		nr_code = make_code(s, it, plans, nr_plans, &code);
		check_step(s, code, nr_code, "code");
	}
	add_failed_plans(s, it, plans, nr_plans, coded);
	add_nodes(s, it, code, nr_code);
	ret = judge_nodes(s, it);
	if (!ret) {
		check_progress(s, it);
		select_beam(s, it);
	}
	for (i = 0; i < nr_code; i++)
		slot_release(&code[i]);
	for (i = 0; i < nr_plans; i++)
		slot_release(&plans[i]);
	free(code);
	free(plans);
	s->iterations_run = it + 1;
	search_write_summary(s);
	search_progress_line(s);
	return ret;
}

/* ---- setup and the whole search ---- */

static int parse_models(const struct strvec *specs, struct llm_model **ret, size_t *ret_nr)
{
	size_t i;

	*ret = xcalloc(specs->nr + 1, sizeof(**ret));
	*ret_nr = 0;
	for (i = 0; i < specs->nr; i++)
		if (llm_model_parse(&(*ret)[*ret_nr], specs->v[i]) == 0)
			(*ret_nr)++;
	return *ret_nr ? 0 : error("no usable model among %zu given", specs->nr);
}

static void allow_words(unsigned allow, struct strbuf *out)
{
	static const char *const words[] = { "fast_math", "optimize", "syscall",
					     "nondeterministic", "asm" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (allow & (1u << i))
			strbuf_addf(out, "%s%s", out->len ? ", " : "", words[i]);
	if (!out->len)
		strbuf_addstr(out, "none");
}

static void isa_of(const char *fingerprint, struct strbuf *out)
{
	const char *p = strstr(fingerprint, "\nisa ");

	if (p)
		strbuf_add(out, p + 5, strcspn(p + 5, "\n"));
}

/* A template naming a placeholder it does not get is an error: a model
 * must never see "{{name}}". */
static int check_templates(struct search *s)
{
	static const char *const arch[] = { "fingerprint", "compiler", "flags", NULL };
	static const char *const rules[] = { "kernel_name", "signature", "allow", NULL };
	static const char *const plan[] = { "arch", "menu", "rules", "kernel_name", "code",
		"clauses", "assumes", "hints", "feedback", "history", "context", NULL };
	static const char *const impl[] = { "arch", "rules", "kernel_name", "signature",
		"code", "plan", "clauses", "assumes", "hints", "context", NULL };
	const struct { const char *file; const struct strbuf *t; const char *const *names; } all[] = {
		{ "arch.md", &s->ps.arch, arch }, { "rules.md", &s->ps.rules, rules },
		{ "plan.md", &s->ps.plan, plan }, { "implement.md", &s->ps.implement, impl },
	};
	struct strbuf bad = STRBUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(all) && !ret; i++)
		if (prompt_unknown(all[i].t->buf, all[i].names, &bad))
			ret = error("prompt template '%s' names unknown placeholder '{{%s}}'",
				    all[i].file, bad.buf);
	strbuf_release(&bad);
	return ret;
}

/*
 * Sizes from the configuration are checked before anything is allocated
 * from them: a negative or absurd value (a typo in ACCC_PLANS) must fail
 * this search, which the caller turns into "use the original kernel",
 * never a crash or an out-of-memory death in the middle of a build.
 */
static int check_sizes(const struct search_config *c)
{
	const struct { const char *name; int value, min; } sz[] = {
		{ "iterations", c->iterations, 0 }, { "beam", c->beam, 1 },
		{ "plans", c->plans, 1 }, { "samples", c->samples, 1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sz); i++)
		if (sz[i].value < sz[i].min || sz[i].value > 1024)
			return error("search %s must be between %d and 1024, not %d",
				     sz[i].name, sz[i].min, sz[i].value);
	if ((long)c->beam * c->plans * c->samples > 65536)
		return error("search beam x plans x samples is %ld, more than 65536 requests a step",
			     (long)c->beam * c->plans * c->samples);
	if (!(c->dropout >= 0 && c->dropout <= 1))
		return error("search dropout must be between 0 and 1, not %g", c->dropout);
	return 0;
}

static int setup(struct search *s, const char *key)
{
	const struct search_config *c = s->cfg;
	const struct kernel *k = detect_kernel(s->d, s->ki);
	struct strbuf fp = STRBUF_INIT, flags = STRBUF_INIT, allow = STRBUF_INIT;
	struct prompt_var v[3];
	const char *const *f;
	struct node *root;
	int ret = -1;

	s->progress_fd = -1;
	if (check_sizes(c) < 0)
		return -1;
	s->target = target_find(k->pragma.target);
	s->rng = c->seed;
	if (!s->rng && getrandom(&s->rng, sizeof(s->rng), 0) != sizeof(s->rng))
		s->rng = (uint64_t)now_s() ^ (uint64_t)getpid();
	if (!s->target || prompt_load(&s->ps, c->prompts_dir, s->target->prompts_dir) < 0 ||
	    check_templates(s) < 0)
		goto out;
	if (parse_models(&c->plan_models, &s->plan_m, &s->nr_plan_m) < 0 ||
	    parse_models(&c->code_models, &s->code_m, &s->nr_code_m) < 0)
		goto out;
	s->target->fingerprint(&fp);
	isa_of(fp.buf, &s->isa);
	for (f = s->kd->tk.cflags; *f; f++)
		strbuf_addf(&flags, "%s%s", flags.len ? " " : "", *f);
	if (!flags.len)
		strbuf_addstr(&flags, "(none)");
	v[0] = (struct prompt_var){ "fingerprint", fp.buf };
	v[1] = (struct prompt_var){ "compiler", c->compiler_id && *c->compiler_id
				    ? c->compiler_id : s->kd->tk.cc };
	v[2] = (struct prompt_var){ "flags", flags.buf };
	prompt_fill(&s->arch_text, s->ps.arch.buf, v, 3);
	strbuf_add(&s->signature, detect_text(s->d)->buf + k->def.start,
		   k->body.start > k->def.start ? k->body.start - k->def.start : 0);
	strbuf_trim(&s->signature);
	allow_words(k->pragma.allow, &allow);
	v[0] = (struct prompt_var){ "kernel_name", k->name };
	v[1] = (struct prompt_var){ "signature", s->signature.buf };
	v[2] = (struct prompt_var){ "allow", allow.buf };
	prompt_fill(&s->rules_text, s->ps.rules.buf, v, 3);
	s->tuner.name = k->name;
	s->tuner.params = k->params;
	s->tuner.nr_params = k->nr_params;
	s->tuner.pragma = &k->pragma;
	s->tuner.isa = s->isa.buf;
	s->tuner.compiler = c->compiler_id ? c->compiler_id : "";
	s->tuner.flags = c->parse_flags;
	s->tuner.path = detect_path(s->d);
	strbuf_addf(&s->run_dir, "%s/%s-%s", c->runs_dir, k->name, key);
	if (rm_rf(s->run_dir.buf) < 0 || mkdir_p(s->run_dir.buf, 0755) < 0)
		goto out;
	root = new_node(s, -1, -1);
	root->status = "original";
	root->code = xstrndup(detect_text(s->d)->buf + k->def.start, k->def.end - k->def.start);
	code_hash(root->code, root->hash);
	search_artifact(s, 0, "c", root->code);
	s->beam = xcalloc((size_t)c->beam + 1, sizeof(*s->beam));
	s->nr_beam = 1;
	ret = 0;
out:
	strbuf_release(&fp);
	strbuf_release(&flags);
	strbuf_release(&allow);
	return ret;
}

/* The path from the original to node n, as models and plans. */
static void fill_result(struct search *s, struct search_result *r)
{
	const struct node *best = &s->nodes[s->beam[0]], *n;
	struct strvec plans = STRVEC_INIT;
	size_t i;

	r->found = best->id != 0 && best->timed && best->timing.faster;
	r->metric = best->timed ? best->timing.metric : "time";
	if (r->found) {
		r->variant = xstrdup(best->code);
		r->baseline_s = best->timing.base;
		r->best_s = best->timing.cand;
		r->speedup = best->timing.speedup;
		for (n = best; n->plan; n = &s->nodes[n->parent]) {
			strvec_push(&plans, n->plan);
			if (strvec_find(&r->models, n->code_model) < 0)
				strvec_push(&r->models, n->code_model);
			if (strvec_find(&r->models, n->plan_model) < 0)
				strvec_push(&r->models, n->plan_model);
		}
		for (i = plans.nr; i > 0; i--)
			strvec_push(&r->plans, plans.v[i - 1]);
	}
	for (i = 0; i < s->kd->tk.nr_shapes; i++) {
		struct strbuf sh = STRBUF_INIT;
		size_t j;
		for (j = 0; j < s->kd->tk.shapes[i].nr; j++)
			strbuf_addf(&sh, "%s%s=%s", j ? "," : "", s->kd->tk.shapes[i].binds[j].name,
				    s->kd->tk.shapes[i].binds[j].value);
		strvec_push_nodup(&r->shapes, strbuf_detach(&sh, NULL));
	}
	r->roof_missing = "the original was not timed";
	for (i = 0; i < s->nr_nodes; i++) {
		const struct target_timing *t = &s->nodes[i].timing;
		if (!s->nodes[i].timed || (r->found && &s->nodes[i] != best))
			continue;
		r->roof_missing = t->roof_level ? NULL : t->roof_missing;
		r->base_roofline = t->base_roofline;
		r->roofline = r->found ? t->roofline : t->base_roofline;
		if (r->found || t->roof_level)
			break;
	}
	r->wall_s = now_s() - s->start;
	r->calls = s->calls;
	r->tokens_in = s->tokens_in;
	r->tokens_out = s->tokens_out;
	r->judged = s->judged;
	r->iterations_run = s->iterations_run;
	r->llm_down_skips = s->down_skips;
	r->run_dir = xstrdup(s->run_dir.buf);
	r->stop_reason = s->stop ? xstrdup(s->stop) : NULL;
	strvec_clear(&plans);
}

static void teardown(struct search *s)
{
	size_t i;

	search_progress_end(s);
	for (i = 0; i < s->nr_nodes; i++)
		node_release(&s->nodes[i]);
	for (i = 0; i < s->nr_plan_m; i++)
		llm_model_release(&s->plan_m[i]);
	for (i = 0; i < s->nr_code_m; i++)
		llm_model_release(&s->code_m[i]);
	free(s->plan_m);
	free(s->code_m);
	free(s->nodes);
	free(s->beam);
	free(s->stop);
	prompt_release(&s->ps);
	strbuf_release(&s->isa);
	strbuf_release(&s->arch_text);
	strbuf_release(&s->rules_text);
	strbuf_release(&s->signature);
	strbuf_release(&s->run_dir);
}

int search_kernel(const struct search_config *cfg, const struct detect *d,
		  size_t ki, const struct kdesc *kd, const char *key,
		  struct search_result *ret)
{
	struct search s;
	int it, r = -1;

	memset(&s, 0, sizeof(s));
	memset(ret, 0, sizeof(*ret));
	strvec_init(&ret->models);
	strvec_init(&ret->plans);
	strvec_init(&ret->shapes);
	s.cfg = cfg;
	s.d = d;
	s.ki = ki;
	s.kd = kd;
	s.start = now_s();
	strbuf_init(&s.isa, 0);
	strbuf_init(&s.arch_text, 0);
	strbuf_init(&s.rules_text, 0);
	strbuf_init(&s.signature, 0);
	strbuf_init(&s.run_dir, 0);
	if (setup(&s, key) < 0)
		goto out;
	for (it = 0; it < cfg->iterations && !budget_spent(&s); it++)
		if (iterate(&s, it) < 0)
			goto out;
	/* a budget spent after the last step shows only now: record why */
	if (s.stop)
		search_write_summary(&s);
	fill_result(&s, ret);
	log_msg("search '%s': %s after %d iterations, %ld judged, %ld calls, %ld+%ld tokens%s%s",
		kd->tk.name, ret->found ? "winner" : "no winner", s.iterations_run, s.judged,
		s.calls, s.tokens_in, s.tokens_out, s.stop ? "; " : "", s.stop ? s.stop : "");
	r = 0;
out:
	teardown(&s);
	return r;
}
