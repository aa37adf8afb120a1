#ifndef ACCC_TARGET_H
#define ACCC_TARGET_H
/*
 * The target interface: one const descriptor per hardware target, `host`
 * first.  A target answers what hardware this is (fingerprint), and judges
 * candidate variants of a kernel against the original on that hardware
 * (evaluate): builds them, checks them, runs them sandboxed, times them.
 * EVALUATION.md is the protocol every target keeps.
 *
 * The kernel description below is filled by passes/ from the parsed pragma
 * and the extracted unit; targets/ never includes pragma.h, so the enum
 * values are repeated here and kept equal to pragma.h's (a static assert in
 * passes/ can pin them).  Every pointer in a description is borrowed: the
 * caller keeps it alive for the duration of the call.
 */
#include "strbuf.h"

#include <stddef.h>
#include <stdint.h>

/* NULL-terminated list of target names a pragma may name. */
extern const char *const target_names[];

/* The kind of a scalar or of a pointer's element (= enum kscalar). */
enum target_scalar {
	TS_OTHER = 0,
	TS_BOOL,
	TS_INT,
	TS_UINT,
	TS_FLOAT,
	TS_DOUBLE,
	TS_LDOUBLE,
};

/* Direction of a buffer (= enum buf_dir); 0 for a scalar parameter. */
enum target_dir { TD_NONE = 0, TD_IN = 1, TD_OUT = 2, TD_INOUT = 3 };

/* Input distribution (= enum dist_kind); TDIST_DEFAULT when no init clause. */
enum target_dist {
	TDIST_DEFAULT = 0,
	TDIST_UNIFORM,  /* floats in [a, b); integers in [a, b] */
	TDIST_NORMAL,   /* mean a, standard deviation b (rounded for integers) */
	TDIST_RANGE,    /* integers in [a, b); floats like uniform */
	TDIST_CONST,    /* every element a */
};

/* Permissions a pragma grants with allow(...) (= enum pragma_allow). */
enum target_allow {
	TA_FAST_MATH = 1 << 0,
	TA_OPTIMIZE = 1 << 1,
	TA_SYSCALL = 1 << 2,
	TA_NONDETERMINISTIC = 1 << 3,
	TA_TF32 = 1 << 4,
	TA_ASM = 1 << 5,
};

struct target_param {
	const char *name;
	const char *elem_type;  /* as spelled ("float"); informational */
	enum target_scalar kind;
	unsigned size;          /* sizeof the scalar, or of the pointee */
	int is_pointer;         /* pointer to a scalar (one level) */
	int is_const;           /* pointee is const */
	enum target_dir dir;    /* pointers: from in/out/inout */
	const char *extent;     /* pointers: element count, C expression text */
	enum target_dist init;
	const char *init_a, *init_b; /* expression texts (b NULL for const) */
};

struct target_bind {
	const char *name;
	const char *value;      /* literal as written: "512", "-1.5e3" */
};

/* One args(...) clause: one benchmark shape. */
struct target_shape {
	const struct target_bind *binds;
	size_t nr;
};

struct target_kernel {
	const char *name;               /* the kernel function */
	enum target_scalar ret_kind;    /* TS_OTHER: returns void */
	unsigned ret_size;
	const struct target_param *params;
	size_t nr_params;
	const struct target_shape *shapes;
	size_t nr_shapes;
	const char *const *assumes;     /* C expression texts */
	size_t nr_assumes;
	int has_tol;
	double rtol, atol;              /* atol 0: scaled to the output, see judge.h */
	unsigned allow;                 /* enum target_allow bits */
	int memory_device;              /* memory(device): pointers are device memory */
	const char *flops, *bytes;      /* expression texts, or NULL */
	const char *cc;                 /* the real compiler (path or name) */
	const char *const *cflags;      /* NULL-terminated code-generation flags */
	const char *src_dir;            /* quote includes resolve here (or NULL) */
	/*
	 * A standalone translation unit that defines the kernel with external
	 * or internal linkage: its includes, types, macros, helpers.  Each
	 * candidate is such a unit too, with the variant spliced in.
	 */
	const char *reference_src;
};

enum target_verdict {
	TV_OK = 0,
	TV_COMPILE_ERROR,  /* the compiler refused it: detail holds its message */
	TV_WRONG,          /* a mismatch: buffer, index, got, want, shape */
	TV_CRASH,          /* a fatal signal or an exit during a call */
	TV_TIMEOUT,        /* wall-clock or CPU limit */
	TV_REJECTED,       /* a policy rule: rule names it */
	TV_ERROR,          /* the judge itself failed on this candidate */
};

enum target_metric { TM_TIME = 0, TM_INSTRUCTIONS };

