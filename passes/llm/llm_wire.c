/*
 * The two wire formats: OpenAI Chat Completions and Anthropic Messages.
 * Requests are built as text; answers are parsed with cJSON and every
 * field is checked for its type before use, because an answer is untrusted
 * input (a proxy's HTML page, a truncated body, a compatible server's
 * variations).
 */
#include "llm_int.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* Error text and text from a server are cut here: one line in a log. */
#define MSG_CAP 300

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void llm_addjson(struct strbuf *sb, const char *s)
{
	struct strbuf clean = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(p + i, n - i);
		if (len) {
			strbuf_add(&clean, p + i, len);
			i += len;
		} else {
			strbuf_addstr(&clean, "\xef\xbf\xbd");
			i++;
		}
	}
	strbuf_addjson(sb, clean.buf, clean.len);
	strbuf_release(&clean);
}

void llm_addtemp(struct strbuf *sb, double t)
{
	if (t < 0)
		strbuf_addstr(sb, "default");
	else
		strbuf_addf(sb, "%.6g", t);
}

int llm_openai_reasoning(const char *model)
{
	static const char *const prefixes[] = { "o1", "o3", "o4", "gpt-5" };

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (starts_with(model, prefixes[i]))
			return 1;
	return 0;
}

static const char *json_str(const cJSON *obj, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static long json_long(const cJSON *obj, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	return cJSON_IsNumber(it) && it->valuedouble >= 0 ? (long)it->valuedouble : 0;
}

static void add_capped(struct strbuf *sb, const char *s)
{
	size_t start = sb->len, n = strlen(s);

	strbuf_add(sb, s, n > MSG_CAP ? MSG_CAP : n);
	for (size_t i = start; i < sb->len; i++)
		if (sb->buf[i] == '\n' || sb->buf[i] == '\r')
			sb->buf[i] = ' ';
}

static int fail(struct llm_result *res, enum llm_error e, const char *what)
{
	res->err = e;
	free(res->error);
	res->error = xstrdup(what);
	return -1;
}

/* The first bytes of a body that is not the expected JSON, for a message. */
static void describe_raw(struct strbuf *msg, const char *body, size_t len)
{
	char head[81];
	size_t n = len < 80 ? len : 80;

	memcpy(head, body, n);
	head[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)head[i] < 0x20)
			head[i] = ' ';
	strbuf_addf(msg, "unexpected body (%zu bytes): %s", len, head);
}

/* ---- OpenAI Chat Completions --------------------------------------------- */

static void openai_headers(struct strvec *h, const char *key)
{
	strvec_push(h, "Content-Type: application/json");
	strvec_push(h, "Accept: application/json");
	if (key)
		strvec_pushf(h, "Authorization: Bearer %s", key);
}

static void openai_body(const struct llm_request *req, struct strbuf *out)
{
	const struct llm_model *m = req->model;
	int reasoning = !m->compat_tokens && llm_openai_reasoning(m->name);

	strbuf_addstr(out, "{\"model\":");
	llm_addjson(out, m->name);
	strbuf_addstr(out, ",\"messages\":[");
	if (req->system) {
		strbuf_addstr(out, "{\"role\":\"system\",\"content\":");
		llm_addjson(out, req->system);
		strbuf_addstr(out, "},");
	}
	strbuf_addstr(out, "{\"role\":\"user\",\"content\":");
	llm_addjson(out, req->prompt);
	strbuf_addstr(out, "}]");
	if (req->temperature >= 0 && !reasoning) {
		strbuf_addstr(out, ",\"temperature\":");
		llm_addtemp(out, req->temperature);
	}
	if (req->max_tokens > 0)
		strbuf_addf(out, ",\"%s\":%d",
			    m->compat_tokens ? "max_tokens" : "max_completion_tokens",
			    req->max_tokens);
	strbuf_addstr(out, ",\"stream\":false}");
}

/* message.content: a string, or (some compatible servers) an array of
 * {type: text, text} parts. */
