/* transpose: 32x32 tiles through shared memory (padded against bank conflicts). */
#include <cuda_runtime.h>

#define T 32

__global__ static void transpose_k(int n, int m, const float *a, float *b)
{
	__shared__ float t[T][T + 1];
	int x = blockIdx.x * T + threadIdx.x, y = blockIdx.y * T + threadIdx.y;

	for (int r = 0; r < T; r += 8)
		if (y + r < n && x < m)
			t[threadIdx.y + r][threadIdx.x] = a[(size_t)(y + r) * m + x];
	__syncthreads();
	x = blockIdx.y * T + threadIdx.x;
	y = blockIdx.x * T + threadIdx.y;
	for (int r = 0; r < T; r += 8)
		if (y + r < m && x < n)
			b[(size_t)(y + r) * n + x] = t[threadIdx.x][threadIdx.y + r];
}

extern "C" void transpose(int n, int m, const float *a, float *b)
{
	size_t bytes = (size_t)n * m * sizeof(float);
	float *da, *db;

	cudaMalloc(&da, bytes);
	cudaMalloc(&db, bytes);
	cudaMemcpy(da, a, bytes, cudaMemcpyHostToDevice);
	transpose_k<<<dim3((m + T - 1) / T, (n + T - 1) / T), dim3(T, 8)>>>(n, m, da, db);
	cudaMemcpy(b, db, bytes, cudaMemcpyDeviceToHost);
	cudaFree(da);
	cudaFree(db);
}
