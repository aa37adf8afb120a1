#include "cache_entry.h"
#include "cache_hmac.h"
#include "log.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

static const char entry_magic[8] = { 'A', 'C', 'C', 'C', 'K', 'E', 'N', 'T' };

enum {
	OFF_VERSION = 8,
	OFF_HSIZE = 12,
	OFF_FLAGS = 16,
	OFF_RESERVED = 20,
	OFF_PSIZE = 24,
	OFF_CSIZE = 32,
	OFF_SIG = 40,
	OFF_SUM = 72,
	ZSTD_LEVEL = 6,
};
#define SIGN_CONTEXT "accc-entry-v1\n"

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_le32(const unsigned char *p)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t get_le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

void cache_entry_init(struct cache_entry *e)
{
	memset(e, 0, sizeof(*e));
	strvec_init(&e->shapes);
	strvec_init(&e->models);
	strvec_init(&e->plans);
	strbuf_init(&e->source, 0);
}

void cache_entry_release(struct cache_entry *e)
{
	free(e->kernel);
	free(e->target);
	free(e->hw_fingerprint);
	free(e->creator);
	free(e->accc_version);
	free(e->extra_json);
	strvec_clear(&e->shapes);
	strvec_clear(&e->models);
	strvec_clear(&e->plans);
	strbuf_release(&e->source);
	cache_entry_init(e);
}

void cache_entry_set_provenance(struct cache_entry *e)
{
	if (!e->creator) {
		struct passwd *pw = getpwuid(getuid());
		char host[256] = "unknown";

		if (gethostname(host, sizeof(host) - 1) < 0)
			memcpy(host, "unknown", sizeof("unknown"));
		host[sizeof(host) - 1] = '\0';
		e->creator = xstrfmt("%s@%s", pw && pw->pw_name ? pw->pw_name : "unknown",
				     host);
	}
	if (!e->created)
		e->created = (long long)time(NULL);
}

/* xxh3-128 over the header (without the checksum field) and the payload. */
static void entry_checksum(const unsigned char *buf, size_t len,
			   unsigned char out[16])
{
	XXH3_state_t *st = XXH3_createState();
	XXH128_canonical_t c;

	if (!st)
		BUG("out of memory for a hash state");
	XXH3_128bits_reset(st);
	XXH3_128bits_update(st, buf, OFF_SUM);
	XXH3_128bits_update(st, buf + CACHE_ENTRY_HEADER_SIZE,
			    len - CACHE_ENTRY_HEADER_SIZE);
	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
	XXH3_freeState(st);
	memcpy(out, c.digest, 16);
}

static void entry_signature(const unsigned char *buf, size_t len, const char *key,
			    const char *signing_key, unsigned char out[32])
{
	struct strbuf msg = STRBUF_INIT;

	strbuf_addstr(&msg, SIGN_CONTEXT);
	strbuf_addstr(&msg, key);
	strbuf_addch(&msg, '\n');
	strbuf_add(&msg, buf + CACHE_ENTRY_HEADER_SIZE, len - CACHE_ENTRY_HEADER_SIZE);
	cache_hmac_sha256(signing_key, msg.buf, msg.len, out);
	strbuf_release(&msg);
}

static int add_strings(cJSON *obj, const char *name, const struct strvec *sv)
{
	cJSON *arr = cJSON_AddArrayToObject(obj, name);

	if (!arr)
		return -1;
	for (size_t i = 0; i < sv->nr; i++) {
		cJSON *s = cJSON_CreateString(sv->v[i]);
		if (!s)
			return -1;
		cJSON_AddItemToArray(arr, s);
	}
	return 0;
}

/* cJSON prints 15 significant digits when they compare equal within an
 * epsilon; timings must survive exactly, so print them with 17. */
static int add_exact_number(cJSON *obj, const char *name, double v)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%.17g", v);
	return cJSON_AddRawToObject(obj, name, buf) ? 0 : -1;
}

static int add_integer(cJSON *obj, const char *name, long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", v);
	return cJSON_AddRawToObject(obj, name, buf) ? 0 : -1;
}

static int add_optional_string(cJSON *obj, const char *name, const char *value)
{
	return !value || cJSON_AddStringToObject(obj, name, value) ? 0 : -1;
}

