#ifndef ACCC_HPROTO_H
#define ACCC_HPROTO_H
/*
 * The wire protocol between the judge (parent) and a harness process (the
 * runtime in harness_rt.c linked with one kernel object).  It travels on a
 * socketpair that is fd HP_FD in the harness: never stdout or stderr, which
 * belong to the candidate and are never parsed.
 *
 * Every message is a struct hp_hdr followed by `len` payload bytes.  Both
 * sides are x86-64 builds of the same compiler family, so payloads are plain
 * structs of fixed-width fields.  A harness answers each command with
 * exactly one reply, except that a CALL or TIME is preceded by a LAYOUT
 * (buffer addresses, so that a fault can be attributed to a buffer) and a
 * FAULT or SYSCALL message may arrive instead of any reply (the process
 * then exits).
 *
 * This header is compiled into the judge and also embedded, as text, in
 * every generated harness; change HP_VERSION with any layout change.
 */
#include <stdint.h>

#define HP_MAGIC 0x4a554447u /* "JUDG" */
#define HP_VERSION 4
#define HP_FD 3
#define HP_MAX_MSG (1ull << 34) /* 16 GiB: anything larger is garbage */

enum hp_type {
	/* commands, parent -> harness */
	HP_SPEC = 1,  /* evaluate assumes, extents, init bounds for shapes */
	HP_CALL = 2,  /* one checked call */
	HP_TIME = 3,  /* a timing batch */
	HP_NOP = 4,   /* round trip, for the overhead */
	HP_QUIT = 5,
	/* replies, harness -> parent */
	HP_R_READY = 101,
	HP_R_SPEC = 102,
	HP_R_LAYOUT = 103,
	HP_R_CALL = 104,
	HP_R_TIME = 105,
	HP_R_NOP = 106,
	HP_R_FAULT = 107,   /* a fatal signal; the process exits */
	HP_R_SYSCALL = 108, /* a system call the seccomp filter refused */
	HP_R_ERROR = 109,   /* harness-side failure (out of memory, bad message) */
};

struct hp_hdr {
	uint32_t magic;
	uint32_t type;
	uint64_t len;
};

/* One scalar parameter value; the field used follows the parameter's kind. */
union hp_scalar {
	int64_t i;
	uint64_t u;
	double d;
	long double ld;
	unsigned char raw[16];
};

struct hp_ready {
	uint32_t version, nparam, nbuf, pagesize;
	uint32_t seccomp;   /* 1 when the system-call filter is on */
	uint32_t avx512;    /* 1 when zmm16-31 are cleared before calls */
};

/* SPEC: struct hp_spec_req, then count * nparam scalars. */
struct hp_spec_req {
	uint32_t count, pad;
};
/* SPEC reply, per shape: struct hp_spec_res, int64 extent[nbuf],
 * double init_a[nparam], double init_b[nparam] (NaN where no init). */
struct hp_spec_res {
	int32_t ok;          /* every assume holds */
	int32_t pad;
	double flops, bytes; /* NaN when absent */
};

enum hp_flags {
	HP_F_KEEP = 1 << 0,   /* keep the previous buffers and inputs as they are */
	HP_F_REUSE = 1 << 1,  /* same addresses as before, new input contents */
	/* every call gets its own inputs: each in/inout buffer is the inputs
	 * sent (kept read-only) rotated by hp_rot(nonce, call, buffer) elements;
	 * call = first_call + i for the i-th timed call (warm-up calls use
	 * indexes from HP_WARM_CALL) */
	HP_F_FRESH = 1 << 2,
};
#define HP_WARM_CALL 0x80000000u

/*
 * CALL / TIME request: struct hp_run, nparam scalars, uint64 count[nbuf],
 * then (unless HP_F_KEEP) the input bytes of every in/inout buffer in
 * buffer order.  CALL is TIME with min_samples = max_samples = 1, warmup 0.
 */
struct hp_run {
	uint32_t flags;
	uint32_t delay_us;     /* sleep this long after the last call, then rehash */
	uint64_t poison_seed;  /* output poison and stack scrub pattern */
	uint64_t min_ns;       /* TIME: keep sampling until this much call time */
	uint32_t min_samples, max_samples;
	uint32_t warmup;       /* untimed calls first */
	uint32_t first_call;   /* HP_F_FRESH: the index of the first timed call */
	uint64_t nonce;        /* HP_F_FRESH: per-batch secret, from the judge */
};

