#include "hostinfo.h"
#include "sandbox.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HOST_X86 1
#endif

#ifdef HOST_X86
/* One ISA feature: cpuid leaf/subleaf, register (0 eax .. 3 edx), bit. */
struct isa_bit {
	const char *name;
	unsigned leaf, sub;
	int reg, bit;
	int needs;           /* 1: AVX state enabled by the OS, 2: AVX-512 state */
};

static const struct isa_bit isa_bits[] = {
	{ "sse", 1, 0, 3, 25, 0 },
	{ "sse2", 1, 0, 3, 26, 0 },
	{ "sse3", 1, 0, 2, 0, 0 },
	{ "pclmulqdq", 1, 0, 2, 1, 0 },
	{ "ssse3", 1, 0, 2, 9, 0 },
	{ "fma", 1, 0, 2, 12, 1 },
	{ "sse4.1", 1, 0, 2, 19, 0 },
	{ "sse4.2", 1, 0, 2, 20, 0 },
	{ "movbe", 1, 0, 2, 22, 0 },
	{ "popcnt", 1, 0, 2, 23, 0 },
	{ "aes", 1, 0, 2, 25, 0 },
	{ "avx", 1, 0, 2, 28, 1 },
	{ "f16c", 1, 0, 2, 29, 1 },
	{ "lzcnt", 0x80000001, 0, 2, 5, 0 },
	{ "sse4a", 0x80000001, 0, 2, 6, 0 },
	{ "fma4", 0x80000001, 0, 2, 16, 1 },
	{ "bmi1", 7, 0, 1, 3, 0 },
	{ "avx2", 7, 0, 1, 5, 1 },
	{ "bmi2", 7, 0, 1, 8, 0 },
	{ "adx", 7, 0, 1, 19, 0 },
	{ "sha", 7, 0, 1, 29, 0 },
	{ "avx512f", 7, 0, 1, 16, 2 },
	{ "avx512dq", 7, 0, 1, 17, 2 },
	{ "avx512ifma", 7, 0, 1, 21, 2 },
	{ "avx512cd", 7, 0, 1, 28, 2 },
	{ "avx512bw", 7, 0, 1, 30, 2 },
	{ "avx512vl", 7, 0, 1, 31, 2 },
	{ "avx512vbmi", 7, 0, 2, 1, 2 },
	{ "avx512vbmi2", 7, 0, 2, 6, 2 },
	{ "gfni", 7, 0, 2, 8, 0 },
	{ "vaes", 7, 0, 2, 9, 1 },
	{ "vpclmulqdq", 7, 0, 2, 10, 1 },
	{ "avx512vnni", 7, 0, 2, 11, 2 },
	{ "avx512bitalg", 7, 0, 2, 12, 2 },
	{ "avx512vpopcntdq", 7, 0, 2, 14, 2 },
	{ "avx512vp2intersect", 7, 0, 3, 8, 2 },
	{ "avx512fp16", 7, 0, 3, 23, 2 },
	{ "amx-bf16", 7, 0, 3, 22, 0 },
	{ "amx-tile", 7, 0, 3, 24, 0 },
	{ "amx-int8", 7, 0, 3, 25, 0 },
	{ "avxvnni", 7, 1, 0, 4, 1 },
	{ "avx512bf16", 7, 1, 0, 5, 2 },
};

static unsigned long long xgetbv0(void)
{
	unsigned eax, edx;
	__asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
	return ((unsigned long long)edx << 32) | eax;
}