struct target_timing {
	const char *metric;     /* "time" (seconds per call) or "instructions" */
	double base, cand;      /* median per call */
	double base_spread;     /* relative robust spread (1.4826 MAD / median) */
	double cand_spread;
	double speedup;         /* median of the paired base/cand ratios */
	double noise;           /* relative noise floor the speedup must clear */
	int faster;             /* speedup > 1 + noise and the sign test holds */
	int rounds;             /* interleaved base/candidate rounds */
	int noisy;              /* spread stayed too wide after re-measuring */
	int strict;             /* re-measured under the strict checks */
	double gflops, gbytes;  /* from flops()/bytes() at the first shape, or 0 */
	/* Roofline (peaks.h), metric "time" with the peaks measured: % of the
	 * bound at the first shape for the candidate and the original, the
	 * bound (GFLOP/s, or GB/s with only bytes()), the bandwidth level and
	 * precision used; else roof_missing says why (static text). */
	double roofline, base_roofline, roof_bound, peak_gflops, peak_gbytes;
	const char *roof_level, *roof_precision, *roof_missing;
};

struct target_result {
	enum target_verdict verdict;
	char *reason;           /* one line, always set */
	char *detail;           /* compiler message, candidate output, or NULL */
	char *rule;             /* TV_REJECTED: the rule ("import", ...) */
	/* TV_WRONG: the first mismatch */
	char *buffer;           /* parameter name, or "return" */
	long long index;
	double got, want;
	char *shape;            /* "n=17 m=3" */
	int signal;             /* TV_CRASH: the signal, 0 for an exit */
	int timed;              /* timing is valid */
	struct target_timing timing;
	char *feedback;         /* vectorization remarks etc., or NULL */
	double build_s, check_s, time_s;
};

struct target_options {
	const char *lock_dir;   /* measurement lock "<dir>/measure"; NULL: none */
	const char *work_dir;   /* scratch parent; NULL: $TMPDIR or /tmp */
	enum target_metric metric;
	int jobs;               /* parallel builds; 0: online CPUs */
	double min_time_s;      /* per timing batch; 0: 0.02 */
	int rounds;             /* interleaved rounds; 0: 9 (3 per process pair) */
	int max_rounds;         /* when the spread is wide; 0: 21 */
	double min_noise;       /* noise floor never below this; 0: 0.02 */
	double max_spread;      /* re-measure above this spread; 0: 0.05 */
	uint64_t seed;          /* 0: a secret one from getrandom() */
	int no_timing;          /* correctness only */
	int feedback;           /* compiler vectorization remarks */
	int sanitize;           /* also run a -fsanitize=undefined build (small shapes) */
	int cachegrind;         /* cache-miss figures under valgrind (slow) */
	int cpu;                /* pin runs to this CPU; -1: the last allowed; -2: none */
	int keep;               /* keep the scratch folder (prints nothing) */
	long build_timeout_ms;  /* 0: 60000 */
	long run_timeout_ms;    /* whole candidate run; 0: 120000 */
	const char *peaks_file; /* measured peaks (`accc hw --peaks`), or NULL */
	/*
	 * Tests only: skip the source and object checks, so that the suite can
	 * prove the runtime defenses catch each cheat on their own too.
	 */
	int no_static_checks;
};

struct target {
	const char *name;
	const char *prompts_dir;        /* under prompts/ */
	const char *description;
	/* The evaluation-policy version: part of every cache key, raised when
	 * the judge gets stricter so that stored winners are judged again. */
	int policy_version;
	/* Stable text for cache keys (no clock speeds, no load figures). */
	int (*fingerprint)(struct strbuf *out);
	/* The fingerprint and more, as a JSON object. */
	int (*fingerprint_json)(struct strbuf *out);
	/*
	 * Judge candidate units cands[0..n) against k->reference_src; fills
	 * res[0..n) (release each with target_result_release).  Returns 0, or
	 * -1 when the reference itself cannot be built or run (then no result
	 * is meaningful and the caller falls back to the original kernel).
	 */
	int (*evaluate)(const struct target_kernel *k, const char *const *cands,
			size_t n, const struct target_options *opt,
			struct target_result *res);
};

/* The registry, NULL-terminated; target_list[0] is host. */
extern const struct target *const target_list[];
/* The descriptor named `name`, or NULL. */
const struct target *target_find(const char *name);

void target_options_init(struct target_options *opt);
void target_result_release(struct target_result *r);
const char *target_verdict_name(enum target_verdict v);
/* Append the result as a JSON object (for `accc judge --json`, artifacts). */
void target_result_json(struct strbuf *out, const struct target_result *r);
/*
 * Whether `a` beats `b` beyond the noise: both measured in one evaluate
 * call (each against the same baseline), e.g. a child and its parent.
 */
/* Add the timing's roofline figures to a JSON object as "roofline": an
 * object with percent, base_percent, bound, peaks, level and precision,
 * or {"missing": why}. */
struct cJSON;
void target_roofline_json(struct cJSON *parent, const struct target_timing *t);
int target_beats(const struct target_timing *a, const struct target_timing *b);

#endif
