/* The entry format and the key builder. */
#include "test_cache_util.h"

#include <stdint.h>
#include <stdio.h>
#include <xxhash.h>

static void test_round_trip(void)
{
	struct cache_entry in, out;
	struct strbuf raw = STRBUF_INIT;
	char key[33];

	sample_entry(&in, 7);
	cache_entry_init(&out);
	sample_key(7, key);
	CHECK_INT(cache_entry_encode(&raw, key, &in, 0, NULL), 0);
	CHECK(raw.len > CACHE_ENTRY_HEADER_SIZE);
	CHECK(!memcmp(raw.buf, "ACCCKENT", 8));
	CHECK_INT(cache_entry_decode(raw.buf, raw.len, key, &out), CACHE_DECODE_OK);
	CHECK(entry_equal(&in, &out));
	CHECK_STR(out.key, key);
	CHECK_STR(out.kernel, "sgemm_7");
	CHECK_STR(out.plans.v[1], "vectorize the inner loop (\"avx2\")\nstep 7");
	CHECK_STR(out.extra_json, "{\"note\":\"seed 7\",\"n\":7}");
	CHECK_INT(out.flags, 0);
	/* NULL key: accept whatever key the metadata names */
	CHECK_INT(cache_entry_decode(raw.buf, raw.len, NULL, &out), CACHE_DECODE_OK);
	CHECK_STR(out.key, key);

	/* optional fields absent stay absent; empty vectors and source survive */
	cache_entry_release(&in);
	cache_entry_init(&in);
	in.kernel = xstrdup("k");
	in.target = xstrdup("host");
	strbuf_reset(&raw);
	CHECK_INT(cache_entry_encode(&raw, key, &in, CACHE_ENTRY_REMOTE, NULL), 0);
	CHECK_INT(cache_entry_decode(raw.buf, raw.len, key, &out), CACHE_DECODE_OK);
	CHECK(entry_equal(&in, &out));
	CHECK(out.hw_fingerprint == NULL && out.extra_json == NULL);
	CHECK_INT(out.flags, CACHE_ENTRY_REMOTE);

	/* flags are rewritable, the checksum follows */
	CHECK_INT(cache_entry_set_flags(&raw, CACHE_ENTRY_REMOTE | CACHE_ENTRY_VERIFIED), 0);
	CHECK_INT(cache_entry_decode(raw.buf, raw.len, key, &out), CACHE_DECODE_OK);
	CHECK_INT(out.flags, CACHE_ENTRY_REMOTE | CACHE_ENTRY_VERIFIED);

	/* what cannot be encoded is refused */
	strbuf_reset(&raw);
	in.best_s = 1.0 / 0.0;
	CHECK_INT(cache_entry_encode(&raw, key, &in, 0, NULL), -1);
	in.best_s = 0;
	in.extra_json = xstrdup("[1,2]");
	CHECK_INT(cache_entry_encode(&raw, key, &in, 0, NULL), -1);
	CHECK_INT(cache_entry_encode(&raw, "ABC", &in, 0, NULL), -1);
	CHECK_INT(raw.len, 0);

	cache_entry_release(&in);
	cache_entry_release(&out);
	strbuf_release(&raw);
}

static void test_decode_rejects(void)
{
	struct cache_entry in, out;
	struct strbuf raw = STRBUF_INIT, copy = STRBUF_INIT;
	char key[33], other[33];

	sample_entry(&in, 1);
	cache_entry_init(&out);
	sample_key(1, key);
	sample_key(2, other);
	cache_entry_encode(&raw, key, &in, 0, NULL);

	/* a valid entry under another key is not a hit for that key */
	CHECK_INT(cache_entry_decode(raw.buf, raw.len, other, &out), CACHE_DECODE_CORRUPT);
	CHECK(out.kernel == NULL);
	CHECK_INT(cache_entry_decode(raw.buf, raw.len, "nothex", &out), CACHE_DECODE_CORRUPT);
	CHECK_INT(cache_entry_decode("", 0, key, &out), CACHE_DECODE_CORRUPT);
	CHECK_INT(cache_entry_decode("ACCCKENT", 8, key, &out), CACHE_DECODE_CORRUPT);

	/* another format version is a version miss, not corruption */
	strbuf_add(&copy, raw.buf, raw.len);
	copy.buf[8] = 2;
	CHECK_INT(cache_entry_decode(copy.buf, copy.len, key, &out), CACHE_DECODE_VERSION);
	strbuf_setlen(&copy, 12);
	CHECK_INT(cache_entry_decode(copy.buf, copy.len, key, &out), CACHE_DECODE_VERSION);

	/* trailing bytes */
	strbuf_reset(&copy);
	strbuf_add(&copy, raw.buf, raw.len);
	strbuf_addch(&copy, 0);
	CHECK_INT(cache_entry_decode(copy.buf, copy.len, key, &out), CACHE_DECODE_CORRUPT);

	cache_entry_release(&in);
	cache_entry_release(&out);
	strbuf_release(&raw);
	strbuf_release(&copy);
}

/* Recompute the checksum after tampering, as an attacker (or a bug) could. */
static void fix_checksum(struct strbuf *raw)
{
	XXH3_state_t *st = XXH3_createState();
	XXH128_canonical_t c;

	XXH3_128bits_reset(st);
	XXH3_128bits_update(st, raw->buf, 72);
	XXH3_128bits_update(st, raw->buf + 88, raw->len - 88);
	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
	XXH3_freeState(st);
	memcpy(raw->buf + 72, c.digest, 16);
}