static void read_x86(struct hostinfo *hi)
{
	unsigned r[4], max, maxext, i;
	int avx_os = 0, avx512_os = 0;
	unsigned long long xcr0 = 0;

	if (!__get_cpuid(0, &r[0], &r[1], &r[2], &r[3]))
		return;
	max = r[0];
	memcpy(hi->vendor, &r[1], 4);
	memcpy(hi->vendor + 4, &r[3], 4);
	memcpy(hi->vendor + 8, &r[2], 4);
	hi->vendor[12] = '\0';
	__cpuid(1, r[0], r[1], r[2], r[3]);
	hi->stepping = (int)(r[0] & 0xf);
	hi->model = (int)((r[0] >> 4) & 0xf);
	hi->family = (int)((r[0] >> 8) & 0xf);
	if (hi->family == 0xf)
		hi->family += (int)((r[0] >> 20) & 0xff);
	if (hi->family == 0x6 || hi->family >= 0xf)
		hi->model += (int)(((r[0] >> 16) & 0xf) << 4);
	if (r[2] & (1u << 27)) { /* OSXSAVE */
		xcr0 = xgetbv0();
		avx_os = (xcr0 & 0x6) == 0x6;
		avx512_os = avx_os && (xcr0 & 0xe0) == 0xe0;
	}
	maxext = __get_cpuid_max(0x80000000, NULL);
	if (maxext >= 0x80000004) {
		char brand[49];
		unsigned *b = (unsigned *)brand;
		for (i = 0; i < 3; i++)
			__cpuid(0x80000002 + i, b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]);
		brand[48] = '\0';
		{
			const char *s = brand;
			size_t n;
			while (*s == ' ')
				s++;
			snprintf(hi->model_name, sizeof(hi->model_name), "%s", s);
			n = strlen(hi->model_name);
			while (n && hi->model_name[n - 1] == ' ')
				hi->model_name[--n] = '\0';
		}
	}
	for (i = 0; i < sizeof(isa_bits) / sizeof(isa_bits[0]); i++) {
		const struct isa_bit *f = &isa_bits[i];
		unsigned top = f->leaf >= 0x80000000 ? maxext : max;
		if (f->leaf > top)
			continue;
		__cpuid_count(f->leaf, f->sub, r[0], r[1], r[2], r[3]);
		if (!(r[f->reg] & (1u << f->bit)))
			continue;
		if ((f->needs == 1 && !avx_os) || (f->needs == 2 && !avx512_os))
			continue;
		if (hi->isa[0])
			strncat(hi->isa, " ", sizeof(hi->isa) - strlen(hi->isa) - 1);
		strncat(hi->isa, f->name, sizeof(hi->isa) - strlen(hi->isa) - 1);
	}
}
#endif

/* Read a short sysfs/proc file into buf, trimmed; returns 0 or -1. */
static int read_small(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static void read_caches(struct hostinfo *hi)
{
	int i;
	for (i = 0; i < 16; i++) {
		char path[128], level[16], type[32], size[32];
		long bytes;
		char *end;
		int slot;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
		if (read_small(path, level, sizeof(level)) < 0)
			break;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
		if (read_small(path, type, sizeof(type)) < 0)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		if (read_small(path, size, sizeof(size)) < 0)
			continue;
		bytes = strtol(size, &end, 10);
		if (*end == 'K')
			bytes *= 1024;
		else if (*end == 'M')
			bytes *= 1024 * 1024;
		if (!strcmp(level, "1"))
			slot = !strcmp(type, "Instruction") ? 1 : 0;
		else if (!strcmp(level, "2"))
			slot = 2;
		else if (!strcmp(level, "3"))
			slot = 3;
		else
			continue;
		hi->cache[slot] = bytes;
	}
}

#ifdef HOST_X86
/*
 * Virtual machines often publish no cache folders in sysfs; the CPU's own
 * deterministic cache parameters (leaf 4 on Intel, 0x8000001d on AMD) say
 * the same thing.  Only used when sysfs said nothing, so a host whose
 * sysfs works keeps the fingerprint it had.
 */
static void read_caches_cpuid(struct hostinfo *hi)
{
	unsigned int r[4], leaf = 4, maxleaf = __get_cpuid_max(0, NULL);
	unsigned int i;

	if (!strcmp(hi->vendor, "AuthenticAMD") || !strcmp(hi->vendor, "HygonGenuine")) {
		if (__get_cpuid_max(0x80000000, NULL) < 0x8000001d)
			return;
		leaf = 0x8000001d;
	} else if (maxleaf < 4) {
		return;
	}
	for (i = 0; i < 16; i++) {
		unsigned int type, level, ways, parts, line, sets;
		int slot;

		__cpuid_count(leaf, i, r[0], r[1], r[2], r[3]);
		type = r[0] & 0x1f;
		if (!type)
			break;
		level = (r[0] >> 5) & 7;
		ways = (r[1] >> 22) + 1;
		parts = ((r[1] >> 12) & 0x3ff) + 1;
		line = (r[1] & 0xfff) + 1;
		sets = r[2] + 1;
		if (level == 1)
			slot = type == 2 ? 1 : 0;
		else if (level == 2 || level == 3)
			slot = (int)level;
		else
			continue;
		if (type == 2 && level != 1)
			continue;
		hi->cache[slot] = (long)ways * parts * line * sets;
	}
}

/* The older extended leaves, which hypervisors fill more often. */
static void read_caches_cpuid_legacy(struct hostinfo *hi)
{
	unsigned int r[4], maxext = __get_cpuid_max(0x80000000, NULL);

	if (maxext >= 0x80000005 && !strcmp(hi->vendor, "AuthenticAMD")) {
		__cpuid(0x80000005, r[0], r[1], r[2], r[3]);
		hi->cache[0] = (long)(r[2] >> 24) * 1024;
		hi->cache[1] = (long)(r[3] >> 24) * 1024;
	}
	if (maxext >= 0x80000006) {
		__cpuid(0x80000006, r[0], r[1], r[2], r[3]);
		hi->cache[2] = (long)(r[2] >> 16) * 1024;
		if (!strcmp(hi->vendor, "AuthenticAMD"))
			hi->cache[3] = (long)(r[3] >> 18) * 512 * 1024;
	}
}
#endif

/* Non-x86 hosts: the model name and feature flags of /proc/cpuinfo. */
static void read_cpuinfo(struct hostinfo *hi)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[4096];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *v;
		size_t n;
		if (!colon)
			continue;
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		n = strlen(v);
		while (n && (v[n - 1] == '\n' || v[n - 1] == ' '))
			v[--n] = '\0';
		if (!hi->model_name[0] && (!strncmp(line, "model name", 10) ||
					   !strncmp(line, "CPU part", 8)))
			snprintf(hi->model_name, sizeof(hi->model_name), "%s", v);
		else if (!hi->isa[0] && (!strncmp(line, "Features", 8) ||
					 !strncmp(line, "isa", 3)))
			snprintf(hi->isa, sizeof(hi->isa), "%s", v);
	}
	fclose(f);
}

