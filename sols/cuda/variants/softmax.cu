/* softmax: one block per row, block-wide max and sum in shared memory. */
#include <cuda_runtime.h>

#define B 256

__device__ static float block_reduce(float v, float *s, int is_max)
{
	s[threadIdx.x] = v;
	__syncthreads();
	for (int w = B / 2; w > 0; w /= 2) {
		if (threadIdx.x < w)
			s[threadIdx.x] = is_max ? fmaxf(s[threadIdx.x], s[threadIdx.x + w]) :
						  s[threadIdx.x] + s[threadIdx.x + w];
		__syncthreads();
	}
	v = s[0];
	__syncthreads();
	return v;
}

__global__ static void softmax_k(int c, const float *x, float *y)
{
	__shared__ float s[B];
	const float *xr = x + (size_t)blockIdx.x * c;
	float *yr = y + (size_t)blockIdx.x * c;
	float m = -INFINITY, sum = 0.0f;

	for (int j = threadIdx.x; j < c; j += B)
		m = fmaxf(m, xr[j]);
	m = block_reduce(m, s, 1);
	for (int j = threadIdx.x; j < c; j += B)
		sum += expf(xr[j] - m);
	sum = block_reduce(sum, s, 0);
	for (int j = threadIdx.x; j < c; j += B)
		yr[j] = expf(xr[j] - m) / sum;
}

extern "C" void softmax(int r, int c, const float *x, float *y)
{
	size_t bytes = (size_t)r * c * sizeof(float);
	float *dx, *dy;

	cudaMalloc(&dx, bytes);
	cudaMalloc(&dy, bytes);
	cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice);
	softmax_k<<<r, B>>>(c, dx, dy);
	cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost);
	cudaFree(dx);
	cudaFree(dy);
}