static int content_text(const cJSON *content, struct strbuf *out)
{
	const cJSON *part;

	if (cJSON_IsString(content)) {
		strbuf_addstr(out, content->valuestring);
		return 0;
	}
	if (!cJSON_IsArray(content))
		return -1;
	cJSON_ArrayForEach(part, content) {
		const char *type = json_str(part, "type"), *text = json_str(part, "text");
		if (text && (!type || !strcmp(type, "text")))
			strbuf_addstr(out, text);
	}
	return 0;
}

static int openai_parse(const char *body, size_t len, struct llm_result *res)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *choices, *choice, *msg, *usage;
	struct strbuf text = STRBUF_INIT, why = STRBUF_INIT;
	const char *s;
	int ret = -1;

	if (!cJSON_IsObject(root)) {
		describe_raw(&why, body, len);
		fail(res, LLM_ERR_PARSE, why.buf);
		goto out;
	}
	if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "error"))) {
		llm_openai_ops.error(body, len, &why);
		fail(res, LLM_ERR_PARSE, why.buf);
		goto out;
	}
	if ((s = json_str(root, "id")))
		res->response_id = xstrdup(s);
	usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
	res->tokens_in = json_long(usage, "prompt_tokens");
	res->tokens_out = json_long(usage, "completion_tokens");
	choices = cJSON_GetObjectItemCaseSensitive(root, "choices");
	if (!cJSON_IsArray(choices)) {
		fail(res, LLM_ERR_PARSE, "answer without a choices array");
		goto out;
	}
	choice = cJSON_GetArrayItem(choices, 0);
	if (!choice) {
		fail(res, LLM_ERR_EMPTY, "answer with empty choices");
		goto out;
	}
	if ((s = json_str(choice, "finish_reason"))) {
		res->finish_reason = xstrdup(s);
		res->truncated = !strcmp(s, "length");
	}
	msg = cJSON_GetObjectItemCaseSensitive(choice, "message");
	if (content_text(cJSON_GetObjectItemCaseSensitive(msg, "content"), &text) < 0) {
		s = json_str(msg, "refusal");
		strbuf_addstr(&why, "answer without message content");
		if (s) {
			strbuf_addstr(&why, "; refusal: ");
			add_capped(&why, s);
		}
		fail(res, LLM_ERR_EMPTY, why.buf);
		goto out;
	}
	res->text = strbuf_detach(&text, NULL);
	ret = 0;
out:
	cJSON_Delete(root);
	strbuf_release(&text);
	strbuf_release(&why);
	return ret;
}

static int openai_error(const char *body, size_t len, struct strbuf *msg)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
	const char *type = json_str(err, "type"), *code = json_str(err, "code");
	const char *text = json_str(err, "message");
	int final = 0;

	if (!cJSON_IsObject(err)) {
		/* some servers answer {"error": "text"} */
		if (cJSON_IsString(err))
			add_capped(msg, err->valuestring);
		else
			describe_raw(msg, body, len);
	} else {
		/* a server's words, kind included, are one line in a log */
		add_capped(msg, code ? code : type ? type : "error");
		strbuf_addstr(msg, ": ");
		add_capped(msg, text ? text : "(no message)");
		final = (code && !strcmp(code, "insufficient_quota")) ||
			(type && !strcmp(type, "insufficient_quota"));
	}
	cJSON_Delete(root);
	return final;
}

const struct llm_wire_ops llm_openai_ops = {
	.path = "/chat/completions",
	.headers = openai_headers,
	.body = openai_body,
	.parse = openai_parse,
	.error = openai_error,
};

/* ---- Anthropic Messages -------------------------------------------------- */

static void anthropic_headers(struct strvec *h, const char *key)
{
	strvec_push(h, "Content-Type: application/json");
	strvec_push(h, "Accept: application/json");
	strvec_push(h, "anthropic-version: 2023-06-01");
	if (key)
		strvec_pushf(h, "x-api-key: %s", key);
}

