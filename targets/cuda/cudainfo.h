#ifndef ACCC_CUDAINFO_H
#define ACCC_CUDAINFO_H
/*
 * The cuda target's fingerprint: the GPU (device 0 of what CUDA_VISIBLE_DEVICES
 * shows), read through the driver API by dlopen("libcuda.so.1") in a child
 * process (accc links no CUDA library and keeps no GPU context), and nvcc:
 * its path, its identity and the flags variants are built with.  The text
 * form goes into cache keys: stable "key value" lines in a fixed order, no
 * clocks, no temperatures, no free memory.
 */
#include "strbuf.h"

struct cudainfo {
	int ok;                 /* a GPU answered */
	char why[256];          /* when not ok: why, one line */
	char name[128];
	int cc_major, cc_minor;
	int sms;
	unsigned long long mem; /* bytes */
	int l2;                 /* bytes */
	int smem_per_sm;        /* bytes of shared memory per SM */
	int regs_per_sm;
	int driver;             /* cuDriverGetVersion: 13000 = 13.0 */
	char arch[16];          /* "sm_90a" */
	char nvcc[256];         /* path, "" when not found */
	char nvcc_id[128];      /* "release 13.0, V13.0.88" */
};

/* Fill *ci (cached per process).  Never fails; ok says whether a GPU answered. */
const struct cudainfo *cudainfo_get(void);
/* The nvcc to use: $ACCC_NVCC, /usr/local/cuda/bin/nvcc, then nvcc on PATH;
 * NULL when none runs. */
const char *cudainfo_nvcc(void);
/* Append nvcc's code-generation flags for this GPU ("-O3 -arch=sm_90a"). */
void cudainfo_nvcc_flags(struct strbuf *out, const struct cudainfo *ci);

/* Append the stable fingerprint text; -1 (with the reason in the text as
 * "error ...") when there is no GPU or no nvcc. */
int cudainfo_fingerprint(struct strbuf *out);
/* Append a JSON object: the fields and the fingerprint text, or the reason. */
int cudainfo_json(struct strbuf *out);

#endif
