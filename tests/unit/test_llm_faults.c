/*
 * LLM providers under injected faults (tests/fake/llm_server.py): what is
 * retried and how often (counted in the server's log), Retry-After honored,
 * what is never retried, failed answers that must not crash or be stored,
 * the size cap, the batch deadline, and no key in any file written.
 */
#include "check.h"
#include "llm.h"
#include "respstore.h"
#include "test_llm_fake.h"

#define OPENAI_KEY "sk-fake-openai-SECRET-faults-000111222"
#define ANTHROPIC_KEY "sk-ant-fake-SECRET-faults-333444555"

static struct fake srv;
static struct strbuf tmp = STRBUF_INIT;

/* A prompt names its fault; "times" faults pass after that many. */
static const char script[] =
	"{\"faults\": ["
	" {\"kind\": \"429\", \"match\": \"F429\", \"times\": 2, \"retry_after\": \"1\","
	"  \"wire\": \"openai\"},"
	" {\"kind\": \"429\", \"match\": \"F429\", \"times\": 2, \"retry_after\": \"1\","
	"  \"wire\": \"anthropic\"},"
	" {\"kind\": \"429\", \"match\": \"FDATE\", \"times\": 1, \"retry_after\": \"date:2\"},"
	" {\"kind\": \"429\", \"match\": \"FMS\", \"times\": 1, \"retry_after_ms\": 700},"
	" {\"kind\": \"500\", \"match\": \"F500\", \"times\": 2},"
	" {\"kind\": \"502\", \"match\": \"F502\", \"times\": 1},"
	" {\"kind\": \"503\", \"match\": \"F503\", \"times\": 1},"
	" {\"kind\": \"529\", \"match\": \"F529\", \"times\": 2},"
	" {\"kind\": \"slow\", \"match\": \"FSLOW1\", \"times\": 1, \"delay\": 3},"
	" {\"kind\": \"reset\", \"match\": \"FRESET\", \"times\": 1},"
	" {\"kind\": \"close\", \"match\": \"FCLOSE\", \"times\": 1},"
	" {\"kind\": \"503\", \"match\": \"FALWAYS\"},"
	" {\"kind\": \"400\", \"match\": \"F400\"},"
	" {\"kind\": \"404\", \"match\": \"F404\"},"
	" {\"kind\": \"spend_limit\", \"match\": \"FSPEND\"},"
	" {\"kind\": \"429\", \"match\": \"FLONGWAIT\", \"retry_after\": \"3600\"},"
	" {\"kind\": \"truncated\", \"match\": \"FTRUNC\"},"
	" {\"kind\": \"invalid_json\", \"match\": \"FINVALID\"},"
	" {\"kind\": \"error_200\", \"match\": \"FERR200\"},"
	" {\"kind\": \"huge\", \"match\": \"FHUGE\", \"size\": 6000000},"
	" {\"kind\": \"huge_chunked\", \"match\": \"FCHUNK\", \"size\": 6000000},"
	" {\"kind\": \"empty_choices\", \"match\": \"FEMPTY\"},"
	" {\"kind\": \"missing_content\", \"match\": \"FMISSING\"},"
	" {\"kind\": \"slow\", \"match\": \"FSTUCK\", \"delay\": 6}"
	"], \"default\": {\"text\": \"fine: {sample}\"}}";

struct expect {
	const char *model;     /* "o" openai, "a" anthropic */
	const char *prompt;
	enum llm_error err;
	int attempts;          /* made by us and seen by the server */
	long status;
};

