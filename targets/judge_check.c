/*
 * Correctness of one candidate: every trial, with checks on every reply.
 * Per shape: a call on fresh buffers, a second call on fresh buffers with
 * another poison (outputs must agree bit for bit), and a call at the same
 * addresses with new inputs.  The comparison happens here, in the judge's
 * process, against reference outputs the candidate never sees.
 */
#include "judge_int.h"
#include "log.h"
#include "xalloc.h"

#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

static const char *syscall_name(int nr)
{
	static const struct {
		int nr;
		const char *name;
	} names[] = {
		{ SYS_read, "read" }, { SYS_write, "write" }, { SYS_stat, "stat" },
		{ SYS_open, "open" }, { SYS_openat, "openat" }, { SYS_socket, "socket" },
		{ SYS_connect, "connect" }, { SYS_clone, "clone" }, { SYS_clone3, "clone3" },
		{ SYS_fork, "fork" }, { SYS_vfork, "vfork" }, { SYS_execve, "execve" },
		{ SYS_kill, "kill" }, { SYS_tgkill, "tgkill" }, { SYS_ptrace, "ptrace" },
		{ SYS_mmap, "mmap (fixed, hinted or executable)" },
		{ SYS_mprotect, "mprotect (executable)" }, { SYS_rt_sigaction, "rt_sigaction" },
		{ SYS_creat, "creat" }, { SYS_unlink, "unlink" }, { SYS_getrandom, "getrandom" },
		{ SYS_sendto, "sendto" }, { SYS_bind, "bind" }, { SYS_prctl, "prctl" },
		{ SYS_ioctl, "ioctl" }, { SYS_getcwd, "getcwd" }, { SYS_readlink, "readlink" },
		{ SYS_getppid, "getppid" }, { SYS_getuid, "getuid" }, { SYS_uname, "uname" },
		{ SYS_set_robust_list, "set_robust_list" }, { SYS_rseq, "rseq" },
	};
	size_t i;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].nr == nr)
			return names[i].name;
	return "?";
}

void judge_failure(struct judge *j, struct hproc *h, int status, const struct jtrial *t,
		   struct target_result *res)
{
	const char *on = t ? j->shapes[t->shape].text : "startup";
	struct strbuf sb = STRBUF_INIT;

	if (status == HPROC_TIMEOUT) {
		judge_set(res, TV_TIMEOUT, NULL, "no answer in time on %s (the original takes %.3g s)",
			  on, t ? t->ref_s : 0.0);
	} else if (status == HPROC_PROTOCOL) {
		judge_set(res, TV_REJECTED, "channel",
			  "unexpected data on the judge's private channel during %s", on);
	} else if (h->has_syscall) {
		judge_set(res, TV_REJECTED, "syscall",
			  "system call '%s' (%d) refused %s on %s", syscall_name(h->sys.nr),
			  h->sys.nr, h->sys.in_call ? "during the call" : "outside the call", on);
	} else if (h->has_fault && h->fault.sig == SIGXCPU) {
		judge_set(res, TV_TIMEOUT, NULL, "CPU time limit on %s", on);
	} else if (h->has_fault && h->fault.sig == SIGXFSZ) {
		judge_set(res, TV_CRASH, NULL, "printed more than the output limit on %s", on);
		res->signal = SIGXFSZ;
	} else if (h->has_fault) {
		if (h->fault.sig == SIGSEGV || h->fault.sig == SIGBUS)
			hproc_describe(&sb, h, j->buf_name, j->buf_esize);
		judge_set(res, TV_CRASH, NULL, "killed by SIG%s%s%s on %s",
			  sigabbrev_np(h->fault.sig) ? sigabbrev_np(h->fault.sig) : "?",
			  sb.len ? ": " : "", sb.buf, on);
		res->signal = h->fault.sig;
	} else if (h->errmsg.len) {
		judge_set(res, TV_CRASH, NULL, "harness: %s on %s", h->errmsg.buf, on);
	} else if (h->exited) {
		judge_set(res, TV_CRASH, NULL, "exited with status %d during a call on %s", h->code, on);
	} else if (h->code > 128) {
		judge_set(res, TV_CRASH, NULL, "killed by signal %d on %s", h->code - 128, on);
		res->signal = h->code - 128;
	} else {
		judge_set(res, TV_CRASH, NULL, "the harness died on %s (status %d)", on, h->code);
	}
	strbuf_release(&sb);
}

