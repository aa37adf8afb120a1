#ifndef ACCC_JUDGE_INT_H
#define ACCC_JUDGE_INT_H
/*
 * Internals of the host judge, shared by judge*.c.  One struct judge lives
 * for one evaluate() call: the kernel, its shapes and trials (inputs and
 * reference outputs, kept in the judge's memory: they never enter a
 * candidate's process), and the running reference harness.
 */
#include "hproc.h"
#include "objcheck.h"
#include "rt/proto.h"
#include "strbuf.h"
#include "strvec.h"
#include "target.h"

enum jshape_class { JS_BENCH = 0, JS_TINY, JS_RAGGED, JS_UNSEEN };

struct jshape {
	union hp_scalar *s;     /* nparam values (drawn init scalars included) */
	int64_t *extent;        /* nbuf element counts */
	double *ia, *ib;        /* nparam init bounds (NaN: none) */
	double flops, bytes;    /* NaN when absent */
	enum jshape_class cls;
	char *text;             /* "n=17 m=3 (ragged)" */
	uint64_t in_bytes, out_bytes;
};

struct jtrial {
	size_t shape;
	struct strbuf in;       /* input bytes of in/inout buffers, buffer order */
	uint64_t *in_hash;      /* nbuf: hash of each input buffer (0 otherwise) */
	struct strbuf ref;      /* reference outputs of out/inout buffers */
	union hp_scalar ref_ret;
	unsigned char *dontcare;/* per output element (+1 for the return): the
				 * reference leaves it unwritten; NULL: none */
	double ref_s;           /* one reference call, seconds */
	int timing;             /* used by the timing phase */
};

struct jrng {
	uint64_t s[4];
};

struct judge {
	const struct target_kernel *k;
	struct target_options opt;
	size_t nparam, nbuf;
	size_t *buf_param;      /* nbuf: parameter index of each buffer */
	const char **buf_name;  /* nbuf + 1 ("return" last) */
	unsigned *buf_esize;    /* nbuf */
	struct strbuf root;     /* scratch root (absolute) */
	int root_cleanup;       /* its cleanup handle: gone on a signal too */
	const char *cc;
	int clang;
	struct strvec cflags;   /* the user's flags, filtered */
	char *harness_o, *ref_o, *ref_exe;
	struct objinfo ref_obj;
	struct jrng rng;        /* secret */
	struct jshape *shapes;
	size_t nr_shapes;
	struct jtrial *trials;
	size_t nr_trials;
	int ref_nondet;         /* the reference itself differs run to run */
	int cpu;                /* runs pinned here, or -1 */
	int lock_fd;
	struct hproc ref;
	int ref_running;
	char *ref_error;        /* why the reference failed, for results */
	unsigned long long run_mem; /* RLIMIT_AS for candidate runs */
	double base_ir;         /* reference instructions per call (0: not yet) */
	char *valgrind;         /* path, or NULL when not installed */
	/*
	 * The cuda target (targets/cuda/): candidates are CUDA C++ built by
	 * nvcc, harnesses link the CUDA runtime, initialize it before the
	 * first call and synchronize and check for errors after every call.
	 */
	int cuda;
	const char *nvcc;
	const char *const *nvcc_flags;  /* NULL-terminated */
	const char *cuda_lib;           /* folder holding libcudart.so */
};

/* Judge on the host CPU (cuda 0) or with CUDA harnesses (cuda 1: j->nvcc... from
 * `cu`); what host_evaluate and cuda_evaluate share. */
struct judge_cuda {
	const char *nvcc;
	const char *const *nvcc_flags;
	const char *cuda_lib;
};
int judge_evaluate(const struct target_kernel *k, const char *const *cands, size_t n,
		   const struct target_options *opt, const struct judge_cuda *cu,
		   struct target_result *res);

