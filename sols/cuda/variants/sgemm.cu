/* sgemm: 32x32 shared-memory tiles, one output per thread. */
#include <cuda_runtime.h>

#define T 32

__global__ static void sgemm_k(int n, int m, int k, const float *a, const float *b, float *c)
{
	__shared__ float as[T][T], bs[T][T + 1];
	int row = blockIdx.y * T + threadIdx.y, col = blockIdx.x * T + threadIdx.x;
	float s = 0.0f;

	for (int p0 = 0; p0 < k; p0 += T) {
		as[threadIdx.y][threadIdx.x] = row < n && p0 + threadIdx.x < k ?
			a[(size_t)row * k + p0 + threadIdx.x] : 0.0f;
		bs[threadIdx.y][threadIdx.x] = col < m && p0 + threadIdx.y < k ?
			b[(size_t)(p0 + threadIdx.y) * m + col] : 0.0f;
		__syncthreads();
		for (int p = 0; p < T; p++)
			s += as[threadIdx.y][p] * bs[p][threadIdx.x];
		__syncthreads();
	}
	if (row < n && col < m)
		c[(size_t)row * m + col] = s;
}

extern "C" void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	float *da, *db, *dc;

	cudaMalloc(&da, (size_t)n * k * sizeof(float));
	cudaMalloc(&db, (size_t)k * m * sizeof(float));
	cudaMalloc(&dc, (size_t)n * m * sizeof(float));
	cudaMemcpy(da, a, (size_t)n * k * sizeof(float), cudaMemcpyHostToDevice);
	cudaMemcpy(db, b, (size_t)k * m * sizeof(float), cudaMemcpyHostToDevice);
	sgemm_k<<<dim3((m + T - 1) / T, (n + T - 1) / T), dim3(T, T)>>>(n, m, k, da, db, dc);
	cudaMemcpy(c, dc, (size_t)n * m * sizeof(float), cudaMemcpyDeviceToHost);
	cudaFree(da);
	cudaFree(db);
	cudaFree(dc);
}
