#ifndef ACCC_CUDAJUDGE_H
#define ACCC_CUDAJUDGE_H
/*
 * The cuda target's judge (targets/README.md, "cuda").  Without a GPU or
 * nvcc it judges nothing: every result says why and it returns -1, so the
 * caller keeps the original (memory(host)) or the translation
 * (memory(device)).
 */
#include "target.h"

#define CUDA_POLICY_VERSION 1

int cuda_evaluate(const struct target_kernel *k, const char *const *cands, size_t n,
		  const struct target_options *opt, struct target_result *res);

#endif
