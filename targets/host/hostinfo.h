#ifndef ACCC_HOSTINFO_H
#define ACCC_HOSTINFO_H
/*
 * The host target's hardware fingerprint: what the CPU is (cpuid), what it
 * and the OS let code use (ISA extensions), its caches (sysfs) and CPU count.
 * The text form is stable across boots and load (no clock speeds, no
 * microcode) because it goes into cache keys: one "key value" line each,
 * in a fixed order.
 */
#include "strbuf.h"

struct hostinfo {
	char arch[32];
	char vendor[16];
	char model_name[64];
	int family, model, stepping;
	char isa[1024];      /* space-separated, fixed order */
	long cache[4];       /* bytes: L1d, L1i, L2, L3 (0: unknown) */
	int cpus;            /* online logical CPUs */
};

/* Fill *hi from cpuid, sysfs, sysconf.  Never fails; unknown fields stay
 * empty or zero. */
void hostinfo_read(struct hostinfo *hi);
/* Whether the CPU and the OS support ISA feature `name` ("avx512f"). */
int hostinfo_has(const struct hostinfo *hi, const char *name);

/* Append the stable fingerprint text (ends with a newline). */
int hostinfo_fingerprint(struct strbuf *out);
/* Append a JSON object: the fields, the fingerprint text and the sandbox
 * mechanisms this machine offers. */
int hostinfo_json(struct strbuf *out);

#endif