static const struct expect cases[] = {
	{ "o", "F429 rate limited twice", LLM_OK, 3, 200 },
	{ "a", "F429 rate limited twice", LLM_OK, 3, 200 },
	{ "o", "FDATE retry after a date", LLM_OK, 2, 200 },
	{ "o", "FMS retry-after-ms", LLM_OK, 2, 200 },
	{ "o", "F500 twice", LLM_OK, 3, 200 },
	{ "o", "F502 once", LLM_OK, 2, 200 },
	{ "a", "F503 once", LLM_OK, 2, 200 },
	{ "a", "F529 overloaded twice", LLM_OK, 3, 200 },
	{ "o", "FSLOW1 slower than the timeout once", LLM_OK, 2, 200 },
	{ "o", "FRESET connection reset once", LLM_OK, 2, 200 },
	{ "a", "FCLOSE closed without answer once", LLM_OK, 2, 200 },
	{ "o", "FALWAYS 503 forever", LLM_ERR_STATUS, 5, 503 },
	{ "o", "F400 bad request", LLM_ERR_STATUS, 1, 400 },
	{ "a", "F404 no such model", LLM_ERR_STATUS, 1, 404 },
	{ "o", "FSPEND quota", LLM_ERR_STATUS, 1, 429 },
	{ "a", "FSPEND quota", LLM_ERR_STATUS, 1, 429 },
	{ "o", "FLONGWAIT an hour", LLM_ERR_STATUS, 1, 429 },
	{ "o", "FTRUNC half a body", LLM_ERR_PARSE, 1, 200 },
	{ "a", "FTRUNC half a body", LLM_ERR_PARSE, 1, 200 },
	{ "o", "FINVALID html", LLM_ERR_PARSE, 1, 200 },
	{ "o", "FERR200 error in a 200", LLM_ERR_PARSE, 1, 200 },
	{ "a", "FERR200 error in a 200", LLM_ERR_PARSE, 1, 200 },
	{ "o", "FHUGE over the cap", LLM_ERR_TOO_LARGE, 1, 200 },
	{ "a", "FCHUNK over the cap, chunked", LLM_ERR_TOO_LARGE, 1, 200 },
	{ "o", "FEMPTY choices", LLM_ERR_EMPTY, 1, 200 },
	{ "a", "FEMPTY content", LLM_ERR_EMPTY, 1, 200 },
	{ "o", "FMISSING content", LLM_ERR_EMPTY, 1, 200 },
	{ "a", "FMISSING content", LLM_ERR_PARSE, 1, 200 },
};

static struct llm_options opts(const char *store)
{
	struct llm_options o;

	llm_options_init(&o);
	o.backoff_ms = 50;
	o.backoff_max_ms = 200;
	o.timeout_ms = 1000;
	o.retries = 4;
	o.retry_after_max_ms = 60000;
	o.store_dir = store;
	o.store_mode = LLM_STORE_USE;
	return o;
}

/* Every case in one batch, so the waits overlap. */
static void test_faults(const char *store)
{
	size_t n = ARRAY_SIZE(cases);
	struct llm_model mo, ma;
	struct llm_request *req = xcalloc(n, sizeof(*req));
	struct llm_result *res = xcalloc(n, sizeof(*res));
	struct llm_options o = opts(store);
	double t0;
	int ok = 0;

	CHECK_INT(llm_model_parse(&mo, "openai::gpt-4o"), 0);
	CHECK_INT(llm_model_parse(&ma, "anthropic::claude-sonnet-4-5"), 0);
	for (size_t i = 0; i < n; i++) {
		req[i] = (struct llm_request){ *cases[i].model == 'o' ? &mo : &ma, "system",
					       cases[i].prompt, 0.5, 200, (int)i };
		ok += cases[i].err == LLM_OK;
	}
	t0 = now_s();
	CHECK_INT(llm_batch(&o, req, res, n), ok);
	t0 = now_s() - t0;
	/* F429 waited 2 x 1 s (Retry-After), FDATE up to 2 s */
	CHECK(t0 >= 1.9 && t0 < 10.0);
	for (size_t i = 0; i < n; i++) {
		const struct expect *e = &cases[i];
		char key[33];
		struct strbuf path = STRBUF_INIT;

		if (res[i].err != e->err || res[i].attempts != e->attempts)
			printf("case '%s' (%s): %s, %d attempts: %s\n", e->prompt, e->model,
			       llm_error_name(res[i].err), res[i].attempts,
			       res[i].error ? res[i].error : "");
		CHECK_INT(res[i].err, e->err);
		CHECK_INT(res[i].attempts, e->attempts);
		if (e->status != 200 || e->err == LLM_OK)
			CHECK_INT(res[i].http_status, e->status);
		if (e->err == LLM_OK) {
			CHECK(res[i].text && starts_with(res[i].text, "fine: "));
			CHECK(res[i].error == NULL);
		} else {
			CHECK(res[i].text == NULL);
			CHECK(res[i].error && starts_with(res[i].error, *e->model == 'o'
							  ? "openai::gpt-4o: "
							  : "anthropic::claude-sonnet-4-5: "));
		}
		/* stored exactly when it succeeded */
		respstore_key(&req[i], NULL, key);
		strbuf_addf(&path, "%s/%.2s/%s.json", store, key, key);
		CHECK_INT(access(path.buf, F_OK) == 0, e->err == LLM_OK);
		strbuf_release(&path);
		llm_result_release(&res[i]);
	}
	llm_model_release(&mo);
	llm_model_release(&ma);
	free(req);
	free(res);
}

