/*
 * LLM providers against tests/fake/llm_server.py: model specs, both wire
 * formats end to end, concurrency under the per-provider cap, the response
 * store, and API keys that never reach a file.  Faults and retries are in
 * test_llm_faults.c.
 */
#include "check.h"
#include "llm.h"
#include "respstore.h"
#include "test_llm_fake.h"

#include <sys/stat.h>

#define OPENAI_KEY "sk-fake-openai-SECRET-0123456789abcdef"
#define ANTHROPIC_KEY "sk-ant-fake-SECRET-fedcba9876543210"

static struct fake srv;
static struct strbuf tmp = STRBUF_INIT;

static const char script[] =
	"{\"open_paths\": [\"/compat/\", \"/ollama/\"], \"replies\": ["
	" {\"match\": \"PLAN\", \"texts\": [\"plan A for sample {sample}\","
	"                                  \"plan B for sample {sample}\"]},"
	" {\"match\": \"LONG\", \"text\": \"%s\"},"
	" {\"match\": \"CONC\", \"text\": \"concurrent {sample}\", \"delay_s\": 0.5},"
	" {\"match\": \"WAIT1\", \"text\": \"late {sample}\", \"delay_s\": 1.0},"
	" {\"match\": \"IMPLEMENT\", \"echo_code\": true}"
	"], \"default\": {\"text\": \"default answer\"}}";

static void write_script(const char *path)
{
	struct strbuf longtext = STRBUF_INIT, sb = STRBUF_INIT;

	for (int i = 0; i < 40; i++)
		strbuf_addstr(&longtext, "word word ");
	strbuf_addf(&sb, script, longtext.buf);
	write_file(path, sb.buf, sb.len);
	strbuf_release(&sb);
	strbuf_release(&longtext);
}

static int parse(struct llm_model *m, const char *spec)
{
	return llm_model_parse(m, spec);
}

static void test_specs(void)
{
	struct llm_model m;

	unsetenv("OPENAI_BASE_URL");
	unsetenv("OLLAMA_HOST");
	CHECK_INT(parse(&m, "openai::gpt-4o"), 0);
	CHECK_STR(m.base_url, "https://api.openai.com/v1");
	CHECK_STR(m.name, "gpt-4o");
	CHECK_STR(m.key_env, "OPENAI_API_KEY");
	CHECK_INT(m.key_required, 1);
	CHECK_INT(m.compat_tokens, 0);
	llm_model_release(&m);
	CHECK_INT(parse(&m, "anthropic::claude-sonnet-4-5"), 0);
	CHECK_STR(m.base_url, "https://api.anthropic.com");
	CHECK_STR(m.key_env, "ANTHROPIC_API_KEY");
	llm_model_release(&m);
	CHECK_INT(parse(&m, "ollama::qwen2.5-coder:7b"), 0);
	CHECK_STR(m.base_url, "http://localhost:11434/v1");
	CHECK_STR(m.name, "qwen2.5-coder:7b");
	CHECK_INT(m.key_required, 0);
	llm_model_release(&m);
	setenv("OLLAMA_HOST", "0.0.0.0", 1);
	CHECK_INT(parse(&m, "ollama::llama3"), 0);
	CHECK_STR(m.base_url, "http://127.0.0.1:11434/v1");
	llm_model_release(&m);
	setenv("OLLAMA_HOST", "https://box:8080/", 1);
	CHECK_INT(parse(&m, "ollama::llama3"), 0);
	CHECK_STR(m.base_url, "https://box:8080/v1");
	llm_model_release(&m);
	unsetenv("OLLAMA_HOST");
	CHECK_INT(parse(&m, "openai@http://u:pw@host:8000/v1/::Qwen/Qwen2.5-Coder"), 0);
	CHECK_STR(m.base_url, "http://u:pw@host:8000/v1");
	CHECK_STR(m.base_shown, "http://host:8000/v1");
	CHECK_STR(m.spec, "openai@http://host:8000/v1::Qwen/Qwen2.5-Coder");
	CHECK_STR(m.key_env, "OPENAI_COMPAT_API_KEY");
	CHECK_INT(m.key_required, 0);
	CHECK_INT(m.compat_tokens, 1);
	llm_model_release(&m);
	CHECK_INT(parse(&m, "openai@http://[::1]:8000/v1::m"), 0);
	CHECK_STR(m.base_url, "http://[::1]:8000/v1");
	CHECK_STR(m.name, "m");
	llm_model_release(&m);
	CHECK_INT(parse(&m, "builtin::tuner"), 0);
	CHECK(llm_model_is_builtin(&m));
	llm_model_release(&m);
	CHECK_INT(parse(&m, "gpt-4o"), -1);
	CHECK_INT(parse(&m, "nope::x"), -1);
	CHECK_INT(parse(&m, "openai::"), -1);
	CHECK_INT(parse(&m, "::x"), -1);
	CHECK_INT(parse(&m, "openai@ftp://h/v1::m"), -1);
	CHECK_INT(parse(&m, "builtin@http://h::tuner"), -1);
	/* a malformed spec is reported without the password in its URL */
	CHECK_INT(parse(&m, "openai@http://u:hunter2-pw@h/v1"), -1);
}

