#include "http.h"
#include "log.h"
#include "run.h"
#include "xalloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Header lines kept per answer: enough for any real API, bounded for a
 * hostile one. */
#define HEADERS_CAP (64u << 10)

enum xfer_state { X_WAITING, X_RUNNING, X_FINISHED };

/* One request of a batch across its attempts. */
struct xfer {
	const struct http_request *req;
	struct http_response *resp;
	char *group;
	enum xfer_state state;
	double start_at;      /* X_WAITING: not before this now_s() */
	double t0;            /* start of the running attempt */
	int deadline_cut;     /* this attempt's timeout was cut to the deadline */
	CURL *easy;           /* X_RUNNING only */
	struct curl_slist *hdrs;
	char errbuf[CURL_ERROR_SIZE];
};

const char *http_error_name(enum http_error e)
{
	static const char *const names[] = {
		[HTTP_OK] = "ok", [HTTP_ERR_RESOLVE] = "resolve",
		[HTTP_ERR_REFUSED] = "refused", [HTTP_ERR_TIMEOUT] = "timeout",
		[HTTP_ERR_TOO_LARGE] = "too-large", [HTTP_ERR_TLS] = "tls",
		[HTTP_ERR_DROPPED] = "dropped", [HTTP_ERR_OTHER] = "other",
	};
	if ((unsigned)e >= ARRAY_SIZE(names) || !names[e])
		return "other";
	return names[e];
}

void http_response_init(struct http_response *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body, 0);
	strbuf_init(&r->headers, 0);
	strbuf_init(&r->message, 0);
	r->retry_after_ms = -1;
}

void http_response_reset(struct http_response *r)
{
	r->status = 0;
	r->err = HTTP_OK;
	strbuf_reset(&r->body);
	strbuf_reset(&r->headers);
	strbuf_reset(&r->message);
	r->retry_after_ms = -1;
	r->seconds = 0;
}

void http_response_release(struct http_response *r)
{
	strbuf_release(&r->body);
	strbuf_release(&r->headers);
	strbuf_release(&r->message);
	r->status = 0;
	r->retry_after_ms = -1;
}

int http_response_header(const struct http_response *r, const char *name,
			 struct strbuf *out)
{
	size_t nlen = strlen(name);
	const char *p = r->headers.buf, *end = p + r->headers.len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end;
		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > nlen && p[nlen] == ':' && !strncasecmp(p, name, nlen)) {
			strbuf_reset(out);
			strbuf_add(out, p + nlen + 1, (size_t)(eol - p - (long)nlen - 1));
			strbuf_trim(out);
			return 1;
		}
		p = next;
	}
	return 0;
}

long http_parse_retry_after(const char *value)
{
	const char *p = value;
	time_t when, now;
	char *end;
	double secs;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p >= '0' && *p <= '9') {
		errno = 0;
		secs = strtod(p, &end);
		while (*end == ' ' || *end == '\t' || *end == '\r')
			end++;
		if (errno || *end || secs > 86400.0 * 365)
			return -1;
		return (long)(secs * 1000.0);
	}
	when = curl_getdate(p, NULL);
	if (when == (time_t)-1)
		return -1;
	now = time(NULL);
	return when <= now ? 0 : (long)(when - now) * 1000L;
}

void http_url_for_log(struct strbuf *out, const char *url)
{
	const char *auth = strstr(url, "://"), *end, *at = NULL;

	if (!auth) {
		strbuf_add(out, url, strcspn(url, "?#"));
		return;
	}
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	strbuf_add(out, url, (size_t)(auth - url));
	auth = at ? at + 1 : auth;
	strbuf_add(out, auth, strcspn(auth, "?#"));
	if (strchr(auth, '?'))
		strbuf_addstr(out, "?...");
}

/* scheme://host:port of a URL, without userinfo: the default group. */
static char *url_group(const char *url)
{
	struct strbuf sb = STRBUF_INIT;
	const char *auth, *end;

	http_url_for_log(&sb, url);
	auth = strstr(sb.buf, "://");
	if (auth) {
		end = auth + 3 + strcspn(auth + 3, "/?#");
		strbuf_setlen(&sb, (size_t)(end - sb.buf));
	}
	return strbuf_detach(&sb, NULL);
}

