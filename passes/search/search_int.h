#ifndef ACCC_SEARCH_INT_H
#define ACCC_SEARCH_INT_H
/* The search's insides, shared by search.c and search_report.c only. */
#include "prompt.h"
#include "search.h"
#include "tuner.h"

/* One node of the search tree: the original (id 0) or a candidate. */
struct node {
	int id, parent, iteration;
	char *plan;             /* NULL for the original */
	char *plan_model, *code_model;
	char *code;             /* the variant text; NULL when none came back */
	char hash[33];          /* of the code's token form, for deduplication */
	int dup_of;             /* -1, or the node judged with the same code */
	const char *status;     /* "original", "llm-error", "no-code", "duplicate",
				   or a verdict name */
	char *reason;           /* one line */
	char *feedback;         /* judge's remarks, or NULL */
	char *diag;             /* the compiler's first lines, the first mismatch or
				   the crash's signal (bounded), or NULL */
	struct target_timing timing;
	int timed;
	long tokens_in, tokens_out;
};

struct search {
	const struct search_config *cfg;
	const struct detect *d;
	size_t ki;
	const struct kdesc *kd;
	const struct target *target;
	struct prompt_set ps;
	struct llm_model *plan_m, *code_m;
	size_t nr_plan_m, nr_code_m;
	struct tuner_kernel tuner;
	struct strbuf isa, arch_text, rules_text, signature;
	struct node *nodes;
	size_t nr_nodes, alloc_nodes;
	int *beam;
	size_t nr_beam;
	uint64_t rng;
	double start;
	long calls, tokens_in, tokens_out, judged;
	long down_skips;        /* requests not sent: endpoint remembered down */
	int iterations_run;
	int stale;              /* iterations in a row without a gain */
	char *stop;
	struct strbuf run_dir;
	int progress_fd;        /* holds the progress lock, or -1 */
};

/* Artifacts: write `text` as <run_dir>/n<id>.<what>. */
void search_artifact(struct search *s, int id, const char *what, const char *text);
/* (Re)write <run_dir>/search.json with the whole tree. */
void search_write_summary(struct search *s);
/* The live line on stderr, and its end. */
void search_progress(struct search *s, const char *phase);
void search_progress_end(struct search *s);
/* One line per finished iteration, when stderr is not a terminal. */
void search_progress_line(struct search *s);

#endif