static struct llm_options opts(void)
{
	struct llm_options o;

	llm_options_init(&o);
	o.store_mode = LLM_STORE_OFF;
	o.backoff_ms = 20;
	o.timeout_ms = 10000;
	return o;
}

static void test_openai_wire(void)
{
	struct llm_model m, r1;
	struct llm_result res;
	struct llm_options o = opts();
	struct llm_request req = { &m, "You are a careful system.", "PLAN the kernel", 0.7, 1000, 1 };

	CHECK_INT(parse(&m, "openai::gpt-4o"), 0);
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_STR(res.text, "plan B for sample 1");
	CHECK_STR(res.finish_reason, "stop");
	CHECK_INT(res.truncated, 0);
	CHECK(res.tokens_in > 0 && res.tokens_out > 0);
	CHECK(res.response_id && starts_with(res.response_id, "chatcmpl-"));
	CHECK_INT(res.http_status, 200);
	CHECK_INT(res.attempts, 1);
	CHECK(res.error == NULL);
	llm_result_release(&res);
	CHECK_INT(fake_log_stats(srv.log, "max_completion_tokens", "1000").requests, 1);
	CHECK_INT(fake_log_stats(srv.log, "auth", "ok").requests, 1);
	CHECK_INT(fake_log_stats(srv.log, "sample", "1").requests, 1);

	/* a reasoning model: no temperature, max_completion_tokens (the fake
	 * server answers 400 otherwise, as OpenAI does) */
	CHECK_INT(parse(&r1, "openai::o3-mini"), 0);
	req.model = &r1;
	req.prompt = "IMPLEMENT\n```c\nint f(void) { return 1; }\n```\n";
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK(res.text && strstr(res.text, "int f(void) { return 1; }"));
	llm_result_release(&res);

	/* the token cap: finish_reason "length" */
	req.model = &m;
	req.prompt = "LONG please";
	req.max_tokens = 10;
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_STR(res.finish_reason, "length");
	CHECK_INT(res.truncated, 1);
	llm_result_release(&res);

	/* prompt bytes that are not UTF-8 still make valid JSON */
	req.prompt = "bytes \xff\xfe\xc3 in a comment";
	req.system = NULL;
	req.temperature = -1;
	req.max_tokens = 0;
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_STR(res.text, "default answer");
	llm_result_release(&res);
	llm_model_release(&m);
	llm_model_release(&r1);
}

