/*
 * Source-level rules on a candidate unit.  The preprocessed text is what
 * gets checked, so a _Pragma() hidden in a macro is seen as the #pragma line
 * it becomes, and an attribute spelled through macros is seen expanded.
 * System headers are scanned too: they contain none of these patterns
 * (tests/unit/test_judge_static.c keeps that true for common headers),
 * except asm and CPU-state builtins, which only the candidate's own text
 * (outside line markers with flag 3) may not use without allow(asm).
 */
#include "objcheck.h"
#include "strbuf.h"
#include "target.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int reject(char **ret_rule, char **ret_why, const char *rule, char *why)
{
	*ret_rule = xstrdup(rule);
	*ret_why = why;
	return 1;
}

/* Text of one logical directive line starting at p, whitespace collapsed. */
static void directive_text(struct strbuf *out, const char *p, const char *end)
{
	int space = 0;
	strbuf_reset(out);
	for (; p < end && *p != '\n'; p++) {
		if (*p == '\\' && p + 1 < end && p[1] == '\n') {
			p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			space = 1;
			continue;
		}
		if (space && out->len)
			strbuf_addch(out, ' ');
		space = 0;
		strbuf_addch(out, *p);
	}
}

/* Collect the normalized #include-like directives of a unit, one per line. */
static void includes_of(struct strbuf *out, const char *src)
{
	struct strbuf line = STRBUF_INIT;
	const char *p = src, *end = src + strlen(src);

	while (p < end) {
		const char *q = p;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q < end && *q == '#') {
			directive_text(&line, q + 1, end);
			if (starts_with(line.buf, "include") || starts_with(line.buf, "import") ||
			    starts_with(line.buf, "embed")) {
				strbuf_addstr(out, line.buf);
				strbuf_addch(out, '\n');
			}
		}
		p = memchr(p, '\n', (size_t)(end - p));
		p = p ? p + 1 : end;
	}
	strbuf_release(&line);
}

