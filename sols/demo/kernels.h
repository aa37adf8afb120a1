#ifndef DEMO_KERNELS_H
#define DEMO_KERNELS_H
void saxpy(int n, float a, const float *x, float *y);
double dot(int n, const double *x, const double *y);
void sgemm(int n, int m, int k, const float *a, const float *b, float *c);
void histogram(int n, const unsigned char *data, unsigned *bins);
#endif