static int global_init(void)
{
	static int state; /* 0 not yet, 1 done, -1 failed */

	if (!state)
		state = curl_global_init(CURL_GLOBAL_DEFAULT) ? -1 : 1;
	return state > 0 ? 0 : -1;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct xfer *x = data;
	size_t n = size * nmemb, cap = x->req->max_response ? x->req->max_response
							    : HTTP_MAX_RESPONSE;

	if (x->resp->body.len + n > cap) {
		x->resp->err = HTTP_ERR_TOO_LARGE;
		return 0; /* aborts the transfer */
	}
	strbuf_add(&x->resp->body, ptr, n);
	return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct xfer *x = data;
	size_t n = size * nmemb;

	/* a new status line starts a new answer (after 1xx) */
	if (n >= 5 && !memcmp(ptr, "HTTP/", 5))
		strbuf_reset(&x->resp->headers);
	if (x->resp->headers.len + n <= HEADERS_CAP)
		strbuf_add(&x->resp->headers, ptr, n);
	return n;
}

static const char *request_method(const struct http_request *req)
{
	if (req->method)
		return req->method;
	return req->body ? "POST" : "GET";
}

static void set_method(CURL *c, const struct http_request *req)
{
	const char *m = request_method(req);

	if (req->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)req->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		if (strcmp(m, "POST"))
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m);
	} else if (!strcmp(m, "HEAD")) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(m, "GET")) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m);
	}
}

/* Header lines can hold keys: wipe them before they go back to malloc. */
static void free_headers(struct curl_slist *list)
{
	for (struct curl_slist *l = list; l; l = l->next)
		if (l->data)
			memset(l->data, 0, strlen(l->data));
	curl_slist_free_all(list);
}

static struct curl_slist *make_headers(const struct http_request *req)
{
	struct curl_slist *list = curl_slist_append(NULL, "Expect:"), *l;

	for (size_t i = 0; list && req->headers && i < req->headers->nr; i++) {
		l = curl_slist_append(list, req->headers->v[i]);
		if (!l) {
			free_headers(list);
			return NULL;
		}
		list = l;
	}
	return list;
}

/* Configure x->easy for one attempt ending at the latest at `deadline`. */
static void set_options(struct xfer *x, double deadline)
{
	const struct http_request *req = x->req;
	CURL *c = x->easy;
	long timeout = req->timeout_ms > 0 ? req->timeout_ms : HTTP_TIMEOUT_MS;
	long connect = req->connect_timeout_ms > 0 ? req->connect_timeout_ms
						   : HTTP_CONNECT_TIMEOUT_MS;
	size_t cap = req->max_response ? req->max_response : HTTP_MAX_RESPONSE;
	const char *ca = getenv("ACCC_CA_BUNDLE");

	x->deadline_cut = 0;
	if (deadline > 0 && (deadline - x->t0) * 1000.0 < (double)timeout) {
		timeout = (long)((deadline - x->t0) * 1000.0);
		timeout = timeout < 1 ? 1 : timeout;
		x->deadline_cut = 1;
	}
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, x);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca && *ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "accc");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
	if (req->user) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, req->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, req->password ? req->password : "");
	}
	set_method(c, req);
}

static enum http_error map_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return HTTP_ERR_RESOLVE;
	case CURLE_COULDNT_CONNECT:
		return HTTP_ERR_REFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_ERR_TIMEOUT;
	case CURLE_FILESIZE_EXCEEDED:
		return HTTP_ERR_TOO_LARGE;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
		return HTTP_ERR_TLS;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_WEIRD_SERVER_REPLY:
		return HTTP_ERR_DROPPED;
	default:
		return HTTP_ERR_OTHER;
	}
}

