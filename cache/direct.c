#include "direct.h"
#include "fs.h"
#include "log.h"
#include "xalloc.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#define DIRECT_MAGIC "accc-direct 1\n"

static void hex128(XXH128_hash_t h, char ret[33])
{
	snprintf(ret, 33, "%016llx%016llx", (unsigned long long)h.high64,
		 (unsigned long long)h.low64);
}

/* What makes machines differ for a kernel: the CPU's identity and features. */
static void add_machine(struct strbuf *sb)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;
	unsigned leaves[] = { 0, 1, 7 };
	size_t i;

	for (i = 0; i < sizeof(leaves) / sizeof(*leaves); i++) {
		a = b = c = d = 0;
		__cpuid_count(leaves[i], 0, a, b, c, d);
		if (leaves[i] == 1)
			b &= 0x0000ffff; /* leave out the APIC id: it names the core */
		strbuf_addf(sb, "cpuid %u %08x %08x %08x %08x\n", leaves[i], a, b, c, d);
	}
#else
	strbuf_addstr(sb, "cpuid none\n");
#endif
}

static int hash_file(const char *path, char ret[33])
{
	struct strbuf sb = STRBUF_INIT;
	int r = strbuf_read_file(&sb, path, 256u << 20);

	if (r == 0)
		hex128(XXH3_128bits(sb.buf, sb.len), ret);
	strbuf_release(&sb);
	return r;
}

int direct_key(const char *src, const char *const *args, const char *cc,
	       const char *version, char ret_key[33])
{
	struct strbuf text = STRBUF_INIT;
	char hash[33], *cwd = getcwd(NULL, 0), *real = realpath(cc, NULL);
	struct stat st;
	int ret = -1;

	if (!cwd || !real || stat(real, &st) < 0 || hash_file(src, hash) < 0)
		goto out;
	strbuf_addf(&text, "%saccc %s\ncwd %s\ncompiler %s %lld %lld.%09ld\nsource %s %s\n",
		    DIRECT_MAGIC, version, cwd, real, (long long)st.st_size,
		    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, hash, src);
	add_machine(&text);
	for (; *args; args++) {
		/* where the object and the dependency file go does not change the
		 * unit: keep them out, so every output of one source shares a hit */
		if (!strcmp(*args, "-o") || !strcmp(*args, "-MF") || !strcmp(*args, "-MT") ||
		    !strcmp(*args, "-MQ")) {
			if (args[1])
				args++;
			continue;
		}
		if (starts_with(*args, "-o") || starts_with(*args, "-MF") ||
		    starts_with(*args, "-MT") || starts_with(*args, "-MQ"))
			continue;
		strbuf_addf(&text, "arg %zu %s\n", strlen(*args), *args);
	}
	hex128(XXH3_128bits(text.buf, text.len), ret_key);
	ret = 0;
out:
	free(cwd);
	free(real);
	strbuf_release(&text);
	return ret;
}

static void manifest_path(struct strbuf *sb, const char *dir, const char *key)
{
	strbuf_addf(sb, "%s/direct/%.2s/%s", dir, key, key);
}

/* Check one "entry"/"header" line; 1 when it still holds. */
static int line_holds(const char *dir, const char *line, size_t len)
{
	struct strbuf path = STRBUF_INIT;
	char hash[33];
	int ok = 0;
	struct stat st;

	if (len > 6 && !strncmp(line, "entry ", 6) && len == 6 + 32) {
		strbuf_addf(&path, "%s/%.2s/%.32s", dir, line + 6, line + 6);
		ok = stat(path.buf, &st) == 0;
	} else if (len > 7 + 33 && !strncmp(line, "header ", 7) && line[7 + 32] == ' ') {
		strbuf_add(&path, line + 7 + 33, len - 7 - 33);
		ok = hash_file(path.buf, hash) == 0 && !strncmp(hash, line + 7, 32);
	}
	strbuf_release(&path);
	return ok;
}

int direct_object_ok(const char *const *args)
{
	static const char *const bad[] = { "-MD", "-MMD", "-Wp,-MD", "-Wp,-MMD", "-M", "-MM",
		"--coverage", "-fprofile-arcs", "-ftest-coverage", "-fprofile-generate",
		"-fprofile-instr-generate", "-gsplit-dwarf", "-save-temps", "-fdump-", NULL };
	const char *const *b;

	for (; *args; args++)
		for (b = bad; *b; b++)
			if (starts_with(*args, *b))
				return 0;
	return 1;
}

