#include "cache_remote.h"
#include "cache_down.h"
#include "cache_entry.h"
#include "http.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Listings are text about 256 keys: this is plenty. */
#define LIST_CAP (4u << 20)

struct cache_remote {
	char *url;   /* as configured, without trailing slashes */
	char *name;  /* url without userinfo */
	int read_only, failed;
	long connect_ms, transfer_ms;
	char *down_dir;  /* where failures are remembered (cache_down.h), or NULL */
	long down_for;
	int down_checked;
	char *user, *password;
	struct strvec headers;  /* "Authorization: Bearer ..." when a token is set */
};

static void wipe_free(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

static char *dup_nonempty(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static int parse_ms(const char *v, long *ret)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n <= 0 || n > 3600000)
		return -1;
	*ret = n;
	return 0;
}

static int parse_attr(struct cache_remote *r, const char *attr)
{
	const char *v;

	if (!strcmp(attr, "read-only"))
		r->read_only = 1;
	else if (skip_prefix(attr, "connect-timeout=", &v))
		return parse_ms(v, &r->connect_ms);
	else if (skip_prefix(attr, "timeout=", &v))
		return parse_ms(v, &r->transfer_ms);
	else
		return -1;
	return 0;
}

struct cache_remote *cache_remote_new(const char *spec, long connect_timeout_ms,
				      long transfer_timeout_ms,
				      const struct cache_remote_auth *auth)
{
	struct cache_remote *r = xcalloc(1, sizeof(*r));
	struct strbuf sb = STRBUF_INIT;
	const char *bar = strchr(spec, '|');
	char *attrs = bar ? xstrdup(bar + 1) : NULL, *a, *save = NULL;
	size_t ulen = bar ? (size_t)(bar - spec) : strlen(spec);

	while (ulen && spec[ulen - 1] == '/')
		ulen--;
	r->url = xstrndup(spec, ulen);
	http_url_for_log(&sb, r->url);
	r->name = strbuf_detach(&sb, NULL);
	r->connect_ms = connect_timeout_ms > 0 ? connect_timeout_ms : 500;
	r->transfer_ms = transfer_timeout_ms > 0 ? transfer_timeout_ms : 5000;
	strvec_init(&r->headers);
	if (auth) {
		if (auth->bearer_token && *auth->bearer_token)
			strvec_pushf(&r->headers, "Authorization: Bearer %s",
				     auth->bearer_token);
		r->user = dup_nonempty(auth->user);
		r->password = auth->password ? xstrdup(auth->password) : NULL;
	}
	if (!starts_with(r->url, "http://") && !starts_with(r->url, "https://")) {
		error("remote '%s' is not an http:// or https:// URL", r->name);
		goto fail;
	}
	for (a = attrs ? strtok_r(attrs, "|", &save) : NULL; a;
	     a = strtok_r(NULL, "|", &save)) {
		if (parse_attr(r, a) < 0) {
			error("bad attribute '%s' of remote '%s'", a, r->name);
			goto fail;
		}
	}
	free(attrs);
	return r;
fail:
	free(attrs);
	cache_remote_free(r);
	return NULL;
}

void cache_remote_free(struct cache_remote *r)
{
	if (!r)
		return;
	free(r->url);
	free(r->name);
	free(r->down_dir);
	free(r->user);
	wipe_free(r->password);
	for (size_t i = 0; i < r->headers.nr; i++)
		memset((char *)r->headers.v[i], 0, strlen(r->headers.v[i]));
	strvec_clear(&r->headers);
	free(r);
}

const char *cache_remote_name(const struct cache_remote *r)
{
	return r->name;
}

int cache_remote_read_only(const struct cache_remote *r)
{
	return r->read_only;
}

int cache_remote_failed(const struct cache_remote *r)
{
	return r->failed;
}

void cache_remote_mark_failed(struct cache_remote *r, const char *why)
{
	if (!r->failed)
		warning("remote '%s' failed (%s): skipped from now on", r->name, why);
	r->failed = 1;
}