static void test_flips_and_truncations(void)
{
	struct cache_entry in, out;
	struct strbuf raw = STRBUF_INIT, copy = STRBUF_INIT;
	char key[33];
	int detected = 0, trials = 0, tampered_ok = 0;

	srand(12345);
	sample_entry(&in, 3);
	cache_entry_init(&out);
	sample_key(3, key);
	cache_entry_encode(&raw, key, &in, 0, "k3y");
	for (int t = 0; t < 3000; t++) {
		size_t bit = (size_t)rand() % (raw.len * 8);
		strbuf_reset(&copy);
		strbuf_add(&copy, raw.buf, raw.len);
		if (t % 3 == 2)
			strbuf_setlen(&copy, (size_t)rand() % raw.len);
		else
			copy.buf[bit / 8] ^= (char)(1 << (bit % 8));
		trials++;
		if (cache_entry_decode(copy.buf, copy.len, key, &out) != CACHE_DECODE_OK)
			detected++;
	}
	CHECK_INT(detected, trials);

	/* With the checksum forged, decoding must still be total; the signature
	 * catches what parses. */
	for (int t = 0; t < 2000; t++) {
		size_t pos = 88 + (size_t)rand() % (raw.len - 88);
		strbuf_reset(&copy);
		strbuf_add(&copy, raw.buf, raw.len);
		copy.buf[pos] ^= (char)(1 << (rand() % 8));
		fix_checksum(&copy);
		if (cache_entry_decode(copy.buf, copy.len, key, &out) == CACHE_DECODE_OK) {
			tampered_ok++;
			CHECK(!cache_entry_signature_ok(copy.buf, copy.len, key, "k3y"));
		}
	}
	CHECK(cache_entry_signature_ok(raw.buf, raw.len, key, "k3y"));
	printf("forged-checksum mutations that still decoded: %d of 2000 "
	       "(all refused by the signature)\n", tampered_ok);
	cache_entry_release(&in);
	cache_entry_release(&out);
	strbuf_release(&raw);
	strbuf_release(&copy);
}

static void test_signature(void)
{
	struct cache_entry in;
	struct strbuf raw = STRBUF_INIT, copy = STRBUF_INIT;
	char key[33], other[33];
	unsigned flags = 0;

	sample_entry(&in, 4);
	sample_key(4, key);
	sample_key(5, other);
	cache_entry_encode(&raw, key, &in, 0, NULL);
	CHECK(!cache_entry_signature_ok(raw.buf, raw.len, key, "secret"));
	strbuf_add(&copy, raw.buf, raw.len);
	CHECK_INT(cache_entry_sign(&copy, key, "secret"), 0);
	CHECK_INT(cache_entry_check(copy.buf, copy.len, &flags), CACHE_DECODE_OK);
	CHECK(flags & CACHE_ENTRY_SIGNED);
	CHECK(cache_entry_signature_ok(copy.buf, copy.len, key, "secret"));
	CHECK(!cache_entry_signature_ok(copy.buf, copy.len, key, "Secret"));
	CHECK(!cache_entry_signature_ok(copy.buf, copy.len, other, "secret"));
	CHECK(!cache_entry_signature_ok(copy.buf, copy.len, key, NULL));
	/* local flags are outside the signature */
	cache_entry_set_flags(&copy, CACHE_ENTRY_REMOTE | CACHE_ENTRY_VERIFIED);
	CHECK(cache_entry_signature_ok(copy.buf, copy.len, key, "secret"));
	/* signing at encode time gives the same signature */
	strbuf_reset(&raw);
	cache_entry_encode(&raw, key, &in, 0, "secret");
	CHECK(cache_entry_signature_ok(raw.buf, raw.len, key, "secret"));
	CHECK(!memcmp(raw.buf + 40, copy.buf + 40, 32));
	cache_entry_release(&in);
	strbuf_release(&raw);
	strbuf_release(&copy);
}

static void test_keys(void)
{
	struct key_builder kb;
	struct strbuf text = STRBUF_INIT;
	char k1[33], k2[33], k3[33], k4[33];
	char *dir = test_tmpdir("keytest"), *path = xstrfmt("%s/x.accc-key", dir);

	key_init(&kb);
	key_addstr(&kb, "target", "host");
	key_add(&kb, "closure", "a\nb", 3);
	key_final(&kb, k1);
	CHECK(cache_key_valid(k1));

	key_init_debug(&kb, path);
	key_addstr(&kb, "target", "host");
	key_add(&kb, "closure", "a\nb", 3);
	CHECK_INT(key_final(&kb, k2), 0);
	CHECK_STR(k1, k2);
	CHECK_INT(strbuf_read_file(&text, path, 1 << 20), 0);
	CHECK_STR(text.buf, "accc-key 3\n2.1\ntarget 4\nhost\nclosure 3\na\nb\n");
	{
		/* the debug text is exactly what was hashed */
		XXH128_canonical_t c;
		char hex[33];
		XXH128_canonicalFromHash(&c, XXH3_128bits(text.buf, text.len));
		for (int i = 0; i < 16; i++)
			snprintf(hex + 2 * i, 3, "%02x", c.digest[i]);
		CHECK_STR(hex, k1);
	}

	/* field boundaries matter: moving a byte between fields changes the key */
	key_init(&kb);
	key_addstr(&kb, "target", "hos");
	key_add(&kb, "closure", "ta\nb", 4);
	key_final(&kb, k3);
	CHECK(strcmp(k1, k3));
	/* so do tags and order */
	key_init(&kb);
	key_add(&kb, "closure", "a\nb", 3);
	key_addstr(&kb, "target", "host");
	key_final(&kb, k4);
	CHECK(strcmp(k1, k4));

	rm_rf(dir);
	free(path);
	free(dir);
	strbuf_release(&text);
}

int main(void)
{
	test_round_trip();
	test_decode_rejects();
	test_flips_and_truncations();
	test_signature();
	test_keys();
	return check_done();
}
