#ifndef ACCC_CACHE_REMOTE_H
#define ACCC_CACHE_REMOTE_H
/*
 * Remote stores over HTTP(S): GET/PUT/HEAD <url>/<ab>/<key>, the local
 * store's layout, so a plain nginx WebDAV location, bazel-remote's /cas-like
 * paths behind a rewrite, or an object store's HTTP front all work.  Requests
 * go through the base layer's one HTTP client (http.h): redirects are not
 * followed, TLS peers are always verified (ACCC_CA_BUNDLE adds a CA bundle),
 * URLs are logged without userinfo.  Batches run concurrently (8 per remote).
 *
 * A remote is given as "URL[|attribute]...", attributes as in ccache:
 *   read-only            never PUT to it
 *   connect-timeout=MS   override the default connect timeout
 *   timeout=MS           override the default transfer timeout
 * Credentials: a bearer token or user/password from the configuration (the
 * driver takes them from the environment), or userinfo in the URL.  They are
 * never logged: messages name the remote by its URL without userinfo.
 *
 * A remote that fails once (refused, timeout, an HTTP status other than 2xx
 * and 404, an oversized or garbled answer, reported by the caller through
 * cache_remote_mark_failed) is skipped for the rest of the process.  One
 * that refused, could not be resolved or timed out is also remembered as
 * down (cache_down.h) when cache_remote_set_down() named where, and every
 * process that asks cache_remote_skip_down() skips it for that time.
 */
#include "strbuf.h"
#include "strvec.h"

struct cache_remote;

struct cache_remote_auth {
	const char *bearer_token;  /* NULL or "" for none */
	const char *user;          /* basic auth; NULL or "" for none */
	const char *password;
};

/*
 * Parse one remote spec.  Returns a new remote (free with
 * cache_remote_free), or NULL (logged) for a malformed spec.  The auth
 * strings are copied.
 */
struct cache_remote *cache_remote_new(const char *spec, long connect_timeout_ms,
				      long transfer_timeout_ms,
				      const struct cache_remote_auth *auth);
void cache_remote_free(struct cache_remote *r);

/* The URL with userinfo removed, for messages. */
const char *cache_remote_name(const struct cache_remote *r);
int cache_remote_read_only(const struct cache_remote *r);
int cache_remote_failed(const struct cache_remote *r);
/* Skip this remote from now on (logged with why). */
void cache_remote_mark_failed(struct cache_remote *r, const char *why);
/* Remember failures of r under `dir` for `seconds` (0: not at all). */
void cache_remote_set_down(struct cache_remote *r, const char *dir, long seconds);
/* The first call in a process: 1 when r is remembered as down (r is then
 * failed, logged); 0 otherwise, and on every later call. */
int cache_remote_skip_down(struct cache_remote *r);

/*
 * GET key into body (replaced), at most `cap` bytes.  Returns 1 found, 0 not
 * there (404), -1 failed (logged; the remote is marked failed).  A failed
 * remote returns -1 at once.
 */
int cache_remote_get(struct cache_remote *r, const char *key, struct strbuf *body,
		     size_t cap);
/* HEAD key: 1 there, 0 not there, -1 failed (as cache_remote_get). */
int cache_remote_head(struct cache_remote *r, const char *key);
/* PUT the bytes as key: 0 stored, -1 failed (as cache_remote_get; a
 * read-only remote is a BUG). */
int cache_remote_put(struct cache_remote *r, const char *key, const void *data,
		     size_t len);
#define CACHE_REMOTE_KEY_MAX 33

/* One request of a batch. */
enum cache_remote_verb {
	REMOTE_GET,   /* key's entry into body */
	REMOTE_HEAD,  /* whether key is there */
	REMOTE_PUT,   /* data as key's entry */
	REMOTE_LIST,  /* the listing of "<url>/<key>/" (key = two hex digits) */
};

struct cache_remote_op {
	enum cache_remote_verb verb;
	char key[CACHE_REMOTE_KEY_MAX];
	const void *data;  /* PUT */
	size_t len;
	int result;        /* out: 1 found / stored, 0 not there (404), -1 failed */
	struct strbuf body;/* out: GET and LIST (owned; cache_remote_ops_release) */
};

/*
 * Run n operations on r at once.  Any failure marks r failed (the other
 * results of the batch stay valid); on a failed remote every op gets -1
 * without a request.  Returns the number of ops with result >= 0.
 */
int cache_remote_run(struct cache_remote *r, struct cache_remote_op *ops, size_t n);
void cache_remote_ops_release(struct cache_remote_op *ops, size_t n);

/*
 * Append the keys a listing of "<url>/<ab>/" names (an nginx autoindex page
 * in HTML or JSON, a WebDAV or S3-style XML listing: any text in which the
 * keys appear).  Returns 0 (404 adds nothing) or -1 failed.
 */
int cache_remote_list(struct cache_remote *r, const char *ab, struct strvec *keys);

/* Append the keys starting with `ab` that a listing's text names. */
void cache_remote_scan_listing(const struct strbuf *body, const char *ab,
			       struct strvec *keys);

/* Parse a space-separated list of specs into remotes (appended to *ret,
 * *ret_nr).  Returns 0, or -1 (logged) if any spec is malformed. */
int cache_remote_parse_list(const char *list, long connect_timeout_ms,
			    long transfer_timeout_ms,
			    const struct cache_remote_auth *auth,
			    struct cache_remote ***ret, size_t *ret_nr);

#endif