/* The metadata as compact JSON; NULL (logged) when e cannot be encoded. */
static char *metadata_json(const char *key, const struct cache_entry *e)
{
	cJSON *obj = cJSON_CreateObject(), *extra = NULL;
	char *text = NULL;

	if (!e->kernel || !e->target) {
		error("cache entry for key '%s' lacks a kernel or target name", key);
		goto out;
	}
	if (!isfinite(e->baseline_s) || !isfinite(e->best_s) || !isfinite(e->speedup)) {
		error("cache entry for kernel '%s' has non-finite timings", e->kernel);
		goto out;
	}
	if (e->policy_version < INT32_MIN || e->policy_version > INT32_MAX ||
	    e->created < -(1LL << 53) || e->created > (1LL << 53)) {
		error("cache entry for kernel '%s' has an out-of-range version or time",
		      e->kernel);
		goto out;
	}
	if (e->extra_json) {
		extra = cJSON_Parse(e->extra_json);
		if (!cJSON_IsObject(extra)) {
			error("extra metadata of kernel '%s' is not a JSON object", e->kernel);
			goto out;
		}
	}
	if (!obj || !cJSON_AddStringToObject(obj, "key", key) ||
	    !cJSON_AddStringToObject(obj, "kernel", e->kernel) ||
	    !cJSON_AddStringToObject(obj, "target", e->target) ||
	    add_optional_string(obj, "hw", e->hw_fingerprint) ||
	    add_optional_string(obj, "creator", e->creator) ||
	    add_integer(obj, "created", e->created) ||
	    add_optional_string(obj, "accc_version", e->accc_version) ||
	    add_integer(obj, "policy_version", e->policy_version) ||
	    add_exact_number(obj, "baseline_s", e->baseline_s) ||
	    add_exact_number(obj, "best_s", e->best_s) ||
	    add_exact_number(obj, "speedup", e->speedup) ||
	    add_strings(obj, "shapes", &e->shapes) ||
	    add_strings(obj, "models", &e->models) ||
	    add_strings(obj, "plans", &e->plans)) {
		error("cannot build metadata for kernel '%s'", e->kernel);
		goto out;
	}
	if (extra) {
		cJSON_AddItemToObject(obj, "extra", extra);
		extra = NULL;
	}
	text = cJSON_PrintUnformatted(obj);
	if (!text)
		error("cannot print metadata for kernel '%s'", e->kernel);
out:
	cJSON_Delete(extra);
	cJSON_Delete(obj);
	return text;
}

int cache_entry_encode(struct strbuf *out, const char *key,
		       const struct cache_entry *e, unsigned flags,
		       const char *signing_key)
{
	struct strbuf content = STRBUF_INIT;
	char *json = NULL;
	size_t start = out->len, bound, psize, jlen;
	unsigned char *h;
	int ret = -1;

	if (!cache_key_valid(key))
		return error("invalid cache key '%s'", key);
	json = metadata_json(key, e);
	if (!json)
		goto out;
	jlen = strlen(json);
	strbuf_addchars(&content, 0, 4);
	put_le32((unsigned char *)content.buf, (uint32_t)jlen);
	strbuf_addstr(&content, json);
	strbuf_add(&content, e->source.buf, e->source.len);
	if (content.len > CACHE_ENTRY_MAX_CONTENT) {
		error("cache entry for kernel '%s' is too big (%zu bytes)", e->kernel,
		      content.len);
		goto out;
	}
	bound = ZSTD_compressBound(content.len);
	strbuf_addchars(out, 0, CACHE_ENTRY_HEADER_SIZE);
	strbuf_grow(out, bound);
	psize = ZSTD_compress(out->buf + out->len, bound, content.buf, content.len,
			      ZSTD_LEVEL);
	if (ZSTD_isError(psize)) {
		error("cannot compress entry for kernel '%s': %s", e->kernel,
		      ZSTD_getErrorName(psize));
		strbuf_setlen(out, start);
		goto out;
	}
	out->len += psize; /* bytes written by ZSTD_compress into the grown buffer */
	out->buf[out->len] = '\0';
	h = (unsigned char *)out->buf + start;
	memcpy(h, entry_magic, sizeof(entry_magic));
	put_le32(h + OFF_VERSION, CACHE_ENTRY_VERSION);
	put_le32(h + OFF_HSIZE, CACHE_ENTRY_HEADER_SIZE);
	put_le32(h + OFF_FLAGS, flags & CACHE_ENTRY_FLAGS_KNOWN & ~CACHE_ENTRY_SIGNED);
	put_le64(h + OFF_PSIZE, psize);
	put_le64(h + OFF_CSIZE, content.len);
	if (signing_key && *signing_key) {
		put_le32(h + OFF_FLAGS, get_le32(h + OFF_FLAGS) | CACHE_ENTRY_SIGNED);
		entry_signature(h, out->len - start, key, signing_key, h + OFF_SIG);
	}
	entry_checksum(h, out->len - start, h + OFF_SUM);
	ret = 0;
out:
	free(json);
	strbuf_release(&content);
	return ret;
}

