/*
 * Providers, model specs, and the batch with its retry policy.  The wire
 * formats are in llm_wire.c, HTTP in http.c, the store in respstore.c.
 */
#include "llm_int.h"
#include "cache_down.h"
#include "http.h"
#include "log.h"
#include "respstore.h"
#include "run.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const struct llm_provider llm_providers[] = {
	{ .name = "openai", .wire = LLM_WIRE_OPENAI,
	  .default_base = "https://api.openai.com/v1", .base_env = "OPENAI_BASE_URL",
	  .key_env = "OPENAI_API_KEY", .url_key_env = "OPENAI_COMPAT_API_KEY",
	  .key_required = 1 },
	{ .name = "anthropic", .wire = LLM_WIRE_ANTHROPIC,
	  .default_base = "https://api.anthropic.com", .base_env = "ANTHROPIC_BASE_URL",
	  .key_env = "ANTHROPIC_API_KEY", .url_key_env = "ANTHROPIC_COMPAT_API_KEY",
	  .key_required = 1 },
	{ .name = "ollama", .wire = LLM_WIRE_OPENAI,
	  .default_base = "http://localhost:11434/v1", .base_env = "OLLAMA_HOST",
	  .base_env_host = 1, .compat_tokens = 1 },
	{ .name = "builtin", .wire = LLM_WIRE_NONE },
	{ .name = NULL },
};

const char *llm_error_name(enum llm_error e)
{
	static const char *const names[] = {
		[LLM_OK] = "ok", [LLM_ERR_CONFIG] = "config", [LLM_ERR_STATUS] = "status",
		[LLM_ERR_TRANSPORT] = "transport", [LLM_ERR_TIMEOUT] = "timeout",
		[LLM_ERR_TOO_LARGE] = "too-large", [LLM_ERR_PARSE] = "parse",
		[LLM_ERR_EMPTY] = "empty",
	};
	if ((unsigned)e >= ARRAY_SIZE(names) || !names[e])
		return "unknown";
	return names[e];
}

static const struct llm_wire_ops *wire_ops(enum llm_wire w)
{
	if (w == LLM_WIRE_OPENAI)
		return &llm_openai_ops;
	if (w == LLM_WIRE_ANTHROPIC)
		return &llm_anthropic_ops;
	return NULL;
}

/* ---- model specs ---------------------------------------------------------- */

static void trim_slashes(char *url)
{
	size_t n = strlen(url);

	while (n && url[n - 1] == '/')
		url[--n] = '\0';
}

/* OLLAMA_HOST is "host", "host:port" or "scheme://host:port". */
static char *ollama_base(const char *host)
{
	struct strbuf sb = STRBUF_INIT;
	const char *rest = host, *h;

	if (!strstr(host, "://"))
		strbuf_addstr(&sb, "http://");
	strbuf_addstr(&sb, host);
	while (sb.len && sb.buf[sb.len - 1] == '/')
		strbuf_setlen(&sb, sb.len - 1);
	if (!skip_prefix(host, "http://", &rest))
		skip_prefix(host, "https://", &rest);
	h = strrchr(rest, ']'); /* IPv6: the port is after the bracket */
	if (!strchr(h ? h : rest, ':'))
		strbuf_addstr(&sb, ":11434");
	if (skip_prefix(sb.buf, "http://0.0.0.0", &rest)) /* a bind address */
		strbuf_splice(&sb, 7, 7, "127.0.0.1", 9);
	strbuf_addstr(&sb, "/v1");
	return strbuf_detach(&sb, NULL);
}