int judge_parse_reply(const struct judge *j, const struct jtrial *t,
		      const struct strbuf *reply, struct jreply *r)
{
	const char *p = reply->buf;
	uint64_t n, need;

	memset(r, 0, sizeof(*r));
	if (reply->len < sizeof(struct hp_run_res))
		return -1;
	r->res = (const struct hp_run_res *)p;
	n = r->res->nsamples;
	need = sizeof(struct hp_run_res) + 16 * n + 8 * j->nbuf + sizeof(union hp_scalar) +
	       judge_out_bytes(j, t);
	if (n < 1 || reply->len != need)
		return -1;
	p += sizeof(struct hp_run_res);
	r->samples = (const double *)p;
	r->hashes = (const uint64_t *)(p + 8 * n);
	r->in_hash = (const uint64_t *)(p + 16 * n);
	memcpy(&r->retv, p + 16 * n + 8 * j->nbuf, sizeof(r->retv));
	r->ret = &r->retv;
	r->out = p + 16 * n + 8 * j->nbuf + sizeof(union hp_scalar);
	return 0;
}

static uint64_t out_hash(const struct judge *j, const struct jtrial *t, const char *out,
			 const union hp_scalar *ret)
{
	uint64_t h = hp_hash(ret, j->k->ret_kind == TS_OTHER ? 0 : j->k->ret_size, 0), off = 0;
	size_t b;
	for (b = 0; b < j->nbuf; b++) {
		uint64_t bytes = (uint64_t)j->shapes[t->shape].extent[b] * j->buf_esize[b];
		if (!(j->k->params[j->buf_param[b]].dir & TD_OUT))
			continue;
		h = hp_hash(out + off, bytes, h + b);
		off += bytes;
	}
	return h;
}

int judge_reply_checks(struct judge *j, const struct jtrial *t, const struct jreply *r,
		       int fresh, struct target_result *res)
{
	const char *on = j->shapes[t->shape].text;
	uint32_t i;
	size_t b;

	for (b = 0; b < j->nbuf; b++)
		if (j->k->params[j->buf_param[b]].dir == TD_IN && r->in_hash[b] != t->in_hash[b]) {
			judge_set(res, TV_REJECTED, "input-modified",
				  "input '%s' changed during the call on %s", j->buf_name[b], on);
			return -1;
		}
	if (!r->res->canary_ok) {
		judge_set(res, TV_REJECTED, "out-of-bounds",
			  "wrote before the start of a buffer on %s", on);
		return -1;
	}
	if (r->res->abi_bad) {
		unsigned a = r->res->abi_bad;
		judge_set(res, TV_REJECTED, "abi",
			  "the call did not preserve%s%s%s%s%s%s (an ABI violation) on %s",
			  a & HP_ABI_CALLEE_SAVED ? " a callee-saved register" : "",
			  a & HP_ABI_RSP ? " the stack pointer" : "",
			  a & HP_ABI_FSBASE ? " the FS base" : "",
			  a & HP_ABI_GSBASE ? " the GS base" : "",
			  a & HP_ABI_TCB ? " the thread control block" : "",
			  a & HP_ABI_LIBDATA ? " libgcc's CPU model data" : "", on);
		return -1;
	}
	if (!r->res->fp_ok) {
		judge_set(res, TV_REJECTED, "fp-env",
			  "the call changed the floating-point environment (MXCSR or x87 control) on %s",
			  on);
		return -1;
	}
	if (out_hash(j, t, r->out, r->ret) != r->res->out_hash) {
		judge_set(res, TV_REJECTED, "channel",
			  "the outputs sent differ from the outputs the harness hashed on %s", on);
		return -1;
	}
	if (r->res->late_hash != r->res->out_hash) {
		judge_set(res, TV_REJECTED, "late-write",
			  "outputs changed after the call had returned on %s", on);
		return -1;
	}
	if (!(j->k->allow & TA_NONDETERMINISTIC) && !j->ref_nondet && !fresh)
		for (i = 0; i + 1 < r->res->nsamples; i++)
			if (r->hashes[i] != r->hashes[r->res->nsamples - 1]) {
				judge_set(res, TV_WRONG, NULL,
					  "call %u of %u on the same inputs produced different outputs on %s",
					  i + 1, r->res->nsamples, on);
				return -1;
			}
	return 0;
}

static double elem(const char *p, enum target_scalar kind, unsigned size)
{
	union {
		float f;
		double d;
		long double ld;
		int8_t i8;
		int16_t i16;
		int32_t i32;
		int64_t i64;
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;
	} v;

	memset(&v, 0, sizeof(v));
	memcpy(&v, p, size < sizeof(v) ? size : sizeof(v));
	switch (kind) {
	case TS_FLOAT:
		return v.f;
	case TS_DOUBLE:
		return v.d;
	case TS_LDOUBLE:
		return (double)v.ld;
	case TS_UINT:
		return size == 1 ? v.u8 : size == 2 ? v.u16 : size == 4 ? v.u32 : (double)v.u64;
	case TS_BOOL:
		return v.u8;
	default:
		return size == 1 ? v.i8 : size == 2 ? v.i16 : size == 4 ? v.i32 : (double)v.i64;
	}
}