/* judge.c */
void judge_set(struct target_result *r, enum target_verdict v, const char *rule,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int judge_mkdir(struct judge *j, struct strbuf *ret, const char *name);
/* Start options for a harness run of `exe` in `scratch`. */
void judge_run_opts(struct judge *j, struct hproc_start_opts *o, const char *exe,
		    const char *scratch, int valgrind);
/* Start a harness for `exe`; 0, or -1 with res set (when res != NULL). */
int judge_start(struct judge *j, struct hproc *h, const char *exe, const char *scratch,
		int valgrind, struct target_result *res);

int judge_restart_reference(struct judge *j);

/* judge_build.c: build harness, reference and candidates (in parallel). */
int judge_build_reference(struct judge *j);
/* Fills exes[i] (caller frees) or sets res[i] to its verdict. */
void judge_build_candidates(struct judge *j, const char *const *cands, size_t n,
			    struct target_result *res, char **exes);

/* judge_data.c: secret randomness, inputs, shapes, reference outputs. */
void jrng_seed(struct jrng *r, uint64_t seed);
uint64_t jrng_next(struct jrng *r);
double jrng_unit(struct jrng *r);
int judge_select_shapes(struct judge *j);
int judge_make_trials(struct judge *j);
void judge_free_data(struct judge *j);
/* The request payload of a CALL/TIME for trial t. */
void judge_run_request(struct judge *j, const struct jtrial *t, struct hp_run *rq,
		       uint64_t *counts, struct iovec *iov, int *niov, int keep);
uint64_t judge_out_bytes(const struct judge *j, const struct jtrial *t);

/* judge_check.c: correctness of one candidate; 0 ok, else res is set.
 * quick: one call per shape that is not a benchmark shape (sanitizer runs). */
int judge_check(struct judge *j, struct hproc *h, int quick, struct target_result *res);
/* Set res from a harness failure (fault, syscall, timeout...). */
void judge_failure(struct judge *j, struct hproc *h, int status, const struct jtrial *t,
		   struct target_result *res);
/* Compare outputs (out/inout bytes then the return) against trial t. */
int judge_compare(struct judge *j, const struct jtrial *t, const char *out,
		  const union hp_scalar *ret, struct target_result *res);
/* Parse a run reply; returns pointers into `reply`. */
struct jreply {
	const struct hp_run_res *res;
	const double *samples;
	const uint64_t *hashes;
	const uint64_t *in_hash;
	const union hp_scalar *ret;     /* points at retv */
	const char *out;
	union hp_scalar retv;           /* copied: the reply has no alignment */
};
int judge_parse_reply(const struct judge *j, const struct jtrial *t,
		      const struct strbuf *reply, struct jreply *ret);
/* The reply checks every run shares: inputs unchanged, canaries, ABI and
 * FP environment, outputs stable after the call; unless `fresh` (every call
 * had its own inputs), all calls' outputs alike.  0 ok, else res is set. */
int judge_reply_checks(struct judge *j, const struct jtrial *t, const struct jreply *r,
		       int fresh, struct target_result *res);
/* The default or pragma tolerance for output buffer b of trial t. */
void judge_tolerance(const struct judge *j, const struct jtrial *t, size_t b,
		     double *rtol, double *atol_scale);

/* judge_time.c */
/* The machine's measurement lock (one per machine, see judge_time.c). */
const char *judge_lock_path(void);
/* Take the machine's measurement lock (waits); the descriptor to close, or
 * -1 when it cannot be opened (the caller measures anyway). */
int judge_machine_lock(void);
int judge_lock(struct judge *j);
void judge_unlock(struct judge *j);
/* Time candidate h against the reference; fills res->timing. 0, or -1 with
 * res set (a timing-phase failure is a verdict too). */
int judge_time(struct judge *j, struct hproc *h, const char *exe, const char *scratch,
	       struct target_result *res);
int judge_instructions(struct judge *j, const char *exe, const char *scratch,
		       double *ret_ir, struct strbuf *cache_summary);
void judge_stats(const double *x, size_t n, double *median, double *spread);

#endif
