/* layernorm: one block per row, two block-wide sums. */
#include <cuda_runtime.h>

#define B 256

__device__ static float block_sum(float v, float *s)
{
	s[threadIdx.x] = v;
	__syncthreads();
	for (int w = B / 2; w > 0; w /= 2) {
		if (threadIdx.x < w)
			s[threadIdx.x] += s[threadIdx.x + w];
		__syncthreads();
	}
	v = s[0];
	__syncthreads();
	return v;
}

__global__ static void layernorm_k(int c, const float *x, const float *g, const float *b,
				   float *y)
{
	__shared__ float s[B];
	const float *xr = x + (size_t)blockIdx.x * c;
	float *yr = y + (size_t)blockIdx.x * c;
	float mean = 0.0f, var = 0.0f;

	for (int j = threadIdx.x; j < c; j += B)
		mean += xr[j];
	mean = block_sum(mean, s) / c;
	for (int j = threadIdx.x; j < c; j += B)
		var += (xr[j] - mean) * (xr[j] - mean);
	var = block_sum(var, s) / c;
	float inv = rsqrtf(var + 1e-5f);
	for (int j = threadIdx.x; j < c; j += B)
		yr[j] = (xr[j] - mean) * inv * g[j] + b[j];
}

extern "C" void layernorm(int r, int c, const float *x, const float *g, const float *b,
			  float *y)
{
	size_t bytes = (size_t)r * c * sizeof(float);
	float *dx, *dg, *db, *dy;

	cudaMalloc(&dx, bytes);
	cudaMalloc(&dy, bytes);
	cudaMalloc(&dg, c * sizeof(float));
	cudaMalloc(&db, c * sizeof(float));
	cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice);
	cudaMemcpy(dg, g, c * sizeof(float), cudaMemcpyHostToDevice);
	cudaMemcpy(db, b, c * sizeof(float), cudaMemcpyHostToDevice);
	layernorm_k<<<r, B>>>(c, dx, dg, db, dy);
	cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost);
	cudaFree(dx);
	cudaFree(dy);
	cudaFree(dg);
	cudaFree(db);
}