static void test_anthropic_wire(void)
{
	struct llm_model m;
	struct llm_result res;
	struct llm_options o = opts();
	struct llm_request req = { &m, "system prompt", "PLAN this", 0.2, 1000, 0 };

	CHECK_INT(parse(&m, "anthropic::claude-sonnet-4-5"), 0);
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_STR(res.text, "plan A for sample 0");
	CHECK_STR(res.finish_reason, "end_turn");
	CHECK(res.response_id && starts_with(res.response_id, "msg_"));
	CHECK(res.tokens_in > 0 && res.tokens_out > 0);
	llm_result_release(&res);
	CHECK_INT(fake_log_stats(srv.log, "wire", "anthropic").requests, 1);

	/* max_tokens is required: 0 sends the default; temperature > 1 is
	 * clamped to the API's range */
	req.prompt = "LONG answer";
	req.max_tokens = 0;
	req.temperature = 1.5;
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_INT(res.truncated, 0);
	llm_result_release(&res);
	CHECK_INT(fake_log_stats(srv.log, "max_tokens", "8192").requests, 1);
	req.max_tokens = 10;
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_STR(res.finish_reason, "max_tokens");
	CHECK_INT(res.truncated, 1);
	llm_result_release(&res);
	llm_model_release(&m);
}

static void test_compat_and_ollama(void)
{
	struct llm_model m;
	struct llm_result res;
	struct llm_options o = opts();
	struct llm_request req = { &m, NULL, "COMPAT one", 0.5, 77, 0 };
	char *spec = xstrfmt("openai@%s/compat/v1::local-model", srv.url);
	char *host = xstrfmt("127.0.0.1:%d/ollama", srv.port);
	struct fake_stats before = fake_log_stats(srv.log, "auth", "none");

	/* OPENAI_API_KEY is set, but a named URL never gets it */
	CHECK_INT(parse(&m, spec), 0);
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_STR(res.text, "default answer");
	llm_result_release(&res);
	llm_model_release(&m);
	CHECK_INT(fake_log_stats(srv.log, "max_tokens", "77").requests, 1);
	setenv("OLLAMA_HOST", host, 1);
	CHECK_INT(parse(&m, "ollama::qwen2.5-coder"), 0);
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	llm_result_release(&res);
	llm_model_release(&m);
	unsetenv("OLLAMA_HOST");
	CHECK_INT(fake_log_stats(srv.log, "auth", "none").requests, before.requests + 2);
	CHECK_INT(fake_log_stats(srv.log, "max_tokens", "77").requests, 2);
	free(spec);
	free(host);
}

/* n requests "<tag> i" at once; returns the wall time. */
static double concurrent(const char *model, const char *tag, int n, int cap)
{
	struct llm_model m;
	struct llm_options o = opts();
	struct llm_request *req = xcalloc((size_t)n, sizeof(*req));
	struct llm_result *res = xcalloc((size_t)n, sizeof(*res));
	struct strvec prompts = STRVEC_INIT;
	double t0;

	CHECK_INT(parse(&m, model), 0);
	o.concurrency = cap;
	for (int i = 0; i < n; i++) {
		strvec_pushf(&prompts, "%s %d", tag, i);
		req[i] = (struct llm_request){ &m, NULL, NULL, 0.5, 100, i };
	}
	for (int i = 0; i < n; i++)
		req[i].prompt = prompts.v[i];
	t0 = now_s();
	CHECK_INT(llm_batch(&o, req, res, (size_t)n), n);
	t0 = now_s() - t0;
	for (int i = 0; i < n; i++) {
		char want[32];
		snprintf(want, sizeof(want), "%s %d", strstr(tag, "WAIT1") ? "late" : "concurrent", i);
		CHECK_STR(res[i].text, want);
		llm_result_release(&res[i]);
	}
	llm_model_release(&m);
	strvec_clear(&prompts);
	free(req);
	free(res);
	return t0;
}

