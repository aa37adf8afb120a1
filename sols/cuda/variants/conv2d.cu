/* conv2d: one thread per output, the filter in constant memory. */
#include <cuda_runtime.h>

__constant__ float cf[15 * 15];

__global__ static void conv2d_k(int w, int k, int oh, int ow, const float *x, float *y)
{
	int j = blockIdx.x * blockDim.x + threadIdx.x, i = blockIdx.y * blockDim.y + threadIdx.y;
	float s = 0.0f;

	if (i >= oh || j >= ow)
		return;
	for (int p = 0; p < k; p++)
		for (int q = 0; q < k; q++)
			s += x[(size_t)(i + p) * w + j + q] * cf[p * k + q];
	y[(size_t)i * ow + j] = s;
}

extern "C" void conv2d(int h, int w, int k, const float *x, const float *f, float *y)
{
	int oh = h - k + 1, ow = w - k + 1;
	float *dx, *dy;

	cudaMalloc(&dx, (size_t)h * w * sizeof(float));
	cudaMalloc(&dy, (size_t)oh * ow * sizeof(float));
	cudaMemcpy(dx, x, (size_t)h * w * sizeof(float), cudaMemcpyHostToDevice);
	cudaMemcpyToSymbol(cf, f, (size_t)k * k * sizeof(float));
	conv2d_k<<<dim3((ow + 31) / 32, (oh + 7) / 8), dim3(32, 8)>>>(w, k, oh, ow, dx, dy);
	cudaMemcpy(y, dy, (size_t)oh * ow * sizeof(float), cudaMemcpyDeviceToHost);
	cudaFree(dx);
	cudaFree(dy);
}
