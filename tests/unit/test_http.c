/*
 * http.c against tests/fake/llm_server.py on 127.0.0.1: methods, headers,
 * Retry-After, every error kind, the size cap, batches under a per-group
 * cap, retries through the done callback, the batch deadline, and logs
 * without secrets.
 */
#include "check.h"
#include "http.h"
#include "test_llm_fake.h"

#include <time.h>

static struct fake srv;
static struct strbuf tmp = STRBUF_INIT;

/* One request to srv at `path` with an optional X-Fake-Fault. */
static void one(struct http_response *r, const char *method, const char *path,
		const char *fault, long timeout_ms, size_t cap)
{
	struct strvec h = STRVEC_INIT;
	char *url = xstrfmt("%s%s", srv.url, path);
	struct http_request req = { .method = method, .url = url, .headers = &h,
				    .timeout_ms = timeout_ms, .max_response = cap };

	if (fault)
		strvec_pushf(&h, "X-Fake-Fault: %s", fault);
	http_perform(&req, r);
	strvec_clear(&h);
	free(url);
}

static void test_parse_helpers(void)
{
	struct strbuf sb = STRBUF_INIT;
	char date[64];
	time_t t = time(NULL) + 30;

	CHECK_INT(http_parse_retry_after("120"), 120000);
	CHECK_INT(http_parse_retry_after(" 2 "), 2000);
	CHECK_INT(http_parse_retry_after("0.5"), 500);
	CHECK_INT(http_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), 0);
	CHECK_INT(http_parse_retry_after("soon"), -1);
	CHECK_INT(http_parse_retry_after("12abc"), -1);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&t));
	CHECK(http_parse_retry_after(date) > 25000 && http_parse_retry_after(date) <= 30000);
	http_url_for_log(&sb, "https://user:pa55@example.com:8443/v1/x?key=s3cret#f");
	CHECK_STR(sb.buf, "https://example.com:8443/v1/x?...");
	strbuf_reset(&sb);
	http_url_for_log(&sb, "http://h/a@b");
	CHECK_STR(sb.buf, "http://h/a@b");
	strbuf_release(&sb);
	CHECK_STR(http_error_name(HTTP_ERR_TOO_LARGE), "too-large");
}

static void test_methods(void)
{
	struct http_response r;
	struct strvec h = STRVEC_INIT;
	struct strbuf v = STRBUF_INIT;
	char *url = xstrfmt("%s/echo", srv.url);
	struct http_request req = { .method = "PUT", .url = url, .headers = &h,
				    .body = "hello", .body_len = 5 };

	http_response_init(&r);
	strvec_push(&h, "X-Test: value one");
	CHECK_INT(http_perform(&req, &r), 0);
	CHECK_INT(r.status, 200);
	CHECK(strstr(r.body.buf, "\"method\": \"PUT\"") != NULL);
	CHECK(strstr(r.body.buf, "\"body_bytes\": 5") != NULL);
	CHECK(strstr(r.body.buf, "\"x-test\": \"value one\"") != NULL);
	CHECK(http_response_header(&r, "content-type", &v) == 1);
	CHECK_STR(v.buf, "application/json");
	CHECK(http_response_header(&r, "x-missing", &v) == 0);
	CHECK_INT(r.retry_after_ms, -1);

	req.method = NULL; /* a body without a method is a POST */
	CHECK_INT(http_perform(&req, &r), 0);
	CHECK(strstr(r.body.buf, "\"method\": \"POST\"") != NULL);
	req.body = NULL;
	CHECK_INT(http_perform(&req, &r), 0);
	CHECK(strstr(r.body.buf, "\"method\": \"GET\"") != NULL);
	req.method = "HEAD";
	CHECK_INT(http_perform(&req, &r), 0);
	CHECK_INT(r.status, 200);
	CHECK_INT(r.body.len, 0);
	http_response_release(&r);
	strvec_clear(&h);
	strbuf_release(&v);
	free(url);
}

static void test_statuses(void)
{
	struct http_response r;

	http_response_init(&r);
	one(&r, "POST", "/echo", "429; retry_after=2", 0, 0);
	CHECK_INT(r.err, HTTP_OK);
	CHECK_INT(r.status, 429);
	CHECK_INT(r.retry_after_ms, 2000);
	CHECK(strstr(r.body.buf, "rate_limit_exceeded") != NULL);
	one(&r, "POST", "/echo", "503; retry_after=date:3", 0, 0);
	CHECK_INT(r.status, 503);
	CHECK(r.retry_after_ms >= 1000 && r.retry_after_ms <= 4000);
	one(&r, "POST", "/echo", "429; retry_after_ms=1500", 0, 0);
	CHECK_INT(r.retry_after_ms, 1500);
	one(&r, "GET", "/nothing-here", NULL, 0, 0);
	CHECK_INT(r.status, 404);
	http_response_release(&r);
}