enum cache_decode_result cache_entry_check(const void *data, size_t len,
					   unsigned *ret_flags)
{
	const unsigned char *h = data;
	unsigned char sum[16];
	static const unsigned char zeros[32];
	uint32_t flags;
	uint64_t csize;

	if (len < OFF_HSIZE || memcmp(h, entry_magic, sizeof(entry_magic)))
		return CACHE_DECODE_CORRUPT;
	if (get_le32(h + OFF_VERSION) != CACHE_ENTRY_VERSION)
		return CACHE_DECODE_VERSION;
	if (len < CACHE_ENTRY_HEADER_SIZE || len > CACHE_ENTRY_MAX_SIZE ||
	    get_le32(h + OFF_HSIZE) != CACHE_ENTRY_HEADER_SIZE ||
	    get_le32(h + OFF_RESERVED) != 0)
		return CACHE_DECODE_CORRUPT;
	flags = get_le32(h + OFF_FLAGS);
	csize = get_le64(h + OFF_CSIZE);
	if ((flags & ~CACHE_ENTRY_FLAGS_KNOWN) ||
	    get_le64(h + OFF_PSIZE) != len - CACHE_ENTRY_HEADER_SIZE ||
	    csize < 4 || csize > CACHE_ENTRY_MAX_CONTENT)
		return CACHE_DECODE_CORRUPT;
	if (!(flags & CACHE_ENTRY_SIGNED) && memcmp(h + OFF_SIG, zeros, 32))
		return CACHE_DECODE_CORRUPT;
	entry_checksum(h, len, sum);
	if (memcmp(sum, h + OFF_SUM, 16))
		return CACHE_DECODE_CORRUPT;
	if (ret_flags)
		*ret_flags = flags;
	return CACHE_DECODE_OK;
}

int cache_entry_set_flags(struct strbuf *raw, unsigned flags)
{
	unsigned char *h = (unsigned char *)raw->buf;
	unsigned old;

	if (cache_entry_check(raw->buf, raw->len, &old) != CACHE_DECODE_OK)
		return -1;
	flags = (flags & ~CACHE_ENTRY_SIGNED) | (old & CACHE_ENTRY_SIGNED);
	put_le32(h + OFF_FLAGS, flags & CACHE_ENTRY_FLAGS_KNOWN);
	entry_checksum(h, raw->len, h + OFF_SUM);
	return 0;
}

int cache_entry_sign(struct strbuf *raw, const char *key, const char *signing_key)
{
	unsigned char *h = (unsigned char *)raw->buf;
	unsigned flags;

	if (!cache_key_valid(key) ||
	    cache_entry_check(raw->buf, raw->len, &flags) != CACHE_DECODE_OK)
		return -1;
	put_le32(h + OFF_FLAGS, flags | CACHE_ENTRY_SIGNED);
	entry_signature(h, raw->len, key, signing_key, h + OFF_SIG);
	entry_checksum(h, raw->len, h + OFF_SUM);
	return 0;
}

int cache_entry_signature_ok(const void *data, size_t len, const char *key,
			     const char *signing_key)
{
	const unsigned char *h = data;
	unsigned char sig[32];
	unsigned flags;

	if (!signing_key || !*signing_key || !cache_key_valid(key) ||
	    cache_entry_check(data, len, &flags) != CACHE_DECODE_OK ||
	    !(flags & CACHE_ENTRY_SIGNED))
		return 0;
	entry_signature(h, len, key, signing_key, sig);
	return cache_hmac_equal(sig, h + OFF_SIG, 32);
}

/* Metadata readers: each returns 0, or -1 when the field has the wrong type
 * (or is missing and required). */
static int json_string(const cJSON *obj, const char *name, int required,
		       char **ret)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!it)
		return required ? -1 : 0;
	if (!cJSON_IsString(it))
		return -1;
	*ret = xstrdup(it->valuestring);
	return 0;
}

