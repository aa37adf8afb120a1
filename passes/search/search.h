#ifndef ACCC_SEARCH_H
#define ACCC_SEARCH_H
/*
 * The search: Autocomp's plan-then-implement beam search.
 *
 * Each iteration, every beam member gets `plans` plans from the plan
 * models (each prompt shows the target's optimization menu with each item
 * dropped with probability `dropout`), each plan gets `samples`
 * implementations from the code models, identical code is judged once,
 * and every new candidate is judged by the target together with the beam
 * members it came from (so that parent and child are measured in one
 * session).  A child may enter the next beam only if it is correct and
 * beats its parent beyond the judge's noise floor (`accept = strict`), or,
 * with `accept = autocomp`, if it is at most 10% slower than its parent in
 * the first two iterations (the paper's rule); the beam keeps the best
 * `beam` of the old members and the accepted children.  The winner is the
 * fastest node that beats the original beyond the noise.
 *
 * Models are `provider::model` specs (llm.h); `builtin::tuner` plans and
 * implements mechanical rewrites (tuner.h) without any network.  Requests of
 * one step are all in flight at once; responses are kept in the response
 * store so that a repeated search pays nothing.  Budgets on calls, tokens and
 * wall time stop the search at the next step; `patience` iterations in a
 * row in which no new candidate beats the best one before it beyond the
 * noise floor stop it after the iteration (Autocomp's early stop).
 */
#include "detect.h"
#include "kdesc.h"
#include "llm.h"
#include "strbuf.h"
#include "strvec.h"
#include "target.h"

#include <stdint.h>

enum search_accept { SEARCH_ACCEPT_STRICT = 0, SEARCH_ACCEPT_AUTOCOMP };

struct search_config {
	struct strvec plan_models;     /* specs; at least one */
	struct strvec code_models;     /* specs; at least one */
	struct llm_options llm;
	int iterations, beam, plans, samples;
	double dropout;                /* probability of dropping a menu item */
	uint64_t seed;                 /* 0: a fresh random seed */
	long max_calls;                /* LLM requests sent; 0: no limit */
	long max_tokens;               /* tokens in + out; 0: no limit */
	double max_wall_s;             /* 0: no limit */
	int patience;                  /* stop after this many iterations in a
					  row without a gain beyond the noise
					  floor; 0: never stop early */
	enum search_accept accept;
	const char *prompts_dir;       /* holds <target>/plan.md ... */
	const char *runs_dir;          /* artifacts: <runs_dir>/<kernel>-<key>/ */
	const char *progress_lock;     /* only its holder draws progress; NULL: none */
	int progress;                  /* draw a live line on stderr (a terminal) */
	int progress_lines;            /* else one line per iteration on stderr */
	struct target_options judge;
	const char *compiler_id;       /* compiler identity, for prompts */
	const struct strvec *parse_flags; /* libclang flags, for the tuner */
};

void search_config_init(struct search_config *cfg);
void search_config_release(struct search_config *cfg);

struct search_result {
	int found;                     /* a winner beats the original */
	char *variant;                 /* its replacement text */
	double baseline_s, best_s, speedup;
	const char *metric;            /* "time" or "instructions" */
	struct strvec models;          /* models on the winner's path */
	struct strvec plans;           /* the plan trail, root first */
	struct strvec shapes;          /* benchmark shapes judged */
	long calls, tokens_in, tokens_out, judged, iterations_run;
	long llm_down_skips;           /* requests not sent: endpoint down */
	char *run_dir;                 /* the artifacts folder */
	char *stop_reason;             /* why it stopped early, or NULL */
	/* % of roofline of the winner (the original when none) and of the
	 * original, or why there is no figure (static text) */
	double roofline, base_roofline;
	const char *roof_missing;
	double wall_s;                 /* the search's time */
};

void search_result_release(struct search_result *r);

/*
 * Search kernel ki of d (described by kd) under `key` (names the run
 * folder).  Returns 0 with *ret filled (ret->found says whether there is a
 * winner), or -1 when the search could not run at all (logged): no
 * prompts, no usable model, the original itself fails the judge.
 */
int search_kernel(const struct search_config *cfg, const struct detect *d,
		  size_t ki, const struct kdesc *kd, const char *key,
		  struct search_result *ret);

#endif
