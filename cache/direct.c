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

#define DIRECT_MAGIC "accc-direct 2\n"

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

/*
 * Does a token form name the position of its tokens (__LINE__ and the
 * like; __FILE__ too, as a #line directive may set it)?  Then a moved line
 * can change the object even without debug information.
 */
static int names_positions(const struct strbuf *t)
{
	static const char *const names[] = { "__LINE__", "__FILE__", "__FILE_NAME__",
		"__BASE_FILE__", "__builtin_LINE", "__builtin_FILE", "__TIMESTAMP__", NULL };
	const char *const *n;

	for (n = names; *n; n++) {
		const char *at = t->buf;
		size_t len = strlen(*n);
		while ((at = strstr(at, *n))) {
			char after = at[len];
			if ((at == t->buf || at[-1] == ' ' || at[-1] == '\n' || at[-1] == '#') &&
			    (after == ' ' || after == '\n' || after == '\0' || after == ')' ||
			     after == '('))
				return 1;
			at += len;
		}
	}
	return 0;
}

/* Both hashes of a file: its bytes and its token form. */
static int hash_file2(const char *path, direct_tokens_fn *tokens, char ret_bytes[33],
		      char ret_tokens[33], int *positions)
{
	struct strbuf sb = STRBUF_INIT, t = STRBUF_INIT;
	int r = strbuf_read_file(&sb, path, 256u << 20);

	if (r == 0) {
		hex128(XXH3_128bits(sb.buf, sb.len), ret_bytes);
		tokens(sb.buf, sb.len, &t);
		hex128(XXH3_128bits(t.buf, t.len), ret_tokens);
		*positions |= names_positions(&t);
	}
	strbuf_release(&sb);
	strbuf_release(&t);
	return r;
}

/*
 * Does the file at `path` still hold what "<bytes> <tokens>" at `hashes`
 * says?  By bytes (then *exact stays), else by tokens (then *exact = 0).
 */
static int file_holds(const char *path, const char *hashes, direct_tokens_fn *tokens,
		      int *exact)
{
	struct strbuf sb = STRBUF_INIT, t = STRBUF_INIT;
	char hash[33];
	int ok = 0;

	if (strbuf_read_file(&sb, path, 256u << 20) < 0)
		goto out;
	hex128(XXH3_128bits(sb.buf, sb.len), hash);
	if (!strncmp(hash, hashes, 32)) {
		ok = 1;
		goto out;
	}
	tokens(sb.buf, sb.len, &t);
	hex128(XXH3_128bits(t.buf, t.len), hash);
	if (!strncmp(hash, hashes + 33, 32)) {
		ok = 1;
		*exact = 0;
	}
out:
	strbuf_release(&sb);
	strbuf_release(&t);
	return ok;
}

