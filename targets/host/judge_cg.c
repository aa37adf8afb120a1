/*
 * The deterministic metric: instructions per call, counted by callgrind
 * with collection switched on only inside the kernel's entry point, so the
 * harness's own work (poisoning, hashing, the channel) is not counted.  With
 * cache simulation on, the same run gives the cache-miss figures the
 * planner gets as feedback.  Valgrind does not implement AVX-512, so code
 * built for it cannot be counted this way (the run fails with SIGILL).
 */
#include "harness.h"
#include "judge_int.h"
#include "log.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CG_CALLS 3

/* Values of the "summary:" (or "totals:") line, named by the "events:" line. */
static int parse_cg(const char *text, const char *const *want, double *vals, size_t nwant)
{
	const char *ev = strstr(text, "\nevents:"), *sum = strstr(text, "\nsummary:");
	char names[64][16];
	size_t n = 0, i, k;

	if (!sum)
		sum = strstr(text, "\ntotals:");
	if (!ev || !sum)
		return -1;
	for (ev += 8; *ev && *ev != '\n' && n < 64;) {
		size_t len;
		while (*ev == ' ')
			ev++;
		len = strcspn(ev, " \n");
		if (!len)
			break;
		snprintf(names[n++], sizeof(names[0]), "%.*s", (int)len, ev);
		ev += len;
	}
	sum = strchr(sum + 1, ':') + 1;
	for (i = 0; i < n; i++) {
		char *end;
		double v = strtod(sum, &end);
		if (end == sum)
			break;
		sum = end;
		for (k = 0; k < nwant; k++)
			if (!strcmp(names[i], want[k]))
				vals[k] = v;
	}
	return 0;
}

int judge_instructions(struct judge *j, const char *exe, const char *scratch,
		       double *ret_ir, struct strbuf *cache_summary)
{
	static const char *const events[] = { "Ir", "Dr", "Dw", "D1mr", "D1mw", "DLmr", "DLmw" };
	const char *args[12];
	struct hproc_start_opts o;
	struct hproc h;
	struct strbuf reply = STRBUF_INIT, path = STRBUF_INIT, text = STRBUF_INIT;
	struct target_result res;
	const struct jtrial *t = NULL;
	struct hp_run rq;
	uint64_t counts[65];
	struct iovec iov[4];
	struct jreply r;
	double v[7] = { 0 };
	int niov, st, ret = -1;
	size_t i, a = 0;

	memset(&res, 0, sizeof(res));
	for (i = 0; i < j->nr_trials && !t; i++)
		if (j->trials[i].timing)
			t = &j->trials[i];
	if (!t)
		return -1;
	args[a++] = "--tool=callgrind";
	args[a++] = "--callgrind-out-file=cg.out";
	args[a++] = "--collect-atstart=no";
	args[a++] = "--toggle-collect=" HARNESS_ENTRY;
	args[a++] = "--compress-strings=no";
	args[a++] = "--compress-pos=no";
	args[a++] = "-q";
	if (cache_summary)
		args[a++] = "--cache-sim=yes";
	args[a] = NULL;
	judge_run_opts(j, &o, exe, scratch, 1);
	o.valgrind_args = args;
	if (hproc_start(&h, &o, j->nparam, j->nbuf) < 0)
		goto out;
	judge_run_request(j, t, &rq, counts, iov, &niov, 0);
	rq.min_samples = rq.max_samples = CG_CALLS;
	st = hproc_cmd(&h, HP_TIME, iov, niov, HP_R_TIME, &reply,
		       sizeof(struct hp_run_res) + 16 * CG_CALLS + 8 * j->nbuf + 32 +
			       judge_out_bytes(j, t),
		       60.0 + 200.0 * t->ref_s * CG_CALLS);
	if (st != HPROC_OK || judge_parse_reply(j, t, &reply, &r) < 0 ||
	    judge_compare(j, t, r.out, r.ret, &res) < 0) {
		error("the run under valgrind failed or computed something else");
		hproc_stop(&h);
		goto out;
	}
	hproc_stop_wait(&h, 30000);
	strbuf_addf(&path, "%s/cg.out", scratch);
	if (strbuf_read_file(&text, path.buf, 64u << 20) < 0 ||
	    parse_cg(text.buf, events, v, 7) < 0 || !(v[0] > 0)) {
		error("cannot read callgrind's counts from '%s'", path.buf);
		goto out;
	}
	*ret_ir = v[0] / CG_CALLS;
	if (cache_summary && v[1] + v[2] > 0)
		strbuf_addf(cache_summary,
			    "cache simulation per call: %.0f instructions, %.0f data refs, "
			    "D1 misses %.0f (%.2f%%), last-level misses %.0f\n",
			    v[0] / CG_CALLS, (v[1] + v[2]) / CG_CALLS, (v[3] + v[4]) / CG_CALLS,
			    100.0 * (v[3] + v[4]) / (v[1] + v[2]), (v[5] + v[6]) / CG_CALLS);
	ret = 0;
out:
	target_result_release(&res);
	strbuf_release(&reply);
	strbuf_release(&path);
	strbuf_release(&text);
	return ret;
}