static void log_attempt(const struct xfer *x)
{
	struct strbuf url = STRBUF_INIT;
	const struct http_response *r = x->resp;

	if (!log_enabled())
		return;
	http_url_for_log(&url, x->req->url);
	if (r->err == HTTP_OK)
		log_msg("http: %s %s -> %ld, %zu bytes, %.0f ms", request_method(x->req),
			url.buf, r->status, r->body.len, r->seconds * 1000.0);
	else
		log_msg("http: %s %s -> %s (%s), %.0f ms", request_method(x->req), url.buf,
			http_error_name(r->err), r->message.buf, r->seconds * 1000.0);
	strbuf_release(&url);
}

/* Fill x->resp from a finished transfer and dispose of its handles. */
static void attempt_end(CURLM *multi, struct xfer *x, CURLcode rc)
{
	struct http_response *r = x->resp;
	struct strbuf v = STRBUF_INIT;

	r->seconds = now_s() - x->t0;
	if (rc == CURLE_OK) {
		r->err = HTTP_OK;
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
	} else {
		int over = r->err == HTTP_ERR_TOO_LARGE;
		r->err = over ? HTTP_ERR_TOO_LARGE : map_error(rc);
		if (r->err == HTTP_ERR_TOO_LARGE)
			strbuf_addstr(&r->message, "response larger than the cap");
		else if (r->err == HTTP_ERR_TIMEOUT && x->deadline_cut)
			strbuf_addstr(&r->message, "deadline reached");
		else
			strbuf_addstr(&r->message, x->errbuf[0] ? x->errbuf
							       : curl_easy_strerror(rc));
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
	}
	if (http_response_header(r, "retry-after-ms", &v)) {
		char *end;
		double ms = strtod(v.buf, &end);
		if (end != v.buf && !*end && ms >= 0 && ms < 86400e3)
			r->retry_after_ms = (long)ms;
	}
	if (r->retry_after_ms < 0 && http_response_header(r, "retry-after", &v))
		r->retry_after_ms = http_parse_retry_after(v.buf);
	strbuf_release(&v);
	curl_multi_remove_handle(multi, x->easy);
	curl_easy_cleanup(x->easy);
	x->easy = NULL;
	free_headers(x->hdrs);
	x->hdrs = NULL;
	log_attempt(x);
}

/* Finish an attempt that never reached curl (setup failed, deadline). */
static void attempt_fail(struct xfer *x, enum http_error e, const char *why)
{
	http_response_reset(x->resp);
	x->resp->err = e;
	strbuf_addstr(&x->resp->message, why);
	log_attempt(x);
}

static int attempt_start(CURLM *multi, struct xfer *x, double deadline)
{
	x->t0 = now_s();
	x->errbuf[0] = '\0';
	http_response_reset(x->resp);
	x->easy = curl_easy_init();
	x->hdrs = make_headers(x->req);
	if (!x->easy || !x->hdrs)
		goto fail;
	set_options(x, deadline);
	if (curl_multi_add_handle(multi, x->easy) != CURLM_OK)
		goto fail;
	x->state = X_RUNNING;
	return 0;
fail:
	if (x->easy)
		curl_easy_cleanup(x->easy);
	x->easy = NULL;
	free_headers(x->hdrs);
	x->hdrs = NULL;
	attempt_fail(x, HTTP_ERR_OTHER, "cannot set up the transfer");
	return -1;
}

struct batch {
	CURLM *multi;
	struct xfer *x;
	size_t n, finished;
	int cap;
	double deadline;
	http_done_fn done;
	void *data;
};

static int group_running(const struct batch *b, const char *group)
{
	int nr = 0;

	for (size_t i = 0; i < b->n; i++)
		if (b->x[i].state == X_RUNNING && !strcmp(b->x[i].group, group))
			nr++;
	return nr;
}

/* An attempt of x has ended: ask `done` whether to go again. */
static void attempt_after(struct batch *b, struct xfer *x)
{
	size_t i = (size_t)(x - b->x);
	long delay = b->done ? b->done(i, x->resp, b->data) : -1;
	double at = now_s() + (double)delay / 1000.0;

	if (delay >= 0 && (b->deadline <= 0 || at < b->deadline)) {
		x->state = X_WAITING;
		x->start_at = at;
		return;
	}
	if (delay >= 0)
		log_msg("http: retry of request %zu refused: past the batch deadline", i);
	x->state = X_FINISHED;
	b->finished++;
}