static void test_errors(void)
{
	struct http_response r;
	struct http_request req = { 0 };
	char *url = xstrfmt("http://127.0.0.1:%d/x", fake_closed_port());
	double t0;

	http_response_init(&r);
	req.url = url;
	CHECK_INT(http_perform(&req, &r), -1);
	CHECK_INT(r.err, HTTP_ERR_REFUSED);
	CHECK(r.message.len > 0);
	free(url);

	/* a 0.4-s timeout against a 30-s answer: the bound of 15 s tells them
	 * apart whatever the load on the machine */
	t0 = now_s();
	one(&r, "GET", "/echo", "slow; delay=30", 400, 0);
	CHECK_INT(r.err, HTTP_ERR_TIMEOUT);
	CHECK(now_s() - t0 < 15.0);

	one(&r, "GET", "/echo", "huge; size=2000000", 0, 1 << 20);
	CHECK_INT(r.err, HTTP_ERR_TOO_LARGE);
	CHECK(r.body.len <= 1 << 20);
	one(&r, "GET", "/echo", "huge_chunked; size=3000000", 0, 1 << 20);
	CHECK_INT(r.err, HTTP_ERR_TOO_LARGE);
	CHECK(r.body.len <= 1 << 20);
	one(&r, "GET", "/echo", "huge; size=900000", 0, 1 << 20);
	CHECK_INT(r.err, HTTP_OK);
	CHECK_INT(r.body.len, 900000);

	one(&r, "GET", "/echo", "reset", 0, 0);
	CHECK_INT(r.err, HTTP_ERR_DROPPED);
	one(&r, "GET", "/echo", "close", 0, 0);
	CHECK_INT(r.err, HTTP_ERR_DROPPED);

	req = (struct http_request){ .url = "ftp://127.0.0.1/x" };
	CHECK_INT(http_perform(&req, &r), -1);
	CHECK_INT(r.err, HTTP_ERR_OTHER);
	req = (struct http_request){ .url = "http://no-such-host.invalid/x",
				     .connect_timeout_ms = 2000 };
	CHECK_INT(http_perform(&req, &r), -1);
	CHECK(r.err == HTTP_ERR_RESOLVE || r.err == HTTP_ERR_TIMEOUT);
	http_response_release(&r);
}

/* n requests to /echo?phase=<phase> with a delay; returns the wall time. */
static double run_batch(const char *phase, int n, int cap, const char *fault)
{
	struct http_request *req = xcalloc((size_t)n, sizeof(*req));
	struct http_response *resp = xcalloc((size_t)n, sizeof(*resp));
	struct strvec h = STRVEC_INIT;
	struct http_batch_options o = { .max_per_group = cap };
	char *url = xstrfmt("%s/echo?phase=%s", srv.url, phase);
	double t0;
	int ok;

	strvec_pushf(&h, "X-Fake-Fault: %s", fault);
	for (int i = 0; i < n; i++) {
		req[i] = (struct http_request){ .url = url, .headers = &h };
		http_response_init(&resp[i]);
	}
	t0 = now_s();
	ok = http_batch(req, resp, (size_t)n, &o, NULL, NULL);
	t0 = now_s() - t0;
	CHECK_INT(ok, n);
	for (int i = 0; i < n; i++) {
		CHECK_INT(resp[i].status, 200);
		http_response_release(&resp[i]);
	}
	strvec_clear(&h);
	free(url);
	free(req);
	free(resp);
	return t0;
}

static void test_batch_concurrency(void)
{
	struct fake_stats st;
	double t;

	/*
	 * The server's count of requests in flight is the assertion; of the
	 * wall time only the lower bound is (load only makes it longer), the
	 * rest is a printed figure.
	 */
	/* 6 requests of 0.5 s, 2 at a time: 3 rounds */
	t = run_batch("capped", 6, 2, "slow; delay=0.5");
	st = fake_log_stats(srv.log, "path", "phase=capped");
	CHECK_INT(st.requests, 6);
	CHECK_INT(st.max_inflight, 2);
	CHECK(t >= 1.4);
	printf("6 requests of 0.5 s, 2 at a time: %.2f s\n", t);
	/* 8 at once: one round */
	t = run_batch("open", 8, 8, "slow; delay=0.5");
	st = fake_log_stats(srv.log, "path", "phase=open");
	CHECK_INT(st.requests, 8);
	CHECK_INT(st.max_inflight, 8);
	CHECK(t >= 0.45);
	printf("8 requests of 0.5 s at once: %.2f s\n", t);
}

struct retry_state {
	int calls[2];
};

