/*
 * The corpus of answer shapes (tests/answers/) through the old extractor
 * (prompt_extract_code: the first c block) and the normalizer
 * (answer_variant): how many become candidates, compile, and compute what
 * the original computes.  Built and run by bench_answers.sh.
 */
#include "answer.h"
#include "prompt.h"
#include "strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
static struct strbuf unit = STRBUF_INIT;
static size_t ds, de;
static const char *harness =
"\nvoid blur_ref(int n, const real *x, real *y){for(int i=0;i<n;i++){real s=0;for(int k=0;k<TAPS;k++)s+=weights[k]*x[i+k];y[i]=clampr(s,0,1);}}\n"
"#include <stdio.h>\nint main(void){static real x[1004],y[1000],z[1000];for(int i=0;i<1004;i++)x[i]=(real)((i*37)%101)/60.0f;"
"blur(1000,x,y);blur_ref(1000,x,z);for(int i=0;i<1000;i++)if(y[i]-z[i]>1e-5f||z[i]-y[i]>1e-5f){puts(\"wrong\");return 1;}puts(\"right\");return 0;}\n";
static const char *cand_c;
static int judge(const char *v, int *compiled, int *correct)
{
	char cmd[8192];
	struct strbuf sb = STRBUF_INIT;
	FILE *f = fopen(cand_c, "w");
	strbuf_add(&sb, unit.buf, ds); strbuf_addstr(&sb, v); strbuf_addstr(&sb, unit.buf + de);
	strbuf_addstr(&sb, harness);
	fwrite(sb.buf, 1, sb.len, f); fclose(f);
	snprintf(cmd, sizeof(cmd), "cc -std=c11 -O2 -w %s -o %s.bin -lm 2>/dev/null", cand_c, cand_c);
	*compiled = system(cmd) == 0;
	snprintf(cmd, sizeof(cmd), "%s.bin >/dev/null", cand_c);
	*correct = *compiled && system(cmd) == 0;
	return 0;
}
int main(int argc, char **argv)
{
	const char *dir = argv[1];
	cand_c = argv[2];
	char p[4096];
	DIR *d = opendir(dir); struct dirent *e;
	int n = 0, oj = 0, oc = 0, ok = 0, nj = 0, nc = 0, nk = 0;
	snprintf(p, sizeof(p), "%s/unit.c", dir);
	strbuf_read_file(&unit, p, 1 << 20);
	ds = (size_t)(strstr(unit.buf, "void blur(") - unit.buf);
	de = (size_t)(strrchr(unit.buf, '}') - unit.buf) + 1;
	while ((e = readdir(d))) {
		struct strbuf a = STRBUF_INIT, o = STRBUF_INIT, v = STRBUF_INIT, nt = STRBUF_INIT, r = STRBUF_INIT;
		struct answer_ctx ctx = { "blur", unit.buf, unit.len, ds, de, NULL };
		int c, k;
		if (!strstr(e->d_name, ".md")) continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		strbuf_read_file(&a, p, 1 << 20);
		n++;
		printf("%-28s", e->d_name);
		if (prompt_extract_code(a.buf, &o) == 0) { oj++; judge(o.buf, &c, &k); oc += c; ok += k; printf(" before: %s", k ? "correct" : c ? "compiled" : "compile-error"); }
		else printf(" before: no-code      ");
		if (answer_variant(&ctx, a.buf, &v, &nt, &r) == 0) { nj++; judge(v.buf, &c, &k); nc += c; nk += k; printf("  after: %s\n", k ? "correct" : c ? "compiled" : "compile-error"); }
		else printf("  after: rejected (%s)\n", r.buf);
	}
	printf("%d answers; before: judged %d compiled %d correct %d; after: judged %d compiled %d correct %d\n", n, oj, oc, ok, nj, nc, nk);
	return 0;
}