static void resolve_base(struct llm_model *m, const char *url)
{
	const struct llm_provider *p = m->provider;
	const char *env = p->base_env ? getenv(p->base_env) : NULL;
	struct strbuf shown = STRBUF_INIT;

	m->key_required = p->key_required;
	m->compat_tokens = p->compat_tokens;
	if (url) {
		/* a URL named in the spec: a third-party server */
		m->base_url = xstrdup(url);
		m->key_env = p->url_key_env;
		m->key_required = 0;
		m->compat_tokens = 1;
	} else if (env && *env) {
		m->base_url = p->base_env_host ? ollama_base(env) : xstrdup(env);
		m->key_env = p->key_env;
	} else {
		m->base_url = xstrdup(p->default_base ? p->default_base : "");
		m->key_env = p->key_env;
	}
	trim_slashes(m->base_url);
	http_url_for_log(&shown, m->base_url);
	m->base_shown = strbuf_detach(&shown, NULL);
}

int llm_model_parse(struct llm_model *m, const char *spec)
{
	const char *sep = NULL, *at;
	char *prov = NULL, *url = NULL;
	int ret = -1;

	memset(m, 0, sizeof(*m));
	for (const char *p = strstr(spec, "::"); p; p = strstr(p + 1, "::"))
		sep = p;
	if (!sep || !sep[2] || sep == spec) {
		struct strbuf shown = STRBUF_INIT;
		http_url_for_log(&shown, spec); /* a URL in it may hold a password */
		error("model '%s' is not written provider::model", shown.buf);
		strbuf_release(&shown);
		goto out;
	}
	m->name = xstrdup(sep + 2);
	prov = xstrndup(spec, (size_t)(sep - spec));
	at = strchr(prov, '@');
	if (at) {
		url = xstrdup(at + 1);
		prov[at - prov] = '\0';
	}
	for (const struct llm_provider *p = llm_providers; p->name; p++)
		if (!strcmp(p->name, prov))
			m->provider = p;
	if (!m->provider) {
		error("unknown LLM provider '%s' in model '%s'", prov, m->name);
		goto out;
	}
	if (url && (m->provider->wire == LLM_WIRE_NONE ||
		    !(starts_with(url, "http://") || starts_with(url, "https://")))) {
		error("bad URL in model '%s@...::%s' (want http:// or https://)", prov,
		      m->name);
		goto out;
	}
	resolve_base(m, url);
	m->spec = url ? xstrfmt("%s@%s::%s", prov, m->base_shown, m->name)
		      : xstrfmt("%s::%s", prov, m->name);
	ret = 0;
out:
	free(prov);
	free(url);
	if (ret < 0)
		llm_model_release(m);
	return ret;
}

void llm_model_release(struct llm_model *m)
{
	free(m->spec);
	free(m->name);
	free(m->base_url);
	free(m->base_shown);
	memset(m, 0, sizeof(*m));
}

int llm_model_is_builtin(const struct llm_model *m)
{
	return m->provider && m->provider->wire == LLM_WIRE_NONE;
}

/* ---- results and options -------------------------------------------------- */

void llm_result_init(struct llm_result *r)
{
	memset(r, 0, sizeof(*r));
}

static void result_clear(struct llm_result *r)
{
	free(r->text);
	free(r->finish_reason);
	free(r->error);
	free(r->response_id);
	r->text = r->finish_reason = r->error = r->response_id = NULL;
	r->truncated = 0;
	r->tokens_in = r->tokens_out = 0;
}

void llm_result_release(struct llm_result *r)
{
	result_clear(r);
	llm_result_init(r);
}

void llm_options_init(struct llm_options *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 600000;
	o->connect_timeout_ms = 10000;
	o->concurrency = 8;
	o->retries = 4;
	o->deadline_s = 1800;
	o->max_response = 4u << 20;
	o->backoff_ms = 1000;
	o->backoff_max_ms = 60000;
	o->retry_after_max_ms = 300000;
	o->store_mode = LLM_STORE_USE;
}

/* ---- the batch ------------------------------------------------------------ */

/* One request that goes over HTTP. */
struct pending {
	size_t idx;           /* into the caller's arrays */
	struct strvec headers;
	struct strbuf body;
	char *url, *group;
	char key[33];         /* store key, "" when the store is off */
};

struct batch {
	const struct llm_options *o;
	const struct llm_request *req;
	struct llm_result *res;
	struct pending *p;
	double t0;
	uint64_t rng;
};

