#ifndef ACCC_CACHE_ENTRY_H
#define ACCC_CACHE_ENTRY_H
/*
 * One cache entry: an optimized variant of one kernel and where it came from.
 *
 * On disk and on the wire an entry is a fixed 88-byte header followed by one
 * zstd frame (the payload).  All integers are little-endian.
 *
 *   0  magic "ACCCKENT"           40  signature, HMAC-SHA256 or zeros (32)
 *   8  format version (u32) = 1   72  xxh3-128 of bytes [0,72) and the
 *  12  header size (u32) = 88         payload (16, canonical big-endian)
 *  16  flags (u32)                88  payload: one zstd frame
 *  20  reserved (u32) = 0
 *  24  payload size (u64)
 *  32  content size (u64): the frame's decompressed size
 *
 * The content is "u32 json length, JSON metadata, variant source".  The
 * checksum covers every header byte but itself, so any flip anywhere is
 * detected.  The signature covers the key and the payload, never the flags:
 * the flags are local bookkeeping (where the entry came from, whether it was
 * verified here) that a store may rewrite.
 */
#include "strbuf.h"
#include "strvec.h"

#include <stddef.h>

#define CACHE_ENTRY_VERSION 1
#define CACHE_ENTRY_HEADER_SIZE 88
/* Caps on what a decoder accepts: a bigger entry is corrupt by definition. */
#define CACHE_ENTRY_MAX_CONTENT (16u << 20)
#define CACHE_ENTRY_MAX_SIZE (CACHE_ENTRY_HEADER_SIZE + (17u << 20))
#define CACHE_KEY_HEX 32

enum cache_entry_flag {
	CACHE_ENTRY_SIGNED = 1 << 0,   /* the signature field is set */
	CACHE_ENTRY_REMOTE = 1 << 1,   /* fetched from a remote or imported */
	CACHE_ENTRY_VERIFIED = 1 << 2, /* a remote entry re-checked on this machine */
};
#define CACHE_ENTRY_FLAGS_KNOWN 7u

/*
 * The decoded entry.  Strings are owned (NULL when absent only where noted);
 * cache_entry_release() frees everything and re-initializes.
 */
struct cache_entry {
	char key[CACHE_KEY_HEX + 1];  /* the key it is stored under */
	char *kernel;                 /* function name */
	char *target;                 /* target name, e.g. "host" */
	char *hw_fingerprint;         /* hardware description, for grouping */
	char *creator;                /* "user@host" */
	long long created;            /* unix time */
	char *accc_version;
	long policy_version;          /* evaluation-policy version */
	double baseline_s, best_s;    /* median times of original and winner */
	double speedup;
	struct strvec shapes;         /* benchmark shapes, "n=512,m=512" */
	struct strvec models;         /* "provider::model" */
	struct strvec plans;          /* the plan trail, root first */
	char *extra_json;             /* NULL or one JSON object, kept verbatim */
	struct strbuf source;         /* the variant's source text */
	unsigned flags;               /* enum cache_entry_flag, from the header */
};

void cache_entry_init(struct cache_entry *e);
void cache_entry_release(struct cache_entry *e);
/* Fill creator ("user@host") and created (now) where they are unset. */
void cache_entry_set_provenance(struct cache_entry *e);

/*
 * Append the encoded entry to `out`, stored under `key` (which is also written
 * into the metadata), with `flags` in the header.  When signing_key is non-NULL
 * and non-empty the entry is signed.  Returns 0, or -1 (logged) for an entry
 * that cannot be encoded (bad key, a string field missing, non-finite times,
 * extra_json not an object, too big).
 */
int cache_entry_encode(struct strbuf *out, const char *key,
		       const struct cache_entry *e, unsigned flags,
		       const char *signing_key);

enum cache_decode_result {
	CACHE_DECODE_OK = 0,
	CACHE_DECODE_CORRUPT = -1,  /* bad magic, size, checksum, frame, JSON, key */
	CACHE_DECODE_VERSION = -2,  /* a format version this accc does not read */
};

/*
 * Decode `len` bytes stored under `key` into `e` (which must be initialized;
 * it is released first).  Total: any input gives OK, CORRUPT or VERSION, and
 * only OK leaves data in `e`.  The metadata's key must equal `key`.  Nothing
 * is logged; the caller knows the context.
 */
enum cache_decode_result cache_entry_decode(const void *data, size_t len,
					    const char *key,
					    struct cache_entry *e);

/*
 * Check the header and checksum only (no decompression): the cheap test used
 * before bytes are stored or forwarded.  Returns as cache_entry_decode() and
 * puts the header flags in *ret_flags when non-NULL.
 */
enum cache_decode_result cache_entry_check(const void *data, size_t len,
					   unsigned *ret_flags);

/*
 * Rewrite the header flags of a checked entry in place and recompute the
 * checksum.  Returns 0, or -1 if `data` is not a valid entry.
 */
int cache_entry_set_flags(struct strbuf *raw, unsigned flags);

/*
 * Sign a checked entry in place (sets CACHE_ENTRY_SIGNED).  Returns 0, or -1
 * if `raw` is not a valid entry.
 */
int cache_entry_sign(struct strbuf *raw, const char *key, const char *signing_key);

/*
 * Whether a checked entry carries a signature that matches `signing_key` for
 * `key`: 1 yes, 0 unsigned or wrong (compared in constant time).
 */
int cache_entry_signature_ok(const void *data, size_t len, const char *key,
			     const char *signing_key);

/* Whether `s` is a well-formed key: 32 lowercase hex digits.  Inline: the
 * store, which the front links for direct mode, needs it without the codec. */
static inline int cache_key_valid(const char *s)
{
	size_t i;

	for (i = 0; i < CACHE_KEY_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

#endif