/* LAYOUT: uint64 base[nbuf], uint64 bytes[nbuf] (before the first call). */

/*
 * CALL / TIME reply: struct hp_run_res, double sample_ns[nsamples],
 * uint64 sample_hash[nsamples] (a sparse hash of the outputs after each
 * call: every 64th word from a random offset, and each output's last word),
 * uint64 in_hash[nbuf], the return value (one scalar), then the output
 * bytes of every out/inout buffer in buffer order.  out_hash and late_hash
 * hash all of them (hp_hash, buffer by buffer, seeded with the return).
 */
struct hp_run_res {
	uint32_t nsamples;
	uint32_t fp_ok;       /* MXCSR and x87 control word unchanged by calls */
	uint32_t canary_ok;   /* the slack before every buffer is untouched */
	uint32_t abi_bad;     /* enum hp_abi bits: what a call failed to preserve */
	uint64_t loop_ns;     /* wall time of the whole sampling loop */
	uint64_t out_hash;    /* outputs right after the last call */
	uint64_t late_hash;   /* the same, after delay_us */
};

enum hp_abi {
	HP_ABI_CALLEE_SAVED = 1 << 0, /* rbx, rbp, r12-r15 */
	HP_ABI_RSP = 1 << 1,
	HP_ABI_FSBASE = 1 << 2,
	HP_ABI_GSBASE = 1 << 3,
	HP_ABI_TCB = 1 << 4,          /* the thread control block header */
	HP_ABI_LIBDATA = 1 << 5,      /* libgcc's __cpu_model, __cpu_features2 */
};

/*
 * The register image the trampoline (harness_rt.c) loads before calling
 * the kernel and fills after; the offsets are used by its assembly.
 */
#define HP_MAX_STACK 24
struct hx_img {
	uint64_t gpr[6];             /* 0: rdi rsi rdx rcx r8 r9 */
	uint64_t xmm[8];             /* 48: low halves of xmm0-7 */
	uint64_t nstack;             /* 112 */
	uint64_t stack[HP_MAX_STACK];/* 120: stack arguments, first lowest */
	void *fn;                    /* 312 */
	uint64_t ret_rax, ret_rdx;   /* 320, 328 */
	uint64_t ret_xmm0;           /* 336 */
	uint64_t ret_x87;            /* 344: the kernel returns long double */
	unsigned char ret_st0[16];   /* 352 */
};

enum hp_where { HP_W_UNKNOWN = 0, HP_W_STACK = 1, HP_W_HEAP = 2 };

struct hp_fault {
	int32_t sig, code;
	uint64_t addr;
	int32_t is_write;     /* -1 unknown */
	int32_t in_call;      /* the kernel was running */
	int32_t where;        /* enum hp_where: a guard the harness knows */
	int32_t pad;
};

struct hp_syscall {
	int32_t nr, in_call;
};

/*
 * The content hash both sides use (64-bit words, then the tail); not
 * cryptographic, just fast and sensitive to every bit and position.
 */
static inline uint64_t hp_hash(const void *data, uint64_t len, uint64_t h)
{
	const unsigned char *p = (const unsigned char *)data;
	uint64_t i, w;

	h ^= 0x9e3779b97f4a7c15ull ^ len;
	for (i = 0; i + 8 <= len; i += 8) {
		__builtin_memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	h ^= h >> 32;
	return h * 0xff51afd7ed558ccdull;
}

/* HP_F_FRESH: by how many elements buffer b of call `call` is rotated. */
static inline uint64_t hp_rot(uint64_t nonce, uint32_t call, uint32_t b, uint64_t n)
{
	uint64_t z = nonce ^ ((uint64_t)call * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)(b + 1) << 56);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return n ? z % n : 0;
}

/*
 * The per-call check of a timing batch, one output buffer at a time (h
 * starts as hp_hash of the return value): every 64th word from offset
 * `off` (words), plus the buffer's last word; small buffers whole.
 */
static inline uint64_t hp_sparse(uint64_t h, const void *data, uint64_t bytes, uint64_t off)
{
	const unsigned char *p = (const unsigned char *)data;
	uint64_t i, w;

	if (bytes < 8)
		return hp_hash(p, bytes, h);
	for (i = (off % 64) * 8; i + 8 <= bytes; i += 512) {
		__builtin_memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
	}
	__builtin_memcpy(&w, p + bytes - 8, 8);
	return (h ^ w) * 0xff51afd7ed558ccdull;
}

#endif