/* The kept object of a manifest line "object <size> <hash>". */
static int read_object(const char *dir, const char *key, const char *line, size_t len,
		       struct strbuf *out)
{
	struct strbuf path = STRBUF_INIT, obj = STRBUF_INIT;
	unsigned long long size;
	char *after, hash[33];
	int ok = 0;

	size = strtoull(line + 7, &after, 10);
	if (*after != ' ' || (size_t)(line + len - after - 1) != 32)
		return 0;
	manifest_path(&path, dir, key);
	strbuf_addstr(&path, ".o");
	if (strbuf_read_file(&obj, path.buf, 1u << 30) == 0 && obj.len == size) {
		hex128(XXH3_128bits(obj.buf, obj.len), hash);
		if (!strncmp(hash, after + 1, 32)) {
			strbuf_add(out, obj.buf, obj.len);
			ok = 1;
		}
	}
	strbuf_release(&path);
	strbuf_release(&obj);
	return ok;
}

int direct_lookup(const char *dir, const char *key, struct strbuf *ret_unit,
		  long *ret_kernels, struct strbuf *ret_object)
{
	struct strbuf path = STRBUF_INIT, m = STRBUF_INIT;
	const char *p, *end;
	long kernels = 0;
	int hit = 0;

	manifest_path(&path, dir, key);
	if (strbuf_read_file(&m, path.buf, 64u << 20) < 0 || !starts_with(m.buf, DIRECT_MAGIC))
		goto out;
	end = m.buf + m.len;
	for (p = m.buf + strlen(DIRECT_MAGIC); p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		unsigned long long len;
		char *after;
		if (!nl)
			break;
		if (!strncmp(p, "unit ", 5)) {
			len = strtoull(p + 5, &after, 10);
			if (after != nl || len != (unsigned long long)(end - nl - 1))
				break;
			strbuf_add(ret_unit, nl + 1, (size_t)len);
			*ret_kernels = kernels;
			hit = 1;
			break;
		}
		if (!strncmp(p, "object ", 7)) {
			if (!read_object(dir, key, p, (size_t)(nl - p), ret_object))
				strbuf_reset(ret_object); /* no object: compile the unit */
			p = nl + 1;
			continue;
		}
		if (!line_holds(dir, p, (size_t)(nl - p)))
			break;
		kernels += !strncmp(p, "entry ", 6);
		p = nl + 1;
	}
out:
	if (!hit)
		strbuf_reset(ret_object);
	strbuf_release(&path);
	strbuf_release(&m);
	return hit;
}

int direct_store(const char *dir, const char *key, const char *const *entries,
		 const char *const *headers, const char *unit, size_t len,
		 const char *object)
{
	struct strbuf m = STRBUF_INIT, path = STRBUF_INIT, sub = STRBUF_INIT, obj = STRBUF_INIT;
	char hash[33];
	int ret = -1;

	strbuf_addstr(&m, DIRECT_MAGIC);
	for (; *entries; entries++)
		strbuf_addf(&m, "entry %s\n", *entries);
	for (; *headers; headers++) {
		if (strchr(*headers, '\n') || hash_file(*headers, hash) < 0)
			goto out; /* not a file we can check again: no manifest */
		strbuf_addf(&m, "header %s %s\n", hash, *headers);
	}
	manifest_path(&path, dir, key);
	path_dirname(&sub, path.buf);
	if (mkdir_p(sub.buf, 0755) < 0)
		goto out;
	if (object && strbuf_read_file(&obj, object, 1u << 30) == 0) {
		/* the object first: a manifest never names one not there yet */
		strbuf_addstr(&path, ".o");
		if (write_file_atomic(path.buf, obj.buf, obj.len, 0644) == 0) {
			hex128(XXH3_128bits(obj.buf, obj.len), hash);
			strbuf_addf(&m, "object %zu %s\n", obj.len, hash);
		}
		strbuf_setlen(&path, path.len - 2);
	}
	strbuf_addf(&m, "unit %zu\n", len);
	strbuf_add(&m, unit, len);
	if (write_file_atomic(path.buf, m.buf, m.len, 0644) == 0)
		ret = 0;
out:
	strbuf_release(&obj);
	strbuf_release(&m);
	strbuf_release(&path);
	strbuf_release(&sub);
	return ret;
}