int direct_key(const char *src, const char *const *args, const char *cc,
	       const char *version, char ret_key[33])
{
	struct strbuf text = STRBUF_INIT;
	char *cwd = getcwd(NULL, 0), *real = realpath(cc, NULL);
	struct stat st;
	int ret = -1;

	if (!cwd || !real || stat(real, &st) < 0)
		goto out;
	strbuf_addf(&text, "%saccc %s\ncwd %s\ncompiler %s %lld %lld.%09ld\nsource %s\n",
		    DIRECT_MAGIC, version, cwd, real, (long long)st.st_size,
		    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, src);
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
static int line_holds(const char *dir, const char *line, size_t len, direct_tokens_fn *tokens,
		      int *exact)
{
	struct strbuf path = STRBUF_INIT;
	int ok = 0;
	struct stat st;

	if (len > 6 && !strncmp(line, "entry ", 6) && len == 6 + 32) {
		strbuf_addf(&path, "%s/%.2s/%.32s", dir, line + 6, line + 6);
		ok = stat(path.buf, &st) == 0;
	} else if (len > 7 + 66 && !strncmp(line, "header ", 7) && line[7 + 32] == ' ' &&
		   line[7 + 65] == ' ') {
		strbuf_add(&path, line + 7 + 66, len - 7 - 66);
		ok = file_holds(path.buf, line + 7, tokens, exact);
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

/* "<start> <end> <tstart> <tend>" at p; the rest after it in *ret_after. */
static int parse_range(const char *p, struct direct_range *r, char **ret_after)
{
	unsigned long long v[4];
	size_t i;

	for (i = 0; i < 4; i++) {
		if (*p != ' ')
			return -1;
		v[i] = strtoull(p + 1, ret_after, 10);
		p = *ret_after;
	}
	r->start = v[0];
	r->end = v[1];
	r->tstart = v[2];
	r->tend = v[3];
	return r->start <= r->end && r->tstart <= r->tend ? 0 : -1;
}

/* A "repl" line at p (its name and text follow); the position after it, or NULL. */
static const char *parse_repl(const char *p, const char *nl, const char *end,
			      struct direct_recipe *rc)
{
	struct direct_repl r;
	unsigned long long nlen, tlen;
	char *after;

	if (parse_range(p + 4, &r.at, &after) < 0 || *after != ' ')
		return NULL;
	nlen = strtoull(after + 1, &after, 10);
	if (*after != ' ')
		return NULL;
	tlen = strtoull(after + 1, &after, 10);
	if (after != nl || nlen + tlen + 1 > (unsigned long long)(end - nl - 1) ||
	    nl[1 + nlen + tlen] != '\n')
		return NULL;
	r.name = xstrndup(nl + 1, (size_t)nlen);
	r.text = xstrndup(nl + 1 + nlen, (size_t)tlen);
	rc->repls = xrealloc(rc->repls, (rc->nr_repls + 1) * sizeof(*rc->repls));
	rc->repls[rc->nr_repls++] = r;
	return nl + 1 + nlen + tlen + 1;
}

int direct_lookup(const char *dir, const char *key, const char *src,
		  direct_tokens_fn *tokens, struct direct_hit *ret)
{
	struct strbuf path = STRBUF_INIT, m = STRBUF_INIT;
	struct direct_recipe *rc = &ret->recipe;
	const char *p, *end;
	int hit = 0;

	ret->exact = 1;
	manifest_path(&path, dir, key);
	if (strbuf_read_file(&m, path.buf, 64u << 20) < 0 || !starts_with(m.buf, DIRECT_MAGIC))
		goto out;
	end = m.buf + m.len;
	p = m.buf + strlen(DIRECT_MAGIC);
	if (!starts_with(p, "source ") || end - p < 7 + 66 ||
	    !file_holds(src, p + 7, tokens, &ret->exact))
		goto out;
	for (p += 7 + 66; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char *after;
		if (!nl)
			goto out;
		if (!strncmp(p, "site ", 5)) {
			struct direct_range r;
			if (parse_range(p + 4, &r, &after) < 0 || after != nl)
				goto out;
			rc->sites = xrealloc(rc->sites, (rc->nr_sites + 1) * sizeof(*rc->sites));
			rc->sites[rc->nr_sites++] = r;
		} else if (!strncmp(p, "repl ", 5)) {
			if (!(p = parse_repl(p, nl, end, rc)))
				goto out;
			continue;
		} else if (!strncmp(p, "object ", 7)) {
			if (!read_object(dir, key, p, (size_t)(nl - p), &ret->object))
				strbuf_reset(&ret->object);
		} else if (nl - p == 7 && !strncmp(p, "moves 1", 7)) {
			ret->object_moves = 1;
		} else if (!line_holds(dir, p, (size_t)(nl - p), tokens, &ret->exact)) {
			goto out;
		} else {
			ret->kernels += !strncmp(p, "entry ", 6);
		}
		p = nl + 1;
	}
	hit = 1;
out:
	if (!hit || !(ret->exact || ret->object_moves))
		strbuf_reset(&ret->object);
	strbuf_release(&path);
	strbuf_release(&m);
	return hit;
}

void direct_hit_release(struct direct_hit *h)
{
	size_t i;

	strbuf_release(&h->object);
	for (i = 0; i < h->recipe.nr_repls; i++) {
		free(h->recipe.repls[i].name);
		free(h->recipe.repls[i].text);
	}
	free(h->recipe.repls);
	free(h->recipe.sites);
	memset(&h->recipe, 0, sizeof(h->recipe));
}

static void add_range(struct strbuf *m, const char *tag, const struct direct_range *r)
{
	strbuf_addf(m, "%s %zu %zu %zu %zu", tag, r->start, r->end, r->tstart, r->tend);
}

int direct_store(const char *dir, const char *key, const char *src,
		 direct_tokens_fn *tokens, const char *const *entries,
		 const char *const *headers, const struct direct_recipe *recipe,
		 const char *object)
{
	struct strbuf m = STRBUF_INIT, path = STRBUF_INIT, sub = STRBUF_INIT, obj = STRBUF_INIT;
	char hash[33], thash[33];
	size_t i;
	int ret = -1, positions = 0;

	strbuf_addstr(&m, DIRECT_MAGIC);
	if (hash_file2(src, tokens, hash, thash, &positions) < 0)
		goto out;
	strbuf_addf(&m, "source %s %s\n", hash, thash);
	for (; *entries; entries++)
		strbuf_addf(&m, "entry %s\n", *entries);
	for (; *headers; headers++) {
		if (strchr(*headers, '\n') || hash_file2(*headers, tokens, hash, thash, &positions) < 0)
			goto out; /* not a file we can check again: no manifest */
		strbuf_addf(&m, "header %s %s %s\n", hash, thash, *headers);
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
			if (!positions)
				strbuf_addstr(&m, "moves 1\n");
		}
		strbuf_setlen(&path, path.len - 2);
	}
	for (i = 0; i < recipe->nr_sites; i++) {
		add_range(&m, "site", &recipe->sites[i]);
		strbuf_addch(&m, '\n');
	}
	for (i = 0; i < recipe->nr_repls; i++) {
		const struct direct_repl *r = &recipe->repls[i];
		add_range(&m, "repl", &r->at);
		strbuf_addf(&m, " %zu %zu\n%s%s\n", strlen(r->name), strlen(r->text), r->name,
			    r->text);
	}
	if (write_file_atomic(path.buf, m.buf, m.len, 0644) == 0)
		ret = 0;
out:
	strbuf_release(&obj);
	strbuf_release(&m);
	strbuf_release(&path);
	strbuf_release(&sub);
	return ret;
}