/* The server saw exactly the attempts we counted, per prompt and wire. */
static void test_server_counts(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct expect *e = &cases[i];
		int seen = 0, both = 0;
		for (size_t j = 0; j < ARRAY_SIZE(cases); j++)
			if (!strcmp(cases[j].prompt, e->prompt)) {
				both += cases[j].attempts;
				seen++;
			}
		CHECK_INT(fake_wait_requests(srv.log, "user_head", e->prompt,
					     seen > 1 ? both : e->attempts, 5.0),
			  seen > 1 ? both : e->attempts);
	}
}

static void test_deadline_and_refused(void)
{
	struct llm_model m, dead;
	struct llm_result res;
	struct llm_options o = opts(NULL);
	struct llm_request req = { &m, NULL, "FSTUCK never answers in time", 0.5, 100, 0 };
	char *spec = xstrfmt("openai@http://127.0.0.1:%d/v1::m", fake_closed_port());
	double t0;

	/* the batch deadline ends a request whose attempts would go on */
	CHECK_INT(llm_model_parse(&m, "openai::gpt-4o"), 0);
	o.timeout_ms = 10000;
	o.deadline_s = 1.0;
	t0 = now_s();
	CHECK_INT(llm_complete(&o, &req, &res), -1);
	CHECK(now_s() - t0 < 2.5);
	CHECK_INT(res.err, LLM_ERR_TIMEOUT);
	CHECK_INT(res.attempts, 1);
	llm_result_release(&res);

	/* refused connections fail at once: the server is not there */
	CHECK_INT(llm_model_parse(&dead, spec), 0);
	o = opts(NULL);
	o.retries = 2;
	req.model = &dead;
	CHECK_INT(llm_complete(&o, &req, &res), -1);
	CHECK_INT(res.err, LLM_ERR_TRANSPORT);
	CHECK_INT(res.attempts, 1);
	CHECK(res.error && strstr(res.error, "refused"));
	llm_result_release(&res);

	/* no key: nothing is sent */
	unsetenv("ANTHROPIC_API_KEY");
	llm_model_release(&m);
	CHECK_INT(llm_model_parse(&m, "anthropic::claude-x"), 0);
	req.model = &m;
	req.prompt = "NOKEY must not be sent";
	CHECK_INT(llm_complete(&o, &req, &res), -1);
	CHECK_INT(res.err, LLM_ERR_CONFIG);
	CHECK_INT(res.attempts, 0);
	CHECK(res.error && strstr(res.error, "ANTHROPIC_API_KEY is not set"));
	llm_result_release(&res);
	CHECK_INT(fake_log_stats(srv.log, "user_head", "NOKEY").requests, 0);
	setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY, 1);

	/* a builtin model is not served here */
	llm_model_release(&m);
	CHECK_INT(llm_model_parse(&m, "builtin::tuner"), 0);
	CHECK_INT(llm_complete(&o, &req, &res), -1);
	CHECK_INT(res.err, LLM_ERR_CONFIG);
	llm_result_release(&res);
	llm_model_release(&m);
	llm_model_release(&dead);
	free(spec);
}

int main(void)
{
	const char *env[] = { "FAKE_OPENAI_KEY=" OPENAI_KEY,
			      "FAKE_ANTHROPIC_KEY=" ANTHROPIC_KEY, NULL };
	char *log, *logfile, *scriptfile, *store;
	int rc;

	if ((rc = fake_available()))
		return rc;
	if (make_tmpdir(&tmp, "test-llm-faults") < 0)
		return 1;
	logfile = xstrfmt("%s/accc.log", tmp.buf);
	setenv("ACCC_LOGFILE", logfile, 1);
	log = xstrfmt("%s/server.log", tmp.buf);
	scriptfile = xstrfmt("%s/script.json", tmp.buf);
	store = xstrfmt("%s/responses", tmp.buf);
	write_file(scriptfile, script, strlen(script));
	if (fake_start(&srv, scriptfile, log, env) < 0) {
		printf("cannot start the fake server\n");
		return 1;
	}
	setenv("OPENAI_API_KEY", OPENAI_KEY, 1);
	setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY, 1);
	setenv("ANTHROPIC_BASE_URL", srv.url, 1);
	{
		char *base = xstrfmt("%s/v1", srv.url);
		setenv("OPENAI_BASE_URL", base, 1);
		free(base);
	}
	test_faults(store);
	test_server_counts();
	test_deadline_and_refused();
	CHECK_INT(tree_contains(tmp.buf, OPENAI_KEY), 0);
	CHECK_INT(tree_contains(tmp.buf, ANTHROPIC_KEY), 0);
	CHECK_INT(tree_contains(tmp.buf, "fine: 0"), 1); /* the store was scanned */
	fake_free(&srv);
	rm_rf(tmp.buf);
	strbuf_release(&tmp);
	free(log);
	free(logfile);
	free(scriptfile);
	free(store);
	return check_done();
}