static int json_number(const cJSON *obj, const char *name, double lo, double hi,
		       int integral, double *ret)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) ||
	    it->valuedouble < lo || it->valuedouble > hi ||
	    (integral && it->valuedouble != floor(it->valuedouble)))
		return -1;
	*ret = it->valuedouble;
	return 0;
}

static int json_strings(const cJSON *obj, const char *name, struct strvec *sv)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, name), *it;

	if (!cJSON_IsArray(arr))
		return -1;
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it))
			return -1;
		strvec_push(sv, it->valuestring);
	}
	return 0;
}

static int metadata_parse(const char *json, size_t len, const char *key,
			  struct cache_entry *e)
{
	cJSON *obj = cJSON_ParseWithLength(json, len);
	const cJSON *extra;
	char *stored_key = NULL;
	double created, policy;
	int ret = -1;

	if (!cJSON_IsObject(obj) ||
	    json_string(obj, "key", 1, &stored_key) ||
	    (key && strcmp(stored_key, key)) || !cache_key_valid(stored_key) ||
	    json_string(obj, "kernel", 1, &e->kernel) ||
	    json_string(obj, "target", 1, &e->target) ||
	    json_string(obj, "hw", 0, &e->hw_fingerprint) ||
	    json_string(obj, "creator", 0, &e->creator) ||
	    json_string(obj, "accc_version", 0, &e->accc_version) ||
	    json_number(obj, "created", -9007199254740992.0, 9007199254740992.0, 1,
			&created) ||
	    json_number(obj, "policy_version", -2147483648.0, 2147483647.0, 1, &policy) ||
	    json_number(obj, "baseline_s", -1e300, 1e300, 0, &e->baseline_s) ||
	    json_number(obj, "best_s", -1e300, 1e300, 0, &e->best_s) ||
	    json_number(obj, "speedup", -1e300, 1e300, 0, &e->speedup) ||
	    json_strings(obj, "shapes", &e->shapes) ||
	    json_strings(obj, "models", &e->models) ||
	    json_strings(obj, "plans", &e->plans))
		goto out;
	extra = cJSON_GetObjectItemCaseSensitive(obj, "extra");
	if (extra) {
		if (!cJSON_IsObject(extra) || !(e->extra_json = cJSON_PrintUnformatted(extra)))
			goto out;
	}
	memcpy(e->key, stored_key, sizeof(e->key));
	e->created = (long long)created;
	e->policy_version = (long)policy;
	ret = 0;
out:
	free(stored_key);
	cJSON_Delete(obj);
	return ret;
}

enum cache_decode_result cache_entry_decode(const void *data, size_t len,
					    const char *key,
					    struct cache_entry *e)
{
	const unsigned char *h = data;
	enum cache_decode_result res;
	unsigned flags = 0;
	unsigned long long fsize;
	size_t csize, got, jlen, psize;
	char *content = NULL;

	cache_entry_release(e);
	if (key && !cache_key_valid(key))
		return CACHE_DECODE_CORRUPT;
	res = cache_entry_check(data, len, &flags);
	if (res != CACHE_DECODE_OK)
		return res;
	res = CACHE_DECODE_CORRUPT;
	psize = len - CACHE_ENTRY_HEADER_SIZE;
	csize = (size_t)get_le64(h + OFF_CSIZE);
	fsize = ZSTD_getFrameContentSize(h + CACHE_ENTRY_HEADER_SIZE, psize);
	if (fsize != csize ||
	    ZSTD_findFrameCompressedSize(h + CACHE_ENTRY_HEADER_SIZE, psize) != psize)
		goto out;
	content = xmalloc(csize);
	got = ZSTD_decompress(content, csize, h + CACHE_ENTRY_HEADER_SIZE, psize);
	if (ZSTD_isError(got) || got != csize)
		goto out;
	jlen = get_le32((unsigned char *)content);
	if (jlen > csize - 4 || memchr(content + 4, '\0', jlen) ||
	    metadata_parse(content + 4, jlen, key, e))
		goto out;
	strbuf_add(&e->source, content + 4 + jlen, csize - 4 - jlen);
	e->flags = flags;
	res = CACHE_DECODE_OK;
out:
	free(content);
	if (res != CACHE_DECODE_OK)
		cache_entry_release(e);
	return res;
}