/* Start every waiting request that is due and whose group has room. */
static void start_ready(struct batch *b)
{
	double now = now_s();

	for (size_t i = 0; i < b->n; i++) {
		struct xfer *x = &b->x[i];
		if (x->state != X_WAITING)
			continue;
		if (b->deadline > 0 && now >= b->deadline) {
			/* a request that never went out is told why; one
			 * waiting for a retry keeps its last answer */
			if (!x->t0) {
				attempt_fail(x, HTTP_ERR_TIMEOUT,
					     "deadline reached before the request was sent");
				if (b->done)
					b->done(i, x->resp, b->data);
			}
			x->state = X_FINISHED;
			b->finished++;
			continue;
		}
		if (x->start_at > now || group_running(b, x->group) >= b->cap)
			continue;
		if (attempt_start(b->multi, x, b->deadline) < 0)
			attempt_after(b, x);
	}
}

static void collect(struct batch *b)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(b->multi, &left))) {
		struct xfer *x = NULL;
		CURLcode rc = msg->data.result;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (!x)
			BUG("curl transfer without its request");
		attempt_end(b->multi, x, rc); /* msg is invalid from here */
		attempt_after(b, x);
	}
}

/* How long poll may sleep: until the next due retry that has room, the
 * deadline, or a second (a safety net, not a tick: activity wakes it). */
static int poll_timeout(const struct batch *b)
{
	double now = now_s(), until = now + 1.0;

	for (size_t i = 0; i < b->n; i++) {
		const struct xfer *x = &b->x[i];
		if (x->state == X_WAITING && x->start_at < until &&
		    group_running(b, x->group) < b->cap)
			until = x->start_at;
	}
	if (b->deadline > 0 && b->deadline < until)
		until = b->deadline;
	if (until <= now)
		return 0;
	return (int)((until - now) * 1000.0) + 1;
}

int http_batch(const struct http_request *req, struct http_response *resp, size_t n,
	       const struct http_batch_options *opts, http_done_fn done, void *data)
{
	struct batch b = { .n = n, .done = done, .data = data, .cap = 8 };
	int ret = -1, running;

	if (opts && opts->max_per_group > 0)
		b.cap = opts->max_per_group;
	if (opts)
		b.deadline = opts->deadline;
	b.x = xcalloc(n ? n : 1, sizeof(*b.x));
	for (size_t i = 0; i < n; i++) {
		b.x[i].req = &req[i];
		b.x[i].resp = &resp[i];
		b.x[i].group = req[i].group ? xstrdup(req[i].group) : url_group(req[i].url);
		b.x[i].state = X_WAITING;
	}
	if (global_init() < 0 || !(b.multi = curl_multi_init())) {
		for (size_t i = 0; i < n; i++)
			attempt_fail(&b.x[i], HTTP_ERR_OTHER, "cannot initialize libcurl");
		goto out;
	}
	while (b.finished < n) {
		start_ready(&b);
		if (b.finished == n)
			break;
		curl_multi_perform(b.multi, &running);
		collect(&b);
		if (b.finished == n)
			break;
		curl_multi_poll(b.multi, NULL, 0, poll_timeout(&b), NULL);
	}
	ret = 0;
	for (size_t i = 0; i < n; i++)
		ret += resp[i].err == HTTP_OK;
out:
	for (size_t i = 0; i < n; i++) {
		if (b.x[i].easy) {
			curl_multi_remove_handle(b.multi, b.x[i].easy);
			curl_easy_cleanup(b.x[i].easy);
		}
		free_headers(b.x[i].hdrs);
		free(b.x[i].group);
	}
	if (b.multi)
		curl_multi_cleanup(b.multi);
	free(b.x);
	return ret;
}

int http_perform(const struct http_request *req, struct http_response *resp)
{
	http_response_reset(resp);
	if (http_batch(req, resp, 1, NULL, NULL, NULL) < 0)
		return -1;
	return resp->err == HTTP_OK ? 0 : -1;
}
