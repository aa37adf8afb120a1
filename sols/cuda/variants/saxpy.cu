/* saxpy: copy in, one thread per element, copy out. */
#include <cuda_runtime.h>

__global__ static void saxpy_k(int n, float a, const float *x, float *y)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n)
		y[i] = a * x[i] + y[i];
}

extern "C" void saxpy(int n, float a, const float *x, float *y)
{
	float *dx, *dy;
	size_t bytes = (size_t)n * sizeof(float);

	if (n <= 0)
		return;
	cudaMalloc(&dx, bytes);
	cudaMalloc(&dy, bytes);
	cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice);
	cudaMemcpy(dy, y, bytes, cudaMemcpyHostToDevice);
	saxpy_k<<<(n + 255) / 256, 256>>>(n, a, dx, dy);
	cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost);
	cudaFree(dx);
	cudaFree(dy);
}
