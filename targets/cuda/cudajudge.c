/*
 * The cuda target's judge: the judge core with CUDA harnesses (memory(host):
 * the variant takes host pointers and is judged end to end, transfers
 * included, against the C original on the CPU).
 */
#include "cudajudge.h"
#include "cudainfo.h"
#include "judge_int.h"
#include "log.h"
#include "strvec.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fail_all(struct target_result *res, size_t n, const char *why)
{
	size_t i;

	memset(res, 0, n * sizeof(*res));
	for (i = 0; i < n; i++) {
		res[i].verdict = TV_ERROR;
		res[i].reason = xstrdup(why);
	}
}

/* The folder of libcudart.so next to nvcc (<cuda>/bin/nvcc -> <cuda>/lib64). */
static char *cuda_lib_dir(const char *nvcc)
{
	const char *slash = strrchr(nvcc, '/');
	char *dir;

	if (!slash)
		return xstrdup("/usr/local/cuda/lib64");
	dir = xstrfmt("%.*s/../lib64", (int)(slash - nvcc), nvcc);
	if (access(dir, F_OK)) {
		free(dir);
		dir = xstrdup("/usr/local/cuda/lib64");
	}
	return dir;
}

int cuda_evaluate(const struct target_kernel *k, const char *const *cands, size_t n,
		  const struct target_options *opt, struct target_result *res)
{
	const struct cudainfo *ci = cudainfo_get();
	struct strbuf flags = STRBUF_INIT;
	struct strvec fv = STRVEC_INIT;
	struct judge_cuda cu;
	char *why = NULL, *lib, *save = NULL, *tok;
	int ret;

	if (!ci->ok)
		why = xstrfmt("no GPU: %s", ci->why);
	else if (!ci->nvcc[0])
		why = xstrdup("no nvcc (set ACCC_NVCC, or install CUDA in /usr/local/cuda)");
	else if (k->memory_device)
		why = xstrdup("memory(device) kernels are not judged yet");
	if (why) {
		fail_all(res, n, why);
		log_msg("cuda: kernel '%s': %s", k->name, why);
		free(why);
		return -1;
	}
	cudainfo_nvcc_flags(&flags, ci);
	for (tok = strtok_r(flags.buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		strvec_push(&fv, tok);
	lib = cuda_lib_dir(ci->nvcc);
	cu.nvcc = ci->nvcc;
	cu.nvcc_flags = fv.v;
	cu.cuda_lib = lib;
	ret = judge_evaluate(k, cands, n, opt, &cu, res);
	free(lib);
	strvec_clear(&fv);
	strbuf_release(&flags);
	return ret;
}