static int line_in(const char *lines, const char *line)
{
	size_t n = strlen(line);
	const char *p = lines;
	while ((p = strstr(p, line))) {
		if ((p == lines || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p += n;
	}
	return 0;
}

int srccheck_includes(const char *cand, const char *ref, char **ret_rule, char **ret_why)
{
	struct strbuf c = STRBUF_INIT, r = STRBUF_INIT;
	const char *p;
	int ret = 0;

	*ret_rule = *ret_why = NULL;
	/* file-system probes that are not #include lines: __has_include tells
	 * whether a path exists, #pragma GCC dependency compares timestamps,
	 * #embed reads bytes (the original's own use of them is its own) */
	{
		static const char *const probes[] = { "__has_include", "GCC dependency", "#embed",
						      NULL };
		size_t i;
		for (i = 0; probes[i]; i++) {
			const char *w = strstr(cand, probes[i]);
			if (w && !strstr(ref, probes[i]))
				return reject(ret_rule, ret_why, "include",
					      xstrfmt("'%s' probes the file system", probes[i]));
		}
	}
	includes_of(&c, cand);
	includes_of(&r, ref);
	for (p = c.buf; *p; p += strcspn(p, "\n") + 1) {
		char *line = xstrndup(p, strcspn(p, "\n"));
		const char *rest = line + 7 + (line[7] == ' ');
		int ok = line_in(r.buf, line);
		if (!ok && (starts_with(line, "include ") || starts_with(line, "include<")) && *rest == '<' &&
		    !strstr(rest, "..") && rest[1] != '/' && strchr(rest, '>'))
			ok = 1;
		if (!ok) {
			ret = reject(ret_rule, ret_why, "include",
				     xstrfmt("'#%.120s' is not in the original unit", line));
			free(line);
			break;
		}
		free(line);
	}
	strbuf_release(&c);
	strbuf_release(&r);
	return ret;
}

static const char *const fast_math_words[] = {
	"fast-math", "Ofast", "unsafe-math", "associative-math", "reciprocal-math",
	"finite-math", "no-signed-zeros", "fast_math", "reassociate(on)",
	"precise, off", "precise,off", NULL
};

static const char *find_word(const char *hay, const char *const *words)
{
	size_t i;
	for (i = 0; words[i]; i++)
		if (strstr(hay, words[i]))
			return words[i];
	return NULL;
}

static int is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/* The balanced (...) starting at the first '(' at or after p; appended to out.
 * Returns the position after it. */
static const char *paren_text(struct strbuf *out, const char *p, const char *end)
{
	int depth = 0;
	char quote = 0;

	while (p < end && *p != '(') {
		if (!isspace((unsigned char)*p) && !is_ident((unsigned char)*p))
			return p;
		p++;
	}
	for (; p < end; p++) {
		strbuf_addch(out, *p);
		if (quote) {
			if (*p == '\\' && p + 1 < end)
				strbuf_addch(out, *++p);
			else if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '"' || *p == '\'')
			quote = *p;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return p;
}

static const char *const asm_syscall_words[] = {
	"syscall", "sysenter", "int $0x80", "int $128", "int 0x80", "int $0X80", NULL
};
static const char *const asm_data_words[] = {
	".byte", ".word", ".long", ".quad", ".incbin", ".inst", ".insn", ".section",
	".pushsection", ".data", ".bss", ".fill", ".skip", ".space", ".org",
	".ascii", ".string", ".zero", ".rept", ".previous", ".popsection", NULL
};

static int check_pragma(const char *line, unsigned allow, char **ret_rule, char **ret_why)
{
	const char *w;
	if (!(allow & TA_OPTIMIZE) && (starts_with(line, "pragma GCC optimize") ||
				       starts_with(line, "pragma GCC optimise")))
		return reject(ret_rule, ret_why, "pragma-optimize",
			      xstrfmt("'#%.120s' changes optimization options", line));
	if (!(allow & TA_FAST_MATH) && (w = find_word(line, fast_math_words)))
		return reject(ret_rule, ret_why, "fast-math",
			      xstrfmt("'#%.120s' relaxes floating-point semantics ('%s')", line, w));
	if (!(allow & TA_FAST_MATH) && starts_with(line, "pragma float_control"))
		return reject(ret_rule, ret_why, "fast-math",
			      xstrfmt("'#%.120s' relaxes floating-point semantics", line));
	return 0;
}

static int check_construct(const char *kw, const char *body, unsigned allow,
			   char **ret_rule, char **ret_why)
{
	const char *w;
	if (strstr(kw, "asm")) {
		if (!(allow & TA_ASM))
			return reject(ret_rule, ret_why, "asm",
				      xstrfmt("inline assembly ('%.60s'); the pragma does not say allow(asm)",
					      body));
		if (!(allow & TA_SYSCALL) && (w = find_word(body, asm_syscall_words)))
			return reject(ret_rule, ret_why, "asm-syscall",
				      xstrfmt("inline assembly makes a system call ('%s')", w));
		if ((w = find_word(body, asm_data_words)))
			return reject(ret_rule, ret_why, "asm-data",
				      xstrfmt("inline assembly emits raw data or sections ('%s')", w));
		return 0;
	}
	if (!(allow & TA_OPTIMIZE) && (strstr(body, "optimize") || strstr(body, "optimise")))
		return reject(ret_rule, ret_why, "optimize-attribute",
			      xstrfmt("attribute '%.60s' changes optimization options", body));
	if (!(allow & TA_FAST_MATH) && (w = find_word(body, fast_math_words)))
		return reject(ret_rule, ret_why, "fast-math",
			      xstrfmt("attribute relaxes floating-point semantics ('%s')", w));
	return 0;
}

/*
 * Compiler extensions that reach CPU state outside the object's memory
 * without any asm: the FS/GS segments (a memo in the thread control block
 * or behind the GS base), the time-stamp counter (a clock of its own).
 */
static const char *const state_words[] = {
	"__seg_fs", "__seg_gs", "__builtin_thread_pointer", "__builtin_ia32_wrfsbase32",
	"__builtin_ia32_wrfsbase64", "__builtin_ia32_wrgsbase32", "__builtin_ia32_wrgsbase64",
	"__builtin_ia32_rdfsbase32", "__builtin_ia32_rdfsbase64", "__builtin_ia32_rdgsbase32",
	"__builtin_ia32_rdgsbase64", "__builtin_ia32_rdtsc", "__builtin_ia32_rdtscp",
	"__builtin_ia32_rdpid", "__builtin_ia32_xsave", "__builtin_ia32_xrstor",
	"__builtin_ia32_xsave64", "__builtin_ia32_xrstor64", "__builtin_readcyclecounter",
	NULL
};

int srccheck_preprocessed(const char *text, size_t len, unsigned allow, char **ret_rule,
			  char **ret_why)
{
	static const char *const kws[] = { "__attribute__", "__attribute", "__asm__",
					   "__asm", "asm", NULL };
	struct strbuf sb = STRBUF_INIT;
	const char *p = text, *end = text + len;
	int bol = 1, ret = 0, sys = 0;
	char *main_file = NULL;

	*ret_rule = *ret_why = NULL;
	while (p < end && !ret) {
		if (bol) {
			const char *q = p;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if (q < end && *q == '#') {
				directive_text(&sb, q + 1, end);
				if (starts_with(sb.buf, "pragma"))
					ret = check_pragma(sb.buf, allow, ret_rule, ret_why);
				/* a line marker: flag 3 is a system header, but not
				 * in the main file (a system macro's expansion there) */
				else if (isdigit((unsigned char)sb.buf[0]) && strchr(sb.buf, '"')) {
					const char *f = strchr(sb.buf, '"'), *e = strrchr(sb.buf, '"');
					if (!main_file)
						main_file = xstrndup(f, (size_t)(e - f + 1));
					sys = strstr(e, " 3") &&
					      (strlen(main_file) != (size_t)(e - f + 1) ||
					       strncmp(main_file, f, (size_t)(e - f + 1)));
				}
			}
		}
		bol = *p == '\n';
		if (*p == '"' || *p == '\'') { /* skip literals outside constructs */
			char quote = *p++;
			while (p < end && *p != quote && *p != '\n')
				p += *p == '\\' ? 2 : 1;
			p++;
			continue;
		}
		if (is_ident((unsigned char)*p) && (p == text || !is_ident((unsigned char)p[-1]))) {
			const char *q = p;
			size_t i, n;
			while (q < end && is_ident((unsigned char)*q))
				q++;
			n = (size_t)(q - p);
			for (i = 0; !(allow & TA_ASM) && !sys && state_words[i]; i++)
				if (strlen(state_words[i]) == n && !memcmp(p, state_words[i], n)) {
					ret = reject(ret_rule, ret_why, "cpu-state",
						     xstrfmt("'%s' reaches CPU state outside the "
							     "kernel's memory", state_words[i]));
					break;
				}
			if (ret)
				break;
			for (i = 0; kws[i]; i++)
				if (strlen(kws[i]) == n && !memcmp(p, kws[i], n))
					break;
			if (kws[i]) {
				strbuf_reset(&sb);
				q = paren_text(&sb, q, end);
				ret = check_construct(kws[i], sb.buf, allow | (sys ? TA_ASM : 0),
						      ret_rule, ret_why);
			} else if (!(allow & TA_OPTIMIZE) && q + 1 < end && q[0] == ':' &&
				   q[1] == ':' && (!strncmp(q + 2, "optimize", 8) ||
						   !strncmp(q + 2, "__optimize__", 12))) {
				ret = reject(ret_rule, ret_why, "optimize-attribute",
					     xstrdup("attribute '[[gnu::optimize]]' changes optimization options"));
			}
			p = q;
			continue;
		}
		p++;
	}
	strbuf_release(&sb);
	free(main_file);
	return ret;
}