void hostinfo_read(struct hostinfo *hi)
{
	struct utsname u;

	memset(hi, 0, sizeof(*hi));
	if (!uname(&u))
		snprintf(hi->arch, sizeof(hi->arch), "%.31s", u.machine);
#ifdef HOST_X86
	read_x86(hi);
#else
	read_cpuinfo(hi);
#endif
	if (!hi->model_name[0])
		read_cpuinfo(hi);
	read_caches(hi);
#ifdef HOST_X86
	if (!hi->cache[0] && !hi->cache[2] && !hi->cache[3])
		read_caches_cpuid(hi);
	if (!hi->cache[0] && !hi->cache[2] && !hi->cache[3])
		read_caches_cpuid_legacy(hi);
#endif
	hi->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
}

int hostinfo_has(const struct hostinfo *hi, const char *name)
{
	size_t n = strlen(name);
	const char *p = hi->isa;

	while ((p = strstr(p, name))) {
		if ((p == hi->isa || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

static const char *const cache_names[4] = { "L1d", "L1i", "L2", "L3" };

static void fingerprint_text(struct strbuf *out, const struct hostinfo *hi)
{
	int i;

	strbuf_addf(out, "target host\narch %s\nvendor %s\n", hi->arch, hi->vendor);
	strbuf_addf(out, "family %d model %d stepping %d\n", hi->family, hi->model,
		    hi->stepping);
	strbuf_addf(out, "model-name %s\nisa %s\ncache", hi->model_name, hi->isa);
	for (i = 0; i < 4; i++)
		if (hi->cache[i])
			strbuf_addf(out, " %s %ldK", cache_names[i], hi->cache[i] / 1024);
	strbuf_addf(out, "\ncpus %d\n", hi->cpus);
}

int hostinfo_fingerprint(struct strbuf *out)
{
	struct hostinfo hi;

	hostinfo_read(&hi);
	fingerprint_text(out, &hi);
	return 0;
}

int hostinfo_json(struct strbuf *out)
{
	struct hostinfo hi;
	struct strbuf fp = STRBUF_INIT, sb = STRBUF_INIT;
	cJSON *o = cJSON_CreateObject(), *isa, *caches;
	char *text, *save = NULL, *tok;
	int i;

	hostinfo_read(&hi);
	fingerprint_text(&fp, &hi);
	cJSON_AddStringToObject(o, "target", "host");
	cJSON_AddStringToObject(o, "arch", hi.arch);
	cJSON_AddStringToObject(o, "vendor", hi.vendor);
	cJSON_AddNumberToObject(o, "family", hi.family);
	cJSON_AddNumberToObject(o, "model", hi.model);
	cJSON_AddNumberToObject(o, "stepping", hi.stepping);
	cJSON_AddStringToObject(o, "model_name", hi.model_name);
	isa = cJSON_AddArrayToObject(o, "isa");
	strbuf_addstr(&sb, hi.isa);
	for (tok = strtok_r(sb.buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		cJSON_AddItemToArray(isa, cJSON_CreateString(tok));
	caches = cJSON_AddObjectToObject(o, "caches");
	for (i = 0; i < 4; i++)
		if (hi.cache[i])
			cJSON_AddNumberToObject(caches, cache_names[i], (double)hi.cache[i]);
	cJSON_AddNumberToObject(o, "cpus", hi.cpus);
	cJSON_AddStringToObject(o, "fingerprint", fp.buf);
	strbuf_reset(&sb);
	sandbox_describe(&sb);
	cJSON_AddStringToObject(o, "sandbox", sb.buf);
	text = cJSON_Print(o);
	strbuf_addstr(out, text);
	strbuf_addch(out, '\n');
	free(text);
	cJSON_Delete(o);
	strbuf_release(&fp);
	strbuf_release(&sb);
	return 0;
}
