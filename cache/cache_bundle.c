/*
 * export / import: the whole local cache as one zstd stream.
 *
 *   "ACCCBNDL" u32 version
 *   'E' key[32] u64 size <raw entry bytes>     one per entry
 *   'Z' u64 count                              end (absent: truncated)
 *
 * Integers little-endian.  Entries keep their own header and checksum, so the
 * importer checks each one exactly like an entry fetched from a remote.
 */
#include "cache_int.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define BUNDLE_VERSION 1
static const char bundle_magic[8] = { 'A', 'C', 'C', 'C', 'B', 'N', 'D', 'L' };

struct bundle_writer {
	FILE *f;
	ZSTD_CCtx *z;
	char out[1 << 16];
	int err;
};

static void bw_feed(struct bundle_writer *w, const void *data, size_t len,
		    ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { data, len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer out = { w->out, sizeof(w->out), 0 };
		left = ZSTD_compressStream2(w->z, &out, &in, mode);
		if (ZSTD_isError(left) ||
		    fwrite(w->out, 1, out.pos, w->f) != out.pos) {
			w->err = 1;
			return;
		}
	} while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

struct export_walk {
	struct cache *c;
	struct bundle_writer *w;
	struct cache_report *rep;
	struct strbuf raw;
};

static int export_one(const char *key, const char *path, const struct stat *st,
		      void *data)
{
	struct export_walk *x = data;
	unsigned char rec[1 + CACHE_KEY_HEX + 8];

	if (cache_store_read(&x->c->store, key, &x->raw) <= 0)
		return 0;
	if (cache_entry_check(x->raw.buf, x->raw.len, NULL) != CACHE_DECODE_OK) {
		x->rep->corrupt++;
		return 0;
	}
	cache_entry_set_flags(&x->raw, 0);
	rec[0] = 'E';
	memcpy(rec + 1, key, CACHE_KEY_HEX);
	put_u64(rec + 1 + CACHE_KEY_HEX, x->raw.len);
	bw_feed(x->w, rec, sizeof(rec), ZSTD_e_continue);
	bw_feed(x->w, x->raw.buf, x->raw.len, ZSTD_e_continue);
	x->rep->sent++;
	return x->w->err ? -1 : 0;
}

int cache_export(struct cache *c, const char *path, struct cache_report *rep)
{
	struct bundle_writer *w = xcalloc(1, sizeof(*w));
	struct export_walk x = { c, w, rep, STRBUF_INIT };
	unsigned char head[12], end[9];
	int to_stdout = !strcmp(path, "-"), ret = -1;

	w->f = to_stdout ? stdout : fopen(path, "wb");
	if (!w->f) {
		error("cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	w->z = ZSTD_createCCtx();
	if (!w->z)
		BUG("out of memory for a zstd context");
	ZSTD_CCtx_setParameter(w->z, ZSTD_c_compressionLevel, 3);
	memcpy(head, bundle_magic, 8);
	head[8] = BUNDLE_VERSION, head[9] = head[10] = head[11] = 0;
	bw_feed(w, head, sizeof(head), ZSTD_e_continue);
	if (cache_store_for_each(&c->store, export_one, &x) < 0 || w->err)
		goto fail;
	end[0] = 'Z';
	put_u64(end + 1, (uint64_t)rep->sent);
	bw_feed(w, end, sizeof(end), ZSTD_e_end);
	if (w->err || fflush(w->f) == EOF || (!to_stdout && fclose(w->f) == EOF)) {
		w->f = NULL;
		goto fail;
	}
	w->f = NULL;
	ret = 0;
	goto out;
fail:
	error("cannot write bundle '%s': %s", path, strerror(errno));
	if (!to_stdout)
		unlink(path);
out:
	if (w->f && !to_stdout)
		fclose(w->f);
	ZSTD_freeCCtx(w->z);
	free(w);
	strbuf_release(&x.raw);
	return ret;
}

struct bundle_reader {
	FILE *f;
	ZSTD_DCtx *z;
	char in[1 << 16];
	ZSTD_inBuffer inb;
	struct strbuf buf;  /* decompressed, not yet consumed from `pos` */
	size_t pos;
	int eof;
};

/* Make n bytes available at buf+pos.  0, or -1 at a premature end or error. */
static int br_need(struct bundle_reader *r, size_t n)
{
	while (r->buf.len - r->pos < n) {
		char out[1 << 16];
		ZSTD_outBuffer outb = { out, sizeof(out), 0 };
		size_t rc;

		if (r->pos > (1u << 20)) {
			strbuf_splice(&r->buf, 0, r->pos, "", 0);
			r->pos = 0;
		}
		if (r->inb.pos == r->inb.size) {
			if (r->eof)
				return -1;
			r->inb.size = fread(r->in, 1, sizeof(r->in), r->f);
			r->inb.pos = 0;
			if (r->inb.size < sizeof(r->in))
				r->eof = 1;
		}
		rc = ZSTD_decompressStream(r->z, &outb, &r->inb);
		if (ZSTD_isError(rc))
			return -1;
		strbuf_add(&r->buf, out, outb.pos);
	}
	return 0;
}

/* Import records until the end record; -1 on a malformed or cut bundle. */
static int import_records(struct cache *c, struct bundle_reader *r,
			  struct cache_report *rep, struct cache_stats *st)
{
	struct strbuf raw = STRBUF_INIT;
	uint64_t records = 0;
	int ret = -1;

	for (;;) {
		const unsigned char *p;
		char key[CACHE_KEY_HEX + 1];
		uint64_t len;
		enum cache_accept a;

		if (br_need(r, 9) < 0)
			goto out;
		p = (const unsigned char *)r->buf.buf + r->pos;
		if (p[0] == 'Z') {
			ret = get_u64(p + 1) == records ? 0 : -1;
			goto out;
		}
		if (p[0] != 'E' || br_need(r, 1 + CACHE_KEY_HEX + 8) < 0)
			goto out;
		p = (const unsigned char *)r->buf.buf + r->pos;
		memcpy(key, p + 1, CACHE_KEY_HEX);
		key[CACHE_KEY_HEX] = '\0';
		len = get_u64(p + 1 + CACHE_KEY_HEX);
		if (!cache_key_valid(key) || len > CACHE_ENTRY_MAX_SIZE)
			goto out;
		r->pos += 1 + CACHE_KEY_HEX + 8;
		if (br_need(r, (size_t)len) < 0)
			goto out;
		strbuf_reset(&raw);
		strbuf_add(&raw, r->buf.buf + r->pos, (size_t)len);
		r->pos += (size_t)len;
		records++;
		a = cache_accept_foreign(c, key, &raw, 0, NULL, st);
		if (a == ACCEPT_OK)
			rep->received++;
		cache_report_refusal(rep, a);
	}
out:
	strbuf_release(&raw);
	return ret;
}

int cache_import(struct cache *c, const char *path, struct cache_report *rep)
{
	struct bundle_reader *r = xcalloc(1, sizeof(*r));
	struct cache_stats st = CACHE_STATS_INIT;
	int from_stdin = !strcmp(path, "-"), ret = -1;
	const unsigned char *h;

	strbuf_init(&r->buf, 0);
	r->f = from_stdin ? stdin : fopen(path, "rb");
	if (!r->f) {
		error("cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	r->z = ZSTD_createDCtx();
	if (!r->z)
		BUG("out of memory for a zstd context");
	/* Memory stays bounded whatever the file claims: 128 MiB window at most. */
	ZSTD_DCtx_setParameter(r->z, ZSTD_d_windowLogMax, 27);
	r->inb.src = r->in;
	if (br_need(r, 12) < 0)
		goto bad;
	h = (const unsigned char *)r->buf.buf;
	if (memcmp(h, bundle_magic, 8) || h[8] != BUNDLE_VERSION || h[9] || h[10] ||
	    h[11])
		goto bad;
	r->pos = 12;
	if (import_records(c, r, rep, &st) < 0)
		goto bad;
	ret = 0;
	goto out;
bad:
	error("'%s' is not a complete accc cache bundle", path);
out:
	cache_store_count(&c->store, NULL, &st);
	if (r->f && !from_stdin)
		fclose(r->f);
	ZSTD_freeDCtx(r->z);
	strbuf_release(&r->buf);
	free(r);
	return ret;
}
