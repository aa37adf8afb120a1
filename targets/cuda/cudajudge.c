#include "cudajudge.h"
#include "cudainfo.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static void fail_all(struct target_result *res, size_t n, const char *why)
{
	size_t i;

	memset(res, 0, n * sizeof(*res));
	for (i = 0; i < n; i++) {
		res[i].verdict = TV_ERROR;
		res[i].reason = xstrdup(why);
	}
}

int cuda_evaluate(const struct target_kernel *k, const char *const *cands, size_t n,
		  const struct target_options *opt, struct target_result *res)
{
	const struct cudainfo *ci = cudainfo_get();
	char *why;

	if (!ci->ok)
		why = xstrfmt("no GPU: %s", ci->why);
	else if (!ci->nvcc[0])
		why = xstrdup("no nvcc (set ACCC_NVCC, or install CUDA in /usr/local/cuda)");
	else
		why = xstrdup("the GPU judge cannot run this kernel yet");
	fail_all(res, n, why);
	log_msg("cuda: kernel '%s': %s", k->name, why);
	free(why);
	return -1;
}