void cache_remote_set_down(struct cache_remote *r, const char *dir, long seconds)
{
	free(r->down_dir);
	r->down_dir = dir && *dir ? xstrdup(dir) : NULL;
	r->down_for = seconds;
}

int cache_remote_skip_down(struct cache_remote *r)
{
	struct strbuf why = STRBUF_INIT;
	int down;

	if (r->failed || r->down_checked)
		return 0;
	r->down_checked = 1;
	down = cache_down_check(r->down_dir, r->down_for, r->url, &why);
	if (down) {
		log_msg("remote '%s' skipped: it failed recently (%s)", r->name, why.buf);
		r->failed = 1;
	}
	strbuf_release(&why);
	return down;
}

static const char *const verb_method[] = { "GET", "HEAD", "PUT", "GET" };

static void op_request(const struct cache_remote *r, const struct cache_remote_op *op,
		       struct http_request *req, struct strbuf *url)
{
	memset(req, 0, sizeof(*req));
	if (op->verb == REMOTE_LIST)
		strbuf_addf(url, "%s/%.2s/", r->url, op->key);
	else
		strbuf_addf(url, "%s/%.2s/%s", r->url, op->key, op->key);
	req->method = verb_method[op->verb];
	req->url = url->buf;
	req->headers = r->headers.nr ? &r->headers : NULL;
	req->user = r->user;
	req->password = r->password;
	req->connect_timeout_ms = r->connect_ms;
	req->timeout_ms = r->transfer_ms;
	req->max_response = op->verb == REMOTE_LIST ? LIST_CAP :
			    op->verb == REMOTE_GET ? CACHE_ENTRY_MAX_SIZE : 64 << 10;
	if (op->verb == REMOTE_PUT) {
		/* a zero-length body still has to be a body, not "no body" */
		req->body = op->data ? op->data : "";
		req->body_len = op->len;
	}
}

/* An op's result from its answer; marks r failed on anything but 2xx/404. */
static int op_result(struct cache_remote *r, const struct cache_remote_op *op,
		     const struct http_response *resp)
{
	struct strbuf why = STRBUF_INIT;
	int res = -1;

	if (resp->err != HTTP_OK) {
		strbuf_addf(&why, "%s: %s", http_error_name(resp->err), resp->message.buf);
		/* a server that is not there: every process skips it for a while */
		if (resp->err == HTTP_ERR_REFUSED || resp->err == HTTP_ERR_RESOLVE ||
		    resp->err == HTTP_ERR_TIMEOUT)
			cache_down_mark(r->down_dir, r->down_for, r->url, why.buf);
	} else if (resp->status >= 200 && resp->status < 300)
		res = 1;
	else if (resp->status == 404 && op->verb != REMOTE_PUT)
		res = 0;
	else
		strbuf_addf(&why, "HTTP status %ld%s", resp->status,
			    op->verb == REMOTE_PUT ? " on PUT" : "");
	if (res < 0)
		cache_remote_mark_failed(r, why.buf);
	strbuf_release(&why);
	return res;
}

int cache_remote_run(struct cache_remote *r, struct cache_remote_op *ops, size_t n)
{
	struct http_request *req;
	struct http_response *resp;
	struct strbuf *urls;
	int ok = 0;

	for (size_t i = 0; i < n; i++) {
		strbuf_init(&ops[i].body, 0);
		ops[i].result = -1;
		if (ops[i].verb == REMOTE_PUT && r->read_only)
			BUG("PUT to read-only remote '%s'", r->name);
	}
	if (r->failed || !n)
		return 0;
	req = xcalloc(n, sizeof(*req));
	resp = xcalloc(n, sizeof(*resp));
	urls = xcalloc(n, sizeof(*urls));
	for (size_t i = 0; i < n; i++) {
		strbuf_init(&urls[i], 0);
		op_request(r, &ops[i], &req[i], &urls[i]);
		http_response_init(&resp[i]);
	}
	http_batch(req, resp, n, NULL, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		ops[i].result = op_result(r, &ops[i], &resp[i]);
		if (ops[i].result > 0 &&
		    (ops[i].verb == REMOTE_GET || ops[i].verb == REMOTE_LIST))
			strbuf_add(&ops[i].body, resp[i].body.buf, resp[i].body.len);
		ok += ops[i].result >= 0;
		http_response_release(&resp[i]);
		strbuf_release(&urls[i]);
	}
	free(req);
	free(resp);
	free(urls);
	return ok;
}

