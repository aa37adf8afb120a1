/* The cuda target's descriptor: an NVIDIA GPU through nvcc. */
#include "cudainfo.h"
#include "cudajudge.h"
#include "target.h"

const struct target target_cuda = {
	.name = "cuda",
	.prompts_dir = "cuda",
	.description = "an NVIDIA GPU (device 0), CUDA C++ variants built by nvcc",
	.policy_version = CUDA_POLICY_VERSION,
	.fingerprint = cudainfo_fingerprint,
	.fingerprint_json = cudainfo_json,
	.evaluate = cuda_evaluate,
};
