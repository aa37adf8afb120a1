/*
 * Answers to variants (passes/answer.h), over the corpus of answer shapes
 * in tests/answers/ (expect.tsv says what each must give): every accepted
 * answer gives a variant that, spliced into the unit, the real compiler
 * accepts without a warning; every rejected one says why, naming what.
 */
#include "answer.h"
#include "check.h"
#include "run.h"
#include "strvec.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct strbuf unit = STRBUF_INIT;
static struct answer_ctx ctx;

static void load_unit(const char *dir)
{
	char *path = xstrfmt("%s/unit.c", dir);
	const char *def;

	if (strbuf_read_file(&unit, path, 1 << 20) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	free(path);
	def = strstr(unit.buf, "void blur(");
	ctx.kernel = "blur";
	ctx.unit = unit.buf;
	ctx.unit_len = unit.len;
	ctx.def_start = (size_t)(def - unit.buf);
	ctx.def_end = (size_t)(strrchr(unit.buf, '}') - unit.buf) + 1;
}

/* Whether the unit with `variant` in place of the kernel compiles cleanly. */
static int compiles(const char *variant)
{
	char path[] = "/tmp/accc-test-answer-XXXXXX.c";
	struct strbuf sb = STRBUF_INIT;
	struct child c = CHILD_INIT;
	struct strbuf err = STRBUF_INIT;
	int fd = mkstemps(path, 2), rc;

	strbuf_add(&sb, unit.buf, ctx.def_start);
	strbuf_addstr(&sb, variant);
	strbuf_addstr(&sb, unit.buf + ctx.def_end);
	if (fd < 0 || write(fd, sb.buf, sb.len) != (ssize_t)sb.len)
		return 0;
	close(fd);
	strvec_pushf(&c.args, "cc");
	strvec_pushv(&c.args, (const char *const[]){ "-std=c11", "-Wall", "-Werror", "-Wno-unknown-pragmas",
						   "-fsyntax-only", path, NULL });
	c.stdin_null = 1;
	rc = child_capture(&c, &err, &err, 1 << 16);
	if (rc)
		fprintf(stderr, "%s", err.buf);
	child_release(&c);
	strbuf_release(&err);
	unlink(path);
	strbuf_release(&sb);
	return rc == 0;
}

static void test_corpus(const char *dir)
{
	char *path = xstrfmt("%s/expect.tsv", dir);
	struct strbuf tsv = STRBUF_INIT;
	char *line, *save = NULL;
	int n = 0;

	CHECK(strbuf_read_file(&tsv, path, 1 << 20) >= 0);
	for (line = strtok_r(tsv.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *s2 = NULL, *ap;
		struct strbuf answer = STRBUF_INIT, out = STRBUF_INIT, notes = STRBUF_INIT,
			      reason = STRBUF_INIT;
		int i, rc;

		if (*line == '#')
			continue;
		for (i = 0; i < 4; i++)
			f[i] = strtok_r(i ? NULL : line, "\t", &s2);
		CHECK(f[3] != NULL);
		if (!f[3])
			continue;
		ap = xstrfmt("%s/%s", dir, f[0]);
		CHECK(strbuf_read_file(&answer, ap, 1 << 20) >= 0);
		rc = answer_variant(&ctx, answer.buf, &out, &notes, &reason);
		if (!strcmp(f[1], "accept")) {
			if (rc != 0 || !strstr(out.buf, f[2]) || (strcmp(f[3], "-") ? !strstr(notes.buf, f[3]) : notes.len > 0) ||
			    strstr(out.buf, "main(") || !compiles(out.buf))
				fprintf(stderr, "%s: rc %d reason '%s'\nnotes:\n%s\nvariant:\n%s\n",
					f[0], rc, reason.buf, notes.buf, out.buf);
			CHECK_INT(rc, 0);
			CHECK(strstr(out.buf, f[2]) != NULL);
			if (strcmp(f[3], "-"))
				CHECK(strstr(notes.buf, f[3]) != NULL);
			else
				CHECK_INT(notes.len, 0);
			CHECK(strstr(out.buf, "main(") == NULL);
			CHECK(compiles(out.buf));
		} else {
			if (rc != -1 || !strstr(reason.buf, f[2]))
				fprintf(stderr, "%s: rc %d reason '%s'\n", f[0], rc, reason.buf);
			CHECK_INT(rc, -1);
			CHECK(strstr(reason.buf, f[2]) != NULL);
			CHECK_INT(out.len, 0);
		}
		n++;
		free(ap);
		strbuf_release(&answer);
		strbuf_release(&out);
		strbuf_release(&notes);
		strbuf_release(&reason);
	}
	CHECK(n >= 15);
	free(path);
	strbuf_release(&tsv);
}

/* What restates the unit is gone; what the unit lacks stays. */
static void test_whole_file(const char *dir)
{
	char *ap = xstrfmt("%s/whole-file.md", dir);
	struct strbuf answer = STRBUF_INIT, out = STRBUF_INIT, notes = STRBUF_INIT,
		      reason = STRBUF_INIT;

	CHECK(strbuf_read_file(&answer, ap, 1 << 20) >= 0);
	CHECK_INT(answer_variant(&ctx, answer.buf, &out, &notes, &reason), 0);
	CHECK(strstr(out.buf, "typedef") == NULL);
	CHECK(strstr(out.buf, "#define") == NULL);
	CHECK(strstr(out.buf, "<math.h>") == NULL);
	CHECK(strstr(out.buf, "static const real weights") == NULL);
	CHECK(strstr(out.buf, "static real clampr") == NULL);
	CHECK(strstr(out.buf, "enum") == NULL);
	CHECK(strstr(notes.buf, "dropped 'typedef float real;'") != NULL);
	free(ap);
	strbuf_release(&answer);
	strbuf_release(&out);
	strbuf_release(&notes);
	strbuf_release(&reason);
}

/* The prompts' context: what the kernel uses, bounded, the cut named. */
static void test_context(void)
{
	struct strbuf sb = STRBUF_INIT;
	const char *code = unit.buf + ctx.def_start;

	answer_context(&ctx, code, 40, &sb);
	CHECK(strstr(sb.buf, "#include <math.h>") != NULL);
	CHECK(strstr(sb.buf, "static real clampr(real v") != NULL);
	CHECK(strstr(sb.buf, "typedef float real;") != NULL);
	CHECK(strstr(sb.buf, "#define TAPS 5") != NULL);
	CHECK(strstr(sb.buf, "weights[TAPS]") != NULL);
	CHECK(strstr(sb.buf, "PAD") == NULL); /* not used by the kernel */
	CHECK(strstr(sb.buf, "not shown") == NULL);
	/* helpers come before types */
	CHECK(strstr(sb.buf, "clampr") < strstr(sb.buf, "typedef"));
	strbuf_reset(&sb);
	answer_context(&ctx, code, 6, &sb);
	CHECK(strstr(sb.buf, "static real clampr(real v") != NULL);
	CHECK(strstr(sb.buf, "lines of the unit not shown (line budget 6): real TAPS weights") != NULL);
	strbuf_release(&sb);
}

int main(void)
{
	const char *src = getenv("ACCC_SRC");
	char *dir;

	if (!src) {
		printf("ACCC_SRC is not set (run under ctest)\n");
		return 77;
	}
	dir = xstrfmt("%s/tests/answers", src);
	load_unit(dir);
	test_corpus(dir);
	test_whole_file(dir);
	test_context();
	free(dir);
	return check_done();
}