void cache_remote_ops_release(struct cache_remote_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_release(&ops[i].body);
}

/* One op on its own: its result, with a GET's body moved to `body`. */
static int run_one(struct cache_remote *r, enum cache_remote_verb verb,
		   const char *key, const void *data, size_t len, struct strbuf *body)
{
	struct cache_remote_op op;
	int res;

	memset(&op, 0, sizeof(op));
	op.verb = verb;
	snprintf(op.key, sizeof(op.key), "%s", key);
	op.data = data;
	op.len = len;
	cache_remote_run(r, &op, 1);
	res = op.result;
	if (body) {
		strbuf_release(body);
		*body = op.body;
		strbuf_init(&op.body, 0);
	}
	cache_remote_ops_release(&op, 1);
	return res;
}

int cache_remote_get(struct cache_remote *r, const char *key, struct strbuf *body,
		     size_t cap)
{
	int res = run_one(r, REMOTE_GET, key, NULL, 0, body);

	if (res > 0 && body->len > cap) {
		cache_remote_mark_failed(r, "answer too big");
		res = -1;
	}
	if (res <= 0)
		strbuf_reset(body);
	return res;
}

int cache_remote_head(struct cache_remote *r, const char *key)
{
	return run_one(r, REMOTE_HEAD, key, NULL, 0, NULL);
}

int cache_remote_put(struct cache_remote *r, const char *key, const void *data,
		     size_t len)
{
	return run_one(r, REMOTE_PUT, key, data, len, NULL) > 0 ? 0 : -1;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

void cache_remote_scan_listing(const struct strbuf *body, const char *ab,
			       struct strvec *keys)
{
	size_t i, j;

	for (i = 0; i < body->len; i = j + 1) {
		for (j = i; j < body->len && is_hex(body->buf[j]); j++)
			;
		if (j - i == CACHE_KEY_HEX && !strncmp(body->buf + i, ab, 2)) {
			char *k = xstrndup(body->buf + i, CACHE_KEY_HEX);
			if (strvec_find(keys, k) < 0)
				strvec_push(keys, k);
			free(k);
		}
	}
}

int cache_remote_list(struct cache_remote *r, const char *ab, struct strvec *keys)
{
	struct strbuf body = STRBUF_INIT;
	int res = run_one(r, REMOTE_LIST, ab, NULL, 0, &body);

	if (res > 0)
		cache_remote_scan_listing(&body, ab, keys);
	strbuf_release(&body);
	return res < 0 ? -1 : 0;
}

int cache_remote_parse_list(const char *list, long connect_timeout_ms,
			    long transfer_timeout_ms,
			    const struct cache_remote_auth *auth,
			    struct cache_remote ***ret, size_t *ret_nr)
{
	char *copy = xstrdup(list ? list : ""), *spec, *save = NULL;
	size_t alloc = *ret_nr;
	int res = 0;

	for (spec = strtok_r(copy, " \t\n", &save); spec;
	     spec = strtok_r(NULL, " \t\n", &save)) {
		struct cache_remote *r = cache_remote_new(spec, connect_timeout_ms,
							  transfer_timeout_ms, auth);
		if (!r) {
			res = -1;
			continue;
		}
		ALLOC_GROW(*ret, *ret_nr + 1, alloc);
		(*ret)[(*ret_nr)++] = r;
	}
	free(copy);
	return res;
}