static void test_concurrency(void)
{
	double t;

	/* 12 answers of 0.5 s, 4 in flight: 3 rounds */
	t = concurrent("openai::gpt-4o", "CONC-a", 12, 4);
	CHECK_INT(fake_log_stats(srv.log, "user_head", "CONC-a").max_inflight, 4);
	CHECK(t >= 1.4 && t < 3.0);
	t = concurrent("anthropic::claude-x", "CONC-b", 6, 3);
	CHECK_INT(fake_log_stats(srv.log, "user_head", "CONC-b").max_inflight, 3);
	CHECK(t >= 0.9 && t < 2.5);
	/* the figure: 32 answers delayed 1 s take about 1 s, not 32 */
	t = concurrent("openai::gpt-4o", "WAIT1", 32, 32);
	printf("32 requests of 1 s each, 32 in flight: %.2f s\n", t);
	CHECK_INT(fake_log_stats(srv.log, "user_head", "WAIT1").requests, 32);
	CHECK_INT(fake_log_stats(srv.log, "user_head", "WAIT1").max_inflight, 32);
	CHECK(t >= 0.95 && t < 4.0);
}

static void test_store(void)
{
	struct llm_model m, m2;
	struct llm_result res;
	struct llm_options o = opts();
	struct llm_request req = { &m, "sys", "STORE me", 0.7, 500, 0 }, other;
	struct strbuf path = STRBUF_INIT;
	char *dir = xstrfmt("%s/responses", tmp.buf), *text;
	char key[33], key2[33];
	struct stat st;

	CHECK_INT(parse(&m, "openai::gpt-4o"), 0);
	o.store_dir = dir;
	o.store_mode = LLM_STORE_USE;
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_INT(res.attempts, 1);
	CHECK_INT(res.from_store, 0);
	text = xstrdup(res.text);
	llm_result_release(&res);
	respstore_key(&req, NULL, key);
	strbuf_addf(&path, "%s/%.2s/%s.json", dir, key, key);
	CHECK_INT(stat(path.buf, &st), 0);

	/* replayed: no request, same answer and usage */
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_INT(res.from_store, 1);
	CHECK_INT(res.attempts, 0);
	CHECK_STR(res.text, text);
	CHECK(res.tokens_out > 0);
	llm_result_release(&res);
	CHECK_INT(fake_log_stats(srv.log, "user_head", "STORE me").requests, 1);

	/* another sample, temperature, model or base is another key */
	other = req;
	other.sample = 1;
	respstore_key(&other, NULL, key2);
	CHECK(strcmp(key, key2) != 0);
	other = req;
	other.temperature = 0.8;
	respstore_key(&other, NULL, key2);
	CHECK(strcmp(key, key2) != 0);
	CHECK_INT(parse(&m2, "anthropic::gpt-4o"), 0);
	other = req;
	other.model = &m2;
	respstore_key(&other, NULL, key2);
	CHECK(strcmp(key, key2) != 0);
	llm_model_release(&m2);
	respstore_key(&req, NULL, key2);
	CHECK_STR(key2, key);

	/* refresh asks again; off neither reads nor writes */
	o.store_mode = LLM_STORE_REFRESH;
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_INT(res.from_store, 0);
	llm_result_release(&res);
	o.store_mode = LLM_STORE_OFF;
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_INT(res.from_store, 0);
	llm_result_release(&res);
	CHECK_INT(fake_log_stats(srv.log, "user_head", "STORE me").requests, 3);

	/* a corrupt entry is a miss, and is replaced */
	write_file(path.buf, "{\"format\": \"accc-resp", 21);
	o.store_mode = LLM_STORE_USE;
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_INT(res.from_store, 0);
	llm_result_release(&res);
	CHECK_INT(llm_complete(&o, &req, &res), 0);
	CHECK_INT(res.from_store, 1);
	llm_result_release(&res);
	CHECK_INT(fake_log_stats(srv.log, "user_head", "STORE me").requests, 4);

	/* a batch mixing stored and new answers sends only the new ones */
	{
		struct llm_request two[2] = { req, req };
		struct llm_result r2[2];
		two[1].sample = 5;
		CHECK_INT(llm_batch(&o, two, r2, 2), 2);
		CHECK_INT(r2[0].from_store, 1);
		CHECK_INT(r2[1].from_store, 0);
		llm_result_release(&r2[0]);
		llm_result_release(&r2[1]);
		CHECK_INT(fake_log_stats(srv.log, "user_head", "STORE me").requests, 5);
	}
	llm_model_release(&m);
	strbuf_release(&path);
	free(text);
	free(dir);
}

