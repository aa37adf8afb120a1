/* reduce: grid-stride partial sums in double per block, then the host adds
 * the per-block results. */
#include <cuda_runtime.h>
#include <stdlib.h>

#define B 256
#define G 1024

__global__ static void reduce_k(int n, const float *x, double *part)
{
	__shared__ double s[B];
	double acc = 0.0;

	for (int i = blockIdx.x * B + threadIdx.x; i < n; i += G * B)
		acc += x[i];
	s[threadIdx.x] = acc;
	__syncthreads();
	for (int w = B / 2; w > 0; w /= 2) {
		if (threadIdx.x < w)
			s[threadIdx.x] += s[threadIdx.x + w];
		__syncthreads();
	}
	if (!threadIdx.x)
		part[blockIdx.x] = s[0];
}

extern "C" float reduce(int n, const float *x)
{
	static double part[G];
	float *dx;
	double *dp, sum = 0.0;

	cudaMalloc(&dx, (size_t)n * sizeof(float));
	cudaMalloc(&dp, G * sizeof(double));
	cudaMemcpy(dx, x, (size_t)n * sizeof(float), cudaMemcpyHostToDevice);
	reduce_k<<<G, B>>>(n, dx, dp);
	cudaMemcpy(part, dp, G * sizeof(double), cudaMemcpyDeviceToHost);
	for (int i = 0; i < G; i++)
		sum += part[i];
	cudaFree(dx);
	cudaFree(dp);
	return (float)sum;
}