/* xorshift64*: jitter needs no quality, only spread. */
static double jitter01(struct batch *b)
{
	b->rng ^= b->rng >> 12;
	b->rng ^= b->rng << 25;
	b->rng ^= b->rng >> 27;
	return (double)((b->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* Replace every occurrence of the model's key in s by "[redacted]". */
static char *scrub(const struct llm_model *m, char *s)
{
	const char *key = m->key_env ? getenv(m->key_env) : NULL;
	struct strbuf sb = STRBUF_INIT;
	char *hit;

	if (!s || !key || strlen(key) < 4 || !strstr(s, key))
		return s;
	strbuf_addstr(&sb, s);
	free(s);
	while ((hit = strstr(sb.buf, key)))
		strbuf_splice(&sb, (size_t)(hit - sb.buf), strlen(key), "[redacted]", 10);
	return strbuf_detach(&sb, NULL);
}

static void set_error(struct llm_result *r, const struct llm_model *m,
		      enum llm_error e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void set_error(struct llm_result *r, const struct llm_model *m,
		      enum llm_error e, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	strbuf_addf(&sb, "%s: ", m->spec ? m->spec : "?");
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(r->error);
	r->err = e;
	r->error = scrub(m, strbuf_detach(&sb, NULL));
}

/* Classify a finished attempt into r; returns 1 when it may be retried. */
static int attempt_result(const struct llm_request *req, struct llm_result *r,
			  const struct http_response *resp)
{
	const struct llm_wire_ops *ops = wire_ops(req->model->provider->wire);
	struct strbuf msg = STRBUF_INIT;
	int retry = 0;

	result_clear(r);
	r->attempts++;
	r->http_status = resp->status;
	r->latency_s = resp->seconds;
	if (resp->err != HTTP_OK) {
		enum http_error e = resp->err;
		set_error(r, req->model,
			  e == HTTP_ERR_TIMEOUT ? LLM_ERR_TIMEOUT
			  : e == HTTP_ERR_TOO_LARGE ? LLM_ERR_TOO_LARGE : LLM_ERR_TRANSPORT,
			  "%s (%s)", http_error_name(e), resp->message.buf);
		/* a server that is not there (refused, unknown) is not asked
		 * again: it is remembered as down (on_attempt) */
		retry = e == HTTP_ERR_TIMEOUT || e == HTTP_ERR_DROPPED;
	} else if (resp->status >= 200 && resp->status < 300) {
		if (ops->parse(resp->body.buf, resp->body.len, r) == 0) {
			r->err = LLM_OK;
			r->text = scrub(req->model, r->text);
		} else {
			char *why = r->error;
			r->error = NULL;
			set_error(r, req->model, r->err, "%s", why);
			free(why);
		}
	} else {
		int final = ops->error(resp->body.buf, resp->body.len, &msg);
		set_error(r, req->model, LLM_ERR_STATUS, "HTTP %ld: %s", resp->status, msg.buf);
		retry = !final && (resp->status == 408 || resp->status == 409 ||
				   resp->status == 429 || resp->status >= 500);
	}
	strbuf_release(&msg);
	return retry;
}

static long backoff_ms(struct batch *b, int attempts)
{
	double d = (double)b->o->backoff_ms;

	for (int i = 1; i < attempts && d < (double)b->o->backoff_max_ms; i++)
		d *= 2;
	if (d > (double)b->o->backoff_max_ms)
		d = (double)b->o->backoff_max_ms;
	return (long)(d * (0.5 + 0.5 * jitter01(b)));
}

/*
 * A server that refused, could not be resolved or still timed out on the
 * last attempt is remembered as down, so that the other compiles of the build skip it (cache_down.h).
 * The batch's own deadline cutting a request says nothing of the server.
 */
static void mark_down(struct batch *b, const struct llm_model *m,
		      const struct http_response *resp)
{
	struct strbuf why = STRBUF_INIT;

	if (resp->err != HTTP_ERR_REFUSED && resp->err != HTTP_ERR_RESOLVE &&
	    resp->err != HTTP_ERR_TIMEOUT)
		return;
	if (resp->err == HTTP_ERR_TIMEOUT && b->o->deadline_s > 0 &&
	    now_s() >= b->t0 + b->o->deadline_s - 0.1)
		return;
	strbuf_addf(&why, "%s (%s)", http_error_name(resp->err), resp->message.buf);
	cache_down_mark(b->o->down_dir, b->o->down_for_s, m->base_url, why.buf);
	strbuf_release(&why);
}

static long on_attempt(size_t i, const struct http_response *resp, void *data)
{
	struct batch *b = data;
	struct pending *p = &b->p[i];
	const struct llm_request *req = &b->req[p->idx];
	struct llm_result *r = &b->res[p->idx];
	long delay;

	r->elapsed_s = now_s() - b->t0;
	if (!attempt_result(req, r, resp) || r->attempts > b->o->retries) {
		mark_down(b, req->model, resp);
		return -1;
	}
	if (resp->retry_after_ms > b->o->retry_after_max_ms) {
		log_msg("llm: %s: Retry-After of %ld ms is too long: giving up",
			req->model->spec, resp->retry_after_ms);
		return -1;
	}
	delay = backoff_ms(b, r->attempts);
	if (resp->retry_after_ms >= 0)
		delay = resp->retry_after_ms + (long)(jitter01(b) * 100.0);
	log_msg("llm: %s sample %d: attempt %d failed (%s), again in %ld ms",
		req->model->spec, req->sample, r->attempts, r->error, delay);
	return delay;
}

/* Wipe header lines (they hold the key) before freeing them. */
static void wipe_headers(struct strvec *h)
{
	for (size_t i = 0; i < h->nr; i++)
		memset((char *)h->v[i], 0, strlen(h->v[i]));
	strvec_clear(h);
}

/* Prepare request i for HTTP; returns 0, or -1 with res[i] failed. */
static int pending_init(struct pending *p, const struct llm_request *req,
			struct llm_result *res)
{
	const struct llm_model *m = req->model;
	const struct llm_wire_ops *ops = m->provider ? wire_ops(m->provider->wire) : NULL;
	const char *key = m->key_env ? getenv(m->key_env) : NULL;

	if (!ops) {
		set_error(res, m, LLM_ERR_CONFIG, "model is not served over HTTP");
		return -1;
	}
	if (key && !*key)
		key = NULL;
	if (!key && m->key_required) {
		set_error(res, m, LLM_ERR_CONFIG, "%s is not set", m->key_env);
		return -1;
	}
	strvec_init(&p->headers);
	ops->headers(&p->headers, key);
	strvec_pushf(&p->headers, "X-Accc-Sample: %d", req->sample);
	strbuf_init(&p->body, 0);
	ops->body(req, &p->body);
	p->url = xstrfmt("%s%s", m->base_url, ops->path);
	p->group = xstrfmt("%s %s", m->provider->name, m->base_shown);
	return 0;
}

static void pending_release(struct pending *p)
{
	wipe_headers(&p->headers);
	strbuf_release(&p->body);
	free(p->url);
	free(p->group);
}

static void log_result(const struct llm_request *req, const struct llm_result *r)
{
	if (r->err == LLM_OK)
		log_msg("llm: %s sample %d: %s%s, %ld+%ld tokens, %d attempts, %.1f s",
			req->model->spec, req->sample, r->from_store ? "replayed" : "ok",
			r->truncated ? " (truncated)" : "", r->tokens_in, r->tokens_out,
			r->attempts, r->elapsed_s);
	else
		log_msg("llm: %s sample %d: failed after %d attempts: %s",
			req->model->spec, req->sample, r->attempts, r->error);
}

/* A request to an endpoint remembered as down fails at once (r says why). */
static int endpoint_down(const struct llm_options *o, const struct llm_request *req,
			 struct llm_result *r)
{
	struct strbuf why = STRBUF_INIT;
	const struct llm_model *m = req->model;

	if (!m->base_url ||
	    !cache_down_check(o->down_dir, o->down_for_s, m->base_url, &why)) {
		strbuf_release(&why);
		return 0;
	}
	set_error(r, m, LLM_ERR_TRANSPORT, "not sent: %s failed recently (%s)",
		  m->base_shown, why.buf);
	r->skipped_down = 1;
	strbuf_release(&why);
	return 1;
}

/*
 * Fill b->p with the requests that must go over HTTP (the others are
 * answered from the store or failed here).  Returns how many.
 */
static size_t batch_prepare(struct batch *b, size_t n, struct http_request *hr,
			    struct http_response *hresp)
{
	const struct llm_options *o = b->o;
	int use_store = o->store_dir && o->store_mode != LLM_STORE_OFF;
	size_t np = 0;

	for (size_t i = 0; i < n; i++) {
		struct pending *p = &b->p[np];
		const struct llm_request *req = &b->req[i];
		struct llm_result *r = &b->res[i];

		memset(p, 0, sizeof(*p));
		p->idx = i;
		if (use_store && req->model->provider && !llm_model_is_builtin(req->model))
			respstore_key(req, NULL, p->key);
		if (p->key[0] && o->store_mode == LLM_STORE_USE &&
		    respstore_get(o->store_dir, p->key, r) == 1) {
			log_result(req, r);
			continue;
		}
		if (endpoint_down(o, req, r) || pending_init(p, req, r) < 0) {
			log_result(req, r);
			continue;
		}
		hr[np] = (struct http_request){
			.method = "POST", .url = p->url, .headers = &p->headers,
			.body = p->body.buf, .body_len = p->body.len,
			.connect_timeout_ms = o->connect_timeout_ms,
			.timeout_ms = o->timeout_ms, .max_response = o->max_response,
			.group = p->group,
		};
		http_response_init(&hresp[np]);
		np++;
	}
	return np;
}

int llm_batch(const struct llm_options *o, const struct llm_request *req,
	      struct llm_result *res, size_t n)
{
	struct llm_options def;
	struct batch b = { .req = req, .res = res };
	struct http_request *hr = xcalloc(n ? n : 1, sizeof(*hr));
	struct http_response *hresp = xcalloc(n ? n : 1, sizeof(*hresp));
	struct http_batch_options ho = { 0 };
	size_t np;
	int ok = 0;

	if (!o) {
		llm_options_init(&def);
		o = &def;
	}
	b.o = o;
	b.p = xcalloc(n ? n : 1, sizeof(*b.p));
	b.t0 = now_s();
	b.rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)&b;
	b.rng |= 1;
	for (size_t i = 0; i < n; i++)
		llm_result_init(&res[i]);
	np = batch_prepare(&b, n, hr, hresp);
	ho.max_per_group = o->concurrency;
	ho.deadline = o->deadline_s > 0 ? b.t0 + o->deadline_s : 0;
	if (np)
		http_batch(hr, hresp, np, &ho, on_attempt, &b);
	for (size_t k = 0; k < np; k++) {
		struct pending *p = &b.p[k];
		struct llm_result *r = &res[p->idx];
		if (!r->attempts && r->err == LLM_OK) /* curl could not even start */
			set_error(r, req[p->idx].model, LLM_ERR_TRANSPORT, "%s",
				  hresp[k].message.buf);
		if (r->err == LLM_OK && p->key[0])
			respstore_put(o->store_dir, p->key, &req[p->idx], r);
		log_result(&req[p->idx], r);
		pending_release(p);
		http_response_release(&hresp[k]);
	}
	for (size_t i = 0; i < n; i++)
		ok += res[i].err == LLM_OK;
	free(b.p);
	free(hr);
	free(hresp);
	return ok;
}

int llm_complete(const struct llm_options *o, const struct llm_request *req,
		 struct llm_result *res)
{
	return llm_batch(o, req, res, 1) == 1 ? 0 : -1;
}
