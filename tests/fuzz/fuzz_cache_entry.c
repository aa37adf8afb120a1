/*
 * libFuzzer target for the cache entry decoder (and the counters parser).
 *
 * Every input is decoded as is (the checksum rejects nearly all of them);
 * then, with the header fields and the checksum forged to match, the zstd
 * frame and the JSON metadata behind them are decoded too.  Whatever decodes
 * must encode again and decode to the same entry.  Decoding must never crash,
 * leak or read out of bounds (the build uses ASan and UBSan).
 */
#include "cache_entry.h"
#include "cache_stats.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_key[] = "0123456789abcdef0123456789abcdef";

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Make a header that passes every check but the content's own. */
static void forge_header(struct strbuf *raw)
{
	unsigned char *h = (unsigned char *)raw->buf;
	XXH3_state_t *st = XXH3_createState();
	XXH128_canonical_t c;
	uint32_t flags = h[16] & 7;

	memcpy(h, "ACCCKENT", 8);
	put_le(h + 8, CACHE_ENTRY_VERSION, 4);
	put_le(h + 12, CACHE_ENTRY_HEADER_SIZE, 4);
	put_le(h + 16, flags, 4);
	put_le(h + 20, 0, 4);
	put_le(h + 24, raw->len - CACHE_ENTRY_HEADER_SIZE, 8);
	if (!(flags & CACHE_ENTRY_SIGNED))
		memset(h + 40, 0, 32);
	/* content size (32..40) stays fuzzed: the decoder must cross-check it */
	XXH3_128bits_reset(st);
	XXH3_128bits_update(st, h, 72);
	XXH3_128bits_update(st, h + 88, raw->len - 88);
	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
	XXH3_freeState(st);
	memcpy(h + 72, c.digest, 16);
}

static void round_trip(const struct cache_entry *e)
{
	struct strbuf again = STRBUF_INIT;
	struct cache_entry e2;

	cache_entry_init(&e2);
	if (cache_entry_encode(&again, e->key, e, e->flags, NULL) == 0) {
		if (cache_entry_decode(again.buf, again.len, e->key, &e2) != CACHE_DECODE_OK ||
		    strcmp(e->kernel, e2.kernel) || e->source.len != e2.source.len ||
		    memcmp(e->source.buf, e2.source.buf, e->source.len) ||
		    e->shapes.nr != e2.shapes.nr || e->created != e2.created)
			abort();
	}
	cache_entry_release(&e2);
	strbuf_release(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cache_entry e;
	struct strbuf raw = STRBUF_INIT;
	struct cache_stats st = CACHE_STATS_INIT;

	cache_entry_init(&e);
	if (cache_entry_decode(data, size, NULL, &e) == CACHE_DECODE_OK)
		round_trip(&e);
	cache_entry_decode(data, size, fuzz_key, &e);
	if (size >= CACHE_ENTRY_HEADER_SIZE && size <= CACHE_ENTRY_MAX_SIZE) {
		strbuf_add(&raw, data, size);
		forge_header(&raw);
		if (cache_entry_decode(raw.buf, raw.len, NULL, &e) == CACHE_DECODE_OK)
			round_trip(&e);
	}
	cache_stats_parse(&st, (const char *)data, size);
	cache_stats_release(&st);
	cache_entry_release(&e);
	strbuf_release(&raw);
	return 0;
}
