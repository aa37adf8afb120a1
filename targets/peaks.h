#ifndef ACCC_PEAKS_H
#define ACCC_PEAKS_H
/*
 * This machine's peaks, for roofline figures: measured once (`accc hw
 * --peaks`, a few seconds), kept as JSON together with the hardware
 * fingerprint they belong to, read back by the judge.
 *
 * The figures are for one core, as the judge runs a kernel: FLOP/s of an
 * FMA loop at the widest vector width the CPU and OS enable, per
 * precision, and the bandwidth of a triad (a[i] = b[i] + s*c[i], counted
 * as 24 bytes per element) or of a read-only pass over two of its arrays,
 * whichever is faster, with arrays that fit half of each cache level, and
 * four times the last level for DRAM.
 */
#include "strbuf.h"

enum peaks_level { PEAKS_L1 = 0, PEAKS_L2, PEAKS_L3, PEAKS_DRAM, PEAKS_NR_LEVELS };

struct host_peaks {
	char isa[16];                    /* the vector width used: "avx512f", "avx2", ... */
	double gflops_f32, gflops_f64;   /* one core */
	double gbytes[PEAKS_NR_LEVELS];  /* GB/s; 0: level unknown */
	long level_bytes[PEAKS_NR_LEVELS]; /* cache sizes; DRAM: 0 */
	double measure_s;                /* how long measuring took */
};

/* The level names, "L1" .. "DRAM". */
extern const char *const peaks_level_names[PEAKS_NR_LEVELS];

/* Measure (a few seconds).  Never fails; unknown levels stay 0. */
void peaks_measure(struct host_peaks *p);
/* Write them to `path` (atomic) with this machine's fingerprint. */
int peaks_save(const struct host_peaks *p, const char *path);
/* Read them back; -1 when the file is missing, malformed, or was measured
 * on other hardware (its fingerprint differs from this machine's). */
int peaks_load(struct host_peaks *p, const char *path);
/* Append a JSON object of the figures. */
void peaks_json(const struct host_peaks *p, struct strbuf *out);

/*
 * Where a kernel stands against the roofline.  flops and bytes are per
 * call (NAN when the pragma has no such clause), seconds the time per
 * call.  Fills *ret and returns 0, or returns -1 with *ret_missing saying
 * why there is no figure (static text).
 */
struct roofline {
	double gflops, gbytes;    /* achieved; 0 when that clause is missing */
	double peak_gflops;       /* the precision's compute roof, or 0 */
	double peak_gbytes;       /* the bandwidth roof at `level`, or 0 */
	double bound_gflops;      /* min(compute, intensity x bandwidth); GB/s
				     when only bytes() is given */
	double percent;           /* achieved / bound, 0..100+ */
	const char *level;        /* bandwidth level for the working set */
	const char *precision;    /* "f32" or "f64" */
};
int peaks_roofline(const struct host_peaks *p, double flops, double bytes,
		   double seconds, int f64, struct roofline *ret,
		   const char **ret_missing);

#endif