/* The keys are in this process's environment and went out in every
 * request: no file written by the run may hold them. */
static void test_no_key_on_disk(const char *logfile)
{
	struct strbuf log = STRBUF_INIT;
	struct llm_model m;
	struct llm_result res;
	struct llm_options o = opts();
	struct llm_request req = { &m, NULL, "PLAN with a wrong key", 0.5, 100, 0 };
	char *dir = xstrfmt("%s/responses", tmp.buf);

	/* a 401 whose message echoes part of the key */
	setenv("OPENAI_API_KEY", "sk-wrong-SECRET-key-42424242", 1);
	CHECK_INT(parse(&m, "openai::gpt-4o"), 0);
	o.store_dir = dir;
	o.store_mode = LLM_STORE_USE;
	CHECK_INT(llm_complete(&o, &req, &res), -1);
	CHECK_INT(res.http_status, 401);
	CHECK_INT(res.attempts, 1);
	CHECK(res.error && strstr(res.error, "invalid_api_key"));
	CHECK(res.error && !strstr(res.error, "sk-wrong-SECRET-key-42424242"));
	llm_result_release(&res);
	llm_model_release(&m);
	setenv("OPENAI_API_KEY", OPENAI_KEY, 1);

	CHECK_INT(strbuf_read_file(&log, logfile, 1 << 24), 0);
	CHECK(strstr(log.buf, "llm: openai::gpt-4o") != NULL);
	CHECK(strstr(log.buf, "http: POST") != NULL);
	CHECK_INT(tree_contains(tmp.buf, OPENAI_KEY), 0);
	CHECK_INT(tree_contains(tmp.buf, ANTHROPIC_KEY), 0);
	CHECK_INT(tree_contains(tmp.buf, "sk-wrong-SECRET-key-42424242"), 0);
	CHECK_INT(tree_contains(tmp.buf, "hunter2-pw"), 0);
	CHECK_INT(tree_contains(tmp.buf, "STORE me"), 1); /* the scan works */
	strbuf_release(&log);
	free(dir);
}

int main(void)
{
	const char *env[] = { "FAKE_OPENAI_KEY=" OPENAI_KEY,
			      "FAKE_ANTHROPIC_KEY=" ANTHROPIC_KEY, NULL };
	char *log, *logfile, *scriptfile, *base;
	int rc;

	if ((rc = fake_available()))
		return rc;
	if (make_tmpdir(&tmp, "test-llm") < 0)
		return 1;
	logfile = xstrfmt("%s/accc.log", tmp.buf);
	setenv("ACCC_LOGFILE", logfile, 1);
	unsetenv("OPENAI_COMPAT_API_KEY");
	test_specs();
	log = xstrfmt("%s/server.log", tmp.buf);
	scriptfile = xstrfmt("%s/script.json", tmp.buf);
	write_script(scriptfile);
	if (fake_start(&srv, scriptfile, log, env) < 0) {
		printf("cannot start the fake server\n");
		return 1;
	}
	setenv("OPENAI_API_KEY", OPENAI_KEY, 1);
	setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY, 1);
	base = xstrfmt("%s/v1", srv.url);
	setenv("OPENAI_BASE_URL", base, 1);
	setenv("ANTHROPIC_BASE_URL", srv.url, 1);
	test_openai_wire();
	test_anthropic_wire();
	test_compat_and_ollama();
	test_concurrency();
	test_store();
	test_no_key_on_disk(logfile);
	fake_stop(&srv); /* SIGTERM: it logs its totals and exits */
	{
		struct strbuf sb = STRBUF_INIT;
		strbuf_read_file(&sb, log, 1 << 24);
		CHECK(strstr(sb.buf, "{\"event\": \"exit\"") != NULL);
		strbuf_release(&sb);
	}
	fake_free(&srv);
	rm_rf(tmp.buf);
	strbuf_release(&tmp);
	free(log);
	free(logfile);
	free(scriptfile);
	free(base);
	return check_done();
}
