#ifndef DEMO_KERNELS_H
#define DEMO_KERNELS_H
void saxpy(int n, float a, const float *x, float *y);
double dot(int n, const double *x, const double *y);
void sgemm(int n, int m, int k, const float *a, const float *b, float *c);
void histogram(int n, const unsigned char *data, unsigned *bins);
/* The same kernels as written, compiled by the plain compiler (Makefile). */
void orig_saxpy(int n, float a, const float *x, float *y);
double orig_dot(int n, const double *x, const double *y);
void orig_sgemm(int n, int m, int k, const float *a, const float *b, float *c);
void orig_histogram(int n, const unsigned char *data, unsigned *bins);
#endif