void judge_tolerance(const struct judge *j, const struct jtrial *t, size_t b, double *rtol,
		     double *atol)
{
	const struct jshape *sh = &j->shapes[t->shape];
	enum target_scalar kind = b < j->nbuf ? j->k->params[j->buf_param[b]].kind : j->k->ret_kind;
	double eps = kind == TS_FLOAT ? FLT_EPSILON : kind == TS_DOUBLE ? DBL_EPSILON : LDBL_EPSILON;
	double base = kind == TS_FLOAT ? 1e-4 : kind == TS_DOUBLE ? 1e-10 : 1e-12;
	double outs = (double)(sh->out_bytes ? sh->out_bytes : 1), ins = (double)sh->in_bytes;
	double kred;

	if (j->k->has_tol) {
		*rtol = j->k->rtol;
		*atol = j->k->atol;
		return;
	}
	/* K, the reduction length: flops per output / 2, else inputs per output */
	outs /= (double)(j->buf_esize[b] ? j->buf_esize[b] : 1);
	if (j->k->ret_kind != TS_OTHER && !sh->out_bytes)
		outs = 1;
	kred = !isnan(sh->flops) && sh->flops > 0 ? sh->flops / (2 * outs) :
						  ins / (double)(j->buf_esize[b] ? j->buf_esize[b] : 1) / outs;
	if (!(kred >= 1))
		kred = 1;
	*rtol = fmax(base, 8 * eps * sqrt(kred));
	*atol = 0;
}

/* Compare one buffer (or the return value, b == nbuf) of n elements. */
static int compare_buffer(struct judge *j, const struct jtrial *t, size_t b, const char *got,
			  const char *want, uint64_t n, uint64_t e0, struct target_result *res)
{
	enum target_scalar kind = b < j->nbuf ? j->k->params[j->buf_param[b]].kind : j->k->ret_kind;
	unsigned size = j->buf_esize[b];
	double rtol, atol, scale = 0, err2 = 0, ref2 = 0, worst = -1;
	uint64_t i, bad = (uint64_t)-1, worst_i = 0;
	int fl = kind == TS_FLOAT || kind == TS_DOUBLE || kind == TS_LDOUBLE;
	const char *why = "";

	judge_tolerance(j, t, b, &rtol, &atol);
	if (fl) {
		for (i = 0; i < n; i++) {
			double r = elem(want + i * size, kind, size);
			if (isfinite(r) && fabs(r) > scale && !(t->dontcare && t->dontcare[e0 + i]))
				scale = fabs(r);
		}
	}
	for (i = 0; i < n && bad == (uint64_t)-1; i++) {
		double y, r;
		if (t->dontcare && t->dontcare[e0 + i])
			continue;
		if (!fl) {
			if (memcmp(got + i * size, want + i * size, size))
				bad = i;
			continue;
		}
		y = elem(got + i * size, kind, size);
		r = elem(want + i * size, kind, size);
		if (isnan(r) ? !isnan(y) : isinf(r) ? y != r : !isfinite(y)) {
			bad = i;
			why = isfinite(r) ? " (not finite)" : "";
			continue;
		}
		if (!isfinite(r))
			continue;
		if (fabs(y - r) > (atol > 0 ? atol : rtol * scale) + rtol * fabs(r))
			bad = i;
		err2 += (y - r) * (y - r);
		ref2 += r * r;
		if (fabs(y - r) > worst) {
			worst = fabs(y - r);
			worst_i = i;
		}
	}
	if (bad == (uint64_t)-1 && fl && sqrt(err2) > rtol * sqrt(ref2) + atol * sqrt((double)n)) {
		bad = worst_i;
		why = " (normwise error too large)";
	}
	if (bad == (uint64_t)-1)
		return 0;
	res->got = elem(got + bad * size, kind, size);
	res->want = elem(want + bad * size, kind, size);
	res->index = (long long)bad;
	free(res->buffer);
	res->buffer = xstrdup(j->buf_name[b]);
	free(res->shape);
	res->shape = xstrdup(j->shapes[t->shape].text);
	if (b < j->nbuf)
		judge_set(res, TV_WRONG, NULL, "'%s'[%llu] = %.9g, want %.9g%s on %s", j->buf_name[b],
			  (unsigned long long)bad, res->got, res->want, why, res->shape);
	else
		judge_set(res, TV_WRONG, NULL, "returned %.9g, want %.9g%s on %s", res->got,
			  res->want, why, res->shape);
	return -1;
}