static long retry_twice(size_t i, const struct http_response *resp, void *data)
{
	struct retry_state *s = data;

	s->calls[i]++;
	return resp->status == 503 && s->calls[i] < 3 ? 50 : -1;
}

static void test_batch_retry_and_deadline(void)
{
	struct http_request req[2];
	struct http_response resp[2];
	struct strvec h = STRVEC_INIT, h2 = STRVEC_INIT;
	struct retry_state s = { { 0, 0 } };
	struct http_batch_options o = { .max_per_group = 4 };
	char *u1 = xstrfmt("%s/echo?phase=retry", srv.url);
	char *u2 = xstrfmt("%s/echo?phase=fine", srv.url);
	double t0;

	strvec_push(&h, "X-Fake-Fault: 503");
	req[0] = (struct http_request){ .url = u1, .headers = &h };
	req[1] = (struct http_request){ .url = u2 };
	http_response_init(&resp[0]);
	http_response_init(&resp[1]);
	CHECK_INT(http_batch(req, resp, 2, &o, retry_twice, &s), 2);
	CHECK_INT(s.calls[0], 3);
	CHECK_INT(s.calls[1], 1);
	CHECK_INT(fake_log_stats(srv.log, "path", "phase=retry").requests, 3);
	CHECK_INT(resp[0].status, 503);
	CHECK_INT(resp[1].status, 200);

	/* the deadline cuts a slow request and refuses a later retry */
	strvec_push(&h2, "X-Fake-Fault: slow; delay=30"); /* >> 15 s: see below */
	req[0] = (struct http_request){ .url = u1, .headers = &h2 };
	req[1] = (struct http_request){ .url = u2, .headers = &h };
	o.deadline = now_s() + 0.5;
	s.calls[0] = s.calls[1] = 0;
	t0 = now_s();
	http_batch(req, resp, 2, &o, retry_twice, &s);
	CHECK(now_s() - t0 < 15.0); /* the deadline, not the 30-s answer */
	CHECK_INT(resp[0].err, HTTP_ERR_TIMEOUT);
	CHECK(strstr(resp[0].message.buf, "deadline") != NULL);
	CHECK_INT(resp[1].status, 503);
	http_response_release(&resp[0]);
	http_response_release(&resp[1]);
	strvec_clear(&h);
	strvec_clear(&h2);
	free(u1);
	free(u2);
}

static void test_log_has_no_secrets(const char *logfile)
{
	struct http_response r;
	struct strvec h = STRVEC_INIT;
	struct strbuf log = STRBUF_INIT;
	char *url = xstrfmt("http://alice:pw-in-url-77@127.0.0.1:%d/echo?token=q-secret-55",
			    srv.port);
	struct http_request req = { .url = url, .headers = &h, .user = "bob",
				    .password = "basic-secret-66" };

	http_response_init(&r);
	strvec_push(&h, "Authorization: Bearer hdr-secret-88");
	CHECK_INT(http_perform(&req, &r), 0);
	CHECK(strstr(r.body.buf, "<redacted>") != NULL);
	CHECK_INT(strbuf_read_file(&log, logfile, 1 << 24), 0);
	CHECK(strstr(log.buf, "http: GET http://127.0.0.1:") != NULL);
	CHECK(strstr(log.buf, "hdr-secret-88") == NULL);
	CHECK(strstr(log.buf, "basic-secret-66") == NULL);
	CHECK(strstr(log.buf, "pw-in-url-77") == NULL);
	CHECK(strstr(log.buf, "q-secret-55") == NULL);
	CHECK_INT(tree_contains(tmp.buf, "hdr-secret-88"), 0);
	http_response_release(&r);
	strvec_clear(&h);
	strbuf_release(&log);
	free(url);
}

int main(void)
{
	char *log, *logfile;
	int rc;

	if ((rc = fake_available()))
		return rc;
	if (make_tmpdir(&tmp, "test-http") < 0)
		return 1;
	logfile = xstrfmt("%s/accc.log", tmp.buf);
	setenv("ACCC_LOGFILE", logfile, 1);
	log = xstrfmt("%s/server.log", tmp.buf);
	if (fake_start(&srv, NULL, log, NULL) < 0) {
		printf("cannot start the fake server\n");
		return 1;
	}
	test_parse_helpers();
	test_methods();
	test_statuses();
	/* before the tests that leave slow requests behind in the server,
	 * which would count as in flight */
	test_batch_concurrency();
	test_errors();
	test_batch_retry_and_deadline();
	test_log_has_no_secrets(logfile);
	fake_free(&srv);
	rm_rf(tmp.buf);
	strbuf_release(&tmp);
	free(log);
	free(logfile);
	return check_done();
}
