#ifndef ACCC_PROMPT_H
#define ACCC_PROMPT_H
/*
 * Prompts are data: `<prompts_dir>/<target>/` holds arch.md, menu.txt,
 * rules.md, plan.md and implement.md (prompts/README.md documents them).
 * Templates use {{name}} placeholders; an unknown placeholder is left as
 * written so a typo shows in the artifacts instead of vanishing.
 */
#include "strbuf.h"
#include "strvec.h"

struct prompt_set {
	struct strbuf arch, rules, plan, implement;
	struct strvec menu;          /* one optimization per line */
};

/* Load the set of `target` from `dir`.  Returns 0, or -1 (logged). */
int prompt_load(struct prompt_set *ps, const char *dir, const char *target);
void prompt_release(struct prompt_set *ps);

struct prompt_var {
	const char *name;
	const char *value;
};

/* Append `tmpl` to out with {{name}} replaced from vars[0..n). */
void prompt_fill(struct strbuf *out, const char *tmpl, const struct prompt_var *vars,
		 size_t n);

/*
 * Does `tmpl` name a placeholder not in `names` (NULL-terminated)?  Returns
 * 1 with the first such name in ret_name, else 0.
 */
int prompt_unknown(const char *tmpl, const char *const *names, struct strbuf *ret_name);

/*
 * The code a model answered with: the first ```c fenced block (or the first
 * fenced block when none is marked c).  Returns 0 and appends it to out, or
 * -1 when there is no non-empty block.
 */
int prompt_extract_code(const char *answer, struct strbuf *out);

#endif