int judge_compare(struct judge *j, const struct jtrial *t, const char *out,
		  const union hp_scalar *ret, struct target_result *res)
{
	const struct jshape *sh = &j->shapes[t->shape];
	uint64_t off = 0, e = 0;
	size_t b;

	for (b = 0; b < j->nbuf; b++) {
		uint64_t n = (uint64_t)sh->extent[b];
		if (!(j->k->params[j->buf_param[b]].dir & TD_OUT))
			continue;
		if (compare_buffer(j, t, b, out + off, t->ref.buf + off, n, e, res) < 0)
			return -1;
		off += n * j->buf_esize[b];
		e += n;
	}
	if (j->k->ret_kind != TS_OTHER)
		return compare_buffer(j, t, j->nbuf, (const char *)ret->raw, (const char *)t->ref_ret.raw, 1, e, res);
	return 0;
}

/* Two runs of the same inputs: every compared element bit for bit. */
static int same_outputs(struct judge *j, const struct jtrial *t, const char *a,
			const char *b, const union hp_scalar *ra, const union hp_scalar *rb,
			struct target_result *res)
{
	const struct jshape *sh = &j->shapes[t->shape];
	uint64_t off = 0, e = 0, i;
	size_t k;

	if (j->k->allow & TA_NONDETERMINISTIC || j->ref_nondet)
		return 0;
	for (k = 0; k < j->nbuf; k++) {
		unsigned size = j->buf_esize[k];
		if (!(j->k->params[j->buf_param[k]].dir & TD_OUT))
			continue;
		for (i = 0; i < (uint64_t)sh->extent[k]; i++, e++, off += size)
			if (!(t->dontcare && t->dontcare[e]) && memcmp(a + off, b + off, size)) {
				judge_set(res, TV_WRONG, NULL,
					  "nondeterministic: '%s'[%llu] differs between two runs on the same inputs on %s",
					  j->buf_name[k], (unsigned long long)i, sh->text);
				return -1;
			}
	}
	if (j->k->ret_kind != TS_OTHER && memcmp(ra->raw, rb->raw, j->k->ret_size)) {
		judge_set(res, TV_WRONG, NULL,
			  "nondeterministic: the return value differs between two runs on %s", sh->text);
		return -1;
	}
	return 0;
}

/* One checked call; the reply stays in `reply` and is parsed into r. */
static int checked_call(struct judge *j, struct hproc *h, const struct jtrial *t,
			uint32_t flags, uint32_t delay_us, struct strbuf *reply, struct jreply *r,
			struct target_result *res)
{
	struct hp_run rq;
	uint64_t counts[65], out = judge_out_bytes(j, t);
	struct iovec iov[4];
	int niov, st;
	double timeout = 5.0 + 30.0 * t->ref_s + (double)(t->in.len + out) / 1e8 + delay_us * 1e-6;

	judge_run_request(j, t, &rq, counts, iov, &niov, 0);
	rq.flags |= flags;
	rq.delay_us = delay_us;
	st = hproc_cmd(h, HP_CALL, iov, niov, HP_R_CALL, reply,
		       sizeof(struct hp_run_res) + 32 + 8 * j->nbuf + out, timeout);
	if (st != HPROC_OK) {
		judge_failure(j, h, st, t, res);
		return -1;
	}
	if (judge_parse_reply(j, t, reply, r) < 0) {
		judge_set(res, TV_REJECTED, "channel", "malformed reply on the judge's channel");
		return -1;
	}
	if (judge_reply_checks(j, t, r, 0, res) < 0 || judge_compare(j, t, r->out, r->ret, res) < 0)
		return -1;
	return 0;
}

int judge_check(struct judge *j, struct hproc *h, int quick, struct target_result *res)
{
	struct strbuf first = STRBUF_INIT, second = STRBUF_INIT;
	struct jreply r1, r2;
	size_t i;
	int ret = -1, shapes = 0;

	for (i = 0; i < j->nr_trials; i++) {
		const struct jtrial *t = &j->trials[i];
		int new_shape = i == 0 || j->trials[i - 1].shape != t->shape;
		if (t->timing)
			continue;
		if (quick) {
			if (new_shape && j->shapes[t->shape].cls != JS_BENCH &&
			    checked_call(j, h, t, 0, 0, &first, &r1, res) < 0)
				goto out;
			continue;
		}
		if (new_shape) {
			/* a delay on the first call: outputs must not change after return */
			if (checked_call(j, h, t, 0, shapes++ ? 0 : 2000, &first, &r1, res) < 0 ||
			    checked_call(j, h, t, 0, 0, &second, &r2, res) < 0 ||
			    same_outputs(j, t, r1.out, r2.out, r1.ret, r2.ret, res) < 0)
				goto out;
		} else if (checked_call(j, h, t, HP_F_REUSE, 0, &second, &r2, res) < 0) {
			goto out;
		}
	}
	ret = 0;
out:
	strbuf_release(&first);
	strbuf_release(&second);
	return ret;
}
