#include "prompt.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int load_one(struct strbuf *sb, const char *dir, const char *target,
		    const char *name)
{
	char *path = xstrfmt("%s/%s/%s", dir, target, name);
	int ret = 0;

	if (strbuf_read_file(sb, path, 1 << 20) < 0)
		ret = error("cannot read prompt file '%s': %s", path, strerror(errno));
	free(path);
	return ret;
}

int prompt_load(struct prompt_set *ps, const char *dir, const char *target)
{
	struct strbuf menu = STRBUF_INIT;
	char *line, *next;
	int ret = 0;

	strbuf_init(&ps->arch, 0);
	strbuf_init(&ps->rules, 0);
	strbuf_init(&ps->plan, 0);
	strbuf_init(&ps->implement, 0);
	strvec_init(&ps->menu);
	if (load_one(&ps->arch, dir, target, "arch.md") < 0 ||
	    load_one(&ps->rules, dir, target, "rules.md") < 0 ||
	    load_one(&ps->plan, dir, target, "plan.md") < 0 ||
	    load_one(&ps->implement, dir, target, "implement.md") < 0 ||
	    load_one(&menu, dir, target, "menu.txt") < 0)
		ret = -1;
	for (line = menu.buf; ret == 0 && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line && *line != '#')
			strvec_push(&ps->menu, line);
	}
	if (!ret && !ps->menu.nr)
		ret = error("the optimization menu of target '%s' is empty", target);
	strbuf_release(&menu);
	if (ret)
		prompt_release(ps);
	return ret;
}

void prompt_release(struct prompt_set *ps)
{
	strbuf_release(&ps->arch);
	strbuf_release(&ps->rules);
	strbuf_release(&ps->plan);
	strbuf_release(&ps->implement);
	strvec_clear(&ps->menu);
}

void prompt_fill(struct strbuf *out, const char *tmpl, const struct prompt_var *vars,
		 size_t n)
{
	const char *p = tmpl;

	while (*p) {
		const char *open = strstr(p, "{{"), *close;
		size_t i;

		if (!open || !(close = strstr(open + 2, "}}"))) {
			strbuf_addstr(out, p);
			return;
		}
		strbuf_add(out, p, (size_t)(open - p));
		for (i = 0; i < n; i++)
			if (strlen(vars[i].name) == (size_t)(close - open - 2) &&
			    !strncmp(open + 2, vars[i].name, (size_t)(close - open - 2)))
				break;
		if (i < n)
			strbuf_addstr(out, vars[i].value ? vars[i].value : "");
		else
			strbuf_add(out, open, (size_t)(close + 2 - open));
		p = close + 2;
	}
}

int prompt_unknown(const char *tmpl, const char *const *names, struct strbuf *ret_name)
{
	const char *open, *close;

	for (open = strstr(tmpl, "{{"); open && (close = strstr(open + 2, "}}"));
	     open = strstr(close + 2, "{{")) {
		const char *const *n;
		size_t len = (size_t)(close - open - 2);
		for (n = names; *n; n++)
			if (strlen(*n) == len && !strncmp(open + 2, *n, len))
				break;
		if (!*n) {
			strbuf_reset(ret_name);
			strbuf_add(ret_name, open + 2, len);
			return 1;
		}
	}
	return 0;
}

/* The fenced block starting at the fence `f` ("```..."); -1 if unclosed or empty. */
static int fenced_block(const char *f, struct strbuf *out)
{
	const char *start = strchr(f, '\n'), *end;
	struct strbuf block = STRBUF_INIT;
	int ret = -1;

	if (!start)
		return -1;
	start++;
	end = !strncmp(start, "```", 3) ? start : strstr(start, "\n```");
	if (!end)
		return -1;
	strbuf_add(&block, start, (size_t)(end - start));
	strbuf_trim(&block);
	if (block.len) {
		strbuf_add(out, block.buf, block.len);
		strbuf_addch(out, '\n');
		ret = 0;
	}
	strbuf_release(&block);
	return ret;
}

int prompt_extract_code(const char *answer, struct strbuf *out)
{
	const char *p;

	for (p = strstr(answer, "```"); p; p = strstr(p + 3, "```")) {
		const char *lang = p + 3;
		if ((lang[0] == 'c' || lang[0] == 'C') && (lang[1] == '\n' || lang[1] == ' ' ||
							   lang[1] == '\r') && !fenced_block(p, out))
			return 0;
	}
	p = strstr(answer, "```");
	if (p && !fenced_block(p, out))
		return 0;
	return -1;
}
