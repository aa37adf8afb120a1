/*
 * The search's prompt module: code taken out of answers robustly (a missing,
 * empty or unclosed block is "no code", never a crash or a wrong cut),
 * placeholders filled and checked, prompt folders loaded (and the shipped
 * prompts/host set complete).
 */
#include "check.h"
#include "fs.h"
#include "prompt.h"
#include "xalloc.h"

#include <stdlib.h>

/* The code prompt_extract_code() finds in `answer`, or "(none)". */
static const char *code_of(const char *answer)
{
	static struct strbuf sb = STRBUF_INIT;

	strbuf_reset(&sb);
	if (prompt_extract_code(answer, &sb) < 0) {
		CHECK_INT(sb.len, 0); /* nothing appended on failure */
		return "(none)";
	}
	return sb.buf;
}

static void test_extract(void)
{
	CHECK_STR(code_of("Here:\n```c\nint f(void) { return 1; }\n```\nDone."),
		  "int f(void) { return 1; }\n");
	/* no block, empty block, a fence that never closes (an answer cut
	 * by the token cap), an empty answer */
	CHECK_STR(code_of("I cannot apply this plan."), "(none)");
	CHECK_STR(code_of("```c\n```"), "(none)");
	CHECK_STR(code_of("```c\n   \n\n```"), "(none)");
	CHECK_STR(code_of("```c\nvoid f(void)\n{\n\tfor (;;"), "(none)");
	CHECK_STR(code_of(""), "(none)");
	CHECK_STR(code_of("```"), "(none)");
	CHECK_STR(code_of("```c"), "(none)");
	/* the c block wins over an earlier block in another language */
	CHECK_STR(code_of("Build with:\n```sh\ncc -O2 f.c\n```\nCode:\n```c\nint g;\n```\n"),
		  "int g;\n");
	/* an empty c block is skipped for the next one */
	CHECK_STR(code_of("```c\n```\nthen\n```c\nint h;\n```"), "int h;\n");
	/* no block marked c: the first fenced block */
	CHECK_STR(code_of("```cpp\nint k;\n```"), "int k;\n");
	CHECK_STR(code_of("```\nint m;\n```"), "int m;\n");
	CHECK_STR(code_of("```C\nint n;\n```"), "int n;\n");
	/* CRLF line ends, a trailing space after the language */
	CHECK_STR(code_of("```c\r\nint p;\r\n```\r\n"), "int p;\n");
	CHECK_STR(code_of("```c \nint q;\n```"), "int q;\n");
	/* backticks inside the code do not end the block; only a fence at the
	 * start of a line does */
	CHECK_STR(code_of("```c\nconst char *s = \"```\";\n```"),
		  "const char *s = \"```\";\n");
	/* the whole block, blank lines and indentation inside kept */
	CHECK_STR(code_of("```c\nvoid f(int *x)\n{\n\n\tx[0] = 1;\n}\n```"),
		  "void f(int *x)\n{\n\n\tx[0] = 1;\n}\n");
	/* ```c followed by the end of the text, then nothing */
	CHECK_STR(code_of("text ```c"), "(none)");
}

static void test_fill(void)
{
	const struct prompt_var v[] = { { "a", "AA" }, { "bee", "B" }, { "nul", NULL } };
	const char *const names[] = { "a", "bee", NULL };
	struct strbuf sb = STRBUF_INIT, bad = STRBUF_INIT;

	prompt_fill(&sb, "x{{a}}y{{bee}}{{a}}", v, 3);
	CHECK_STR(sb.buf, "xAAyBAA");
	strbuf_reset(&sb);
	/* an unknown name is left as written; NULL is empty; stray braces */
	prompt_fill(&sb, "{{zz}}|{{nul}}|{{a|}}", v, 3);
	CHECK_STR(sb.buf, "{{zz}}||{{a|}}");
	strbuf_reset(&sb);
	/* a value holding "{{a}}" is not expanded again */
	{
		const struct prompt_var w[] = { { "code", "{{a}}" }, { "a", "X" } };
		prompt_fill(&sb, "{{code}}{{a}}", w, 2);
		CHECK_STR(sb.buf, "{{a}}X");
	}
	strbuf_reset(&sb);
	prompt_fill(&sb, "no placeholders {{", v, 3);
	CHECK_STR(sb.buf, "no placeholders {{");
	CHECK_INT(prompt_unknown("{{a}} and {{bee}}", names, &bad), 0);
	CHECK_INT(prompt_unknown("{{a}} and {{be}}", names, &bad), 1);
	CHECK_STR(bad.buf, "be");
	CHECK_INT(prompt_unknown("{{ a }}", names, &bad), 1);
	CHECK_STR(bad.buf, " a ");
	strbuf_release(&sb);
	strbuf_release(&bad);
}

static void put(const char *dir, const char *name, const char *text)
{
	char *path = xstrfmt("%s/t/%s", dir, name);
	CHECK(write_file(path, text, strlen(text)) == 0);
	free(path);
}

static void test_load(void)
{
	struct strbuf dir = STRBUF_INIT;
	struct prompt_set ps;
	char *sub, *src = getenv("ACCC_SRC");

	CHECK(make_tmpdir(&dir, "prompt") == 0);
	sub = xstrfmt("%s/t", dir.buf);
	CHECK(mkdir_p(sub, 0755) == 0);
	put(dir.buf, "arch.md", "A");
	put(dir.buf, "rules.md", "R");
	put(dir.buf, "plan.md", "P");
	/* implement.md missing: the set does not load */
	put(dir.buf, "menu.txt", "# a comment\n\n  first item\n\tsecond item\n#x\nthird");
	CHECK_INT(prompt_load(&ps, dir.buf, "t"), -1);
	put(dir.buf, "implement.md", "I");
	CHECK_INT(prompt_load(&ps, dir.buf, "t"), 0);
	CHECK_INT(ps.menu.nr, 3);
	if (ps.menu.nr == 3) {
		CHECK_STR(ps.menu.v[0], "first item");
		CHECK_STR(ps.menu.v[1], "second item");
		CHECK_STR(ps.menu.v[2], "third");
	}
	CHECK_STR(ps.implement.buf, "I");
	prompt_release(&ps);
	/* a menu of comments only is an error */
	put(dir.buf, "menu.txt", "# nothing\n\n");
	CHECK_INT(prompt_load(&ps, dir.buf, "t"), -1);
	CHECK_INT(prompt_load(&ps, dir.buf, "no-such-target"), -1);
	/* the shipped host set loads and has a real menu */
	if (src) {
		char *prompts = xstrfmt("%s/prompts", src);
		CHECK_INT(prompt_load(&ps, prompts, "host"), 0);
		CHECK(ps.menu.nr >= 10);
		CHECK(strstr(ps.plan.buf, "{{menu}}") != NULL);
		CHECK(strstr(ps.plan.buf, "{{feedback}}") != NULL);
		CHECK(strstr(ps.plan.buf, "{{assumes}}") != NULL);
		CHECK(strstr(ps.plan.buf, "{{hints}}") != NULL);
		CHECK(strstr(ps.implement.buf, "{{plan}}") != NULL);
		CHECK(strstr(ps.implement.buf, "{{assumes}}") != NULL);
		CHECK(strstr(ps.implement.buf, "{{hints}}") != NULL);
		prompt_release(&ps);
		free(prompts);
	}
	rm_rf(dir.buf);
	free(sub);
	strbuf_release(&dir);
}

int main(void)
{
	test_extract();
	test_fill();
	test_load();
	return check_done();
}
