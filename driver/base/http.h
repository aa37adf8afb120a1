#ifndef ACCC_HTTP_H
#define ACCC_HTTP_H
/*
 * The one HTTP client (over libcurl; STYLE.md rule 3: no other file includes
 * curl/curl.h).  Built as its own library, accc_http, so that the front
 * `accc` never loads libcurl.
 *
 * One request is described by a struct http_request (borrowed strings, kept
 * alive by the caller until the call returns) and answered in a struct
 * http_response.  http_perform() runs one; http_batch() runs many at once on
 * one curl multi handle under a per-group concurrency cap, calls `done` as
 * each finishes, and may run a request again after a delay when `done` asks
 * (that is how callers retry without blocking the others).
 *
 * Secrets: header values and the basic-auth password are never logged.  The
 * log line of a request is "http: METHOD URL -> STATUS, BYTES bytes, MS ms"
 * with the URL's userinfo and query removed.  Redirects are not followed
 * (a key must never travel to another host), only http and https are
 * allowed, and TLS peers are always verified.
 */
#include "strbuf.h"
#include "strvec.h"

#include <stddef.h>

/* Why a request got no complete HTTP answer. */
enum http_error {
	HTTP_OK = 0,       /* an answer came (whatever its status) */
	HTTP_ERR_RESOLVE,  /* host name not found */
	HTTP_ERR_REFUSED,  /* could not connect */
	HTTP_ERR_TIMEOUT,  /* connect or total timeout, or the batch deadline */
	HTTP_ERR_TOO_LARGE,/* the body went past max_response */
	HTTP_ERR_TLS,      /* handshake or certificate verification failed */
	HTTP_ERR_DROPPED,  /* connection reset, closed early, nothing or half an answer */
	HTTP_ERR_OTHER,    /* bad URL, out of resources, ... */
};

/* "ok", "resolve", "refused", "timeout", "too-large", "tls", "dropped", "other" */
const char *http_error_name(enum http_error e);

#define HTTP_CONNECT_TIMEOUT_MS 10000L
#define HTTP_TIMEOUT_MS 600000L
#define HTTP_MAX_RESPONSE (4u << 20)

struct http_request {
	const char *method;        /* "GET", "POST", "PUT", "HEAD", ...; NULL: GET,
				      or POST when there is a body */
	const char *url;           /* http:// or https:// */
	const struct strvec *headers; /* "Name: value" lines, or NULL; never logged */
	const void *body;          /* sent when non-NULL (body_len bytes) */
	size_t body_len;
	const char *user;          /* basic auth, or NULL; never logged */
	const char *password;
	long connect_timeout_ms;   /* 0: HTTP_CONNECT_TIMEOUT_MS */
	long timeout_ms;           /* whole transfer; 0: HTTP_TIMEOUT_MS */
	size_t max_response;       /* body cap; 0: HTTP_MAX_RESPONSE */
	const char *group;         /* concurrency group in a batch; NULL: the
				      URL's scheme://host:port */
};

struct http_response {
	long status;               /* HTTP status, 0 when no answer came */
	enum http_error err;
	struct strbuf body;        /* at most max_response bytes */
	struct strbuf headers;     /* header lines of the last answer (capped) */
	struct strbuf message;     /* what went wrong, when err != HTTP_OK */
	long retry_after_ms;       /* from Retry-After / retry-after-ms, or -1 */
	double seconds;            /* wall time of the transfer */
};

void http_response_init(struct http_response *r);
/* Empty everything for a new attempt (buffers kept). */
void http_response_reset(struct http_response *r);
void http_response_release(struct http_response *r);
/*
 * Find header `name` (case-insensitive) in r->headers; put its value,
 * trimmed, in `out` (replacing its content) and return 1, or return 0.
 */
int http_response_header(const struct http_response *r, const char *name,
			 struct strbuf *out);

/*
 * Parse a Retry-After value: delay-seconds, or an HTTP date (a date in the
 * past gives 0).  Returns milliseconds, or -1 when it cannot be parsed.
 */
long http_parse_retry_after(const char *value);

/*
 * Run one request.  Returns 0 when an HTTP answer came (any status: look at
 * resp->status), -1 when none did (resp->err and resp->message say why; not
 * logged as an error: the caller decides what it means).  `resp` must have
 * been initialized; it is reset first.
 */
int http_perform(const struct http_request *req, struct http_response *resp);

/*
 * Called when request `i` of a batch has finished an attempt.  Return -1 to
 * finish it, or a delay in milliseconds (>= 0) to run it again after that
 * delay; resp[i] is reset before the new attempt.
 */
typedef long (*http_done_fn)(size_t i, const struct http_response *resp, void *data);

struct http_batch_options {
	int max_per_group;         /* in flight at once per group; < 1: 8 */
	double deadline;           /* absolute now_s() time, or 0 for none: a
				      request waiting or running past it ends
				      with HTTP_ERR_TIMEOUT (`done` is still
				      called; a retry it asks for is refused) */
};

/*
 * Run the n requests concurrently (curl multi, no busy loop) and return when
 * every one has finished.  resp[i] answers req[i]; every resp[i] must have
 * been initialized.  `done` may be NULL (no retries).  Returns the number of
 * requests that got an HTTP answer on their last attempt, or -1 when curl
 * itself could not be set up (every resp[i] then says HTTP_ERR_OTHER).
 */
int http_batch(const struct http_request *req, struct http_response *resp, size_t n,
	       const struct http_batch_options *opts, http_done_fn done, void *data);

/* Append `url` without userinfo and without a query: safe to log. */
void http_url_for_log(struct strbuf *out, const char *url);

#endif