static void anthropic_body(const struct llm_request *req, struct strbuf *out)
{
	strbuf_addstr(out, "{\"model\":");
	llm_addjson(out, req->model->name);
	strbuf_addf(out, ",\"max_tokens\":%d",
		    req->max_tokens > 0 ? req->max_tokens : LLM_DEFAULT_MAX_TOKENS);
	if (req->system) {
		strbuf_addstr(out, ",\"system\":");
		llm_addjson(out, req->system);
	}
	strbuf_addstr(out, ",\"messages\":[{\"role\":\"user\",\"content\":");
	llm_addjson(out, req->prompt);
	strbuf_addstr(out, "}]");
	if (req->temperature >= 0) {
		/* the Messages API takes 0..1 (OpenAI 0..2) */
		strbuf_addstr(out, ",\"temperature\":");
		llm_addtemp(out, req->temperature > 1 ? 1 : req->temperature);
	}
	strbuf_addch(out, '}');
}

static int anthropic_parse(const char *body, size_t len, struct llm_result *res)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *content, *block, *usage;
	struct strbuf text = STRBUF_INIT, why = STRBUF_INIT;
	const char *s;
	int ret = -1, blocks = 0;

	if (!cJSON_IsObject(root)) {
		describe_raw(&why, body, len);
		fail(res, LLM_ERR_PARSE, why.buf);
		goto out;
	}
	s = json_str(root, "type");
	if (s && !strcmp(s, "error")) {
		llm_anthropic_ops.error(body, len, &why);
		fail(res, LLM_ERR_PARSE, why.buf);
		goto out;
	}
	if ((s = json_str(root, "id")))
		res->response_id = xstrdup(s);
	usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
	res->tokens_in = json_long(usage, "input_tokens") +
			 json_long(usage, "cache_creation_input_tokens") +
			 json_long(usage, "cache_read_input_tokens");
	res->tokens_out = json_long(usage, "output_tokens");
	if ((s = json_str(root, "stop_reason"))) {
		res->finish_reason = xstrdup(s);
		res->truncated = !strcmp(s, "max_tokens");
	}
	content = cJSON_GetObjectItemCaseSensitive(root, "content");
	if (!cJSON_IsArray(content)) {
		fail(res, LLM_ERR_PARSE, "answer without a content array");
		goto out;
	}
	/* text blocks only: thinking and tool blocks are not the answer */
	cJSON_ArrayForEach(block, content) {
		const char *type = json_str(block, "type"), *t = json_str(block, "text");
		if (type && !strcmp(type, "text") && t) {
			strbuf_addstr(&text, t);
			blocks++;
		}
	}
	if (!blocks) {
		fail(res, LLM_ERR_EMPTY, "answer without a text block");
		goto out;
	}
	res->text = strbuf_detach(&text, NULL);
	ret = 0;
out:
	cJSON_Delete(root);
	strbuf_release(&text);
	strbuf_release(&why);
	return ret;
}

static int anthropic_error(const char *body, size_t len, struct strbuf *msg)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *details = cJSON_GetObjectItemCaseSensitive(err, "details");
	const char *type = json_str(err, "type"), *text = json_str(err, "message");
	const char *code = json_str(details, "error_code");
	int final = 0;

	if (!cJSON_IsObject(err)) {
		describe_raw(msg, body, len);
	} else {
		add_capped(msg, type ? type : "error");
		strbuf_addstr(msg, ": ");
		add_capped(msg, text ? text : "(no message)");
		if (code) {
			strbuf_addstr(msg, " (");
			add_capped(msg, code);
			strbuf_addch(msg, ')');
			final = !strcmp(code, "enforced_spend_limit_reached");
		}
	}
	cJSON_Delete(root);
	return final;
}

const struct llm_wire_ops llm_anthropic_ops = {
	.path = "/v1/messages",
	.headers = anthropic_headers,
	.body = anthropic_body,
	.parse = anthropic_parse,
	.error = anthropic_error,
};
