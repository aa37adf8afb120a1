#ifndef ACCC_LLM_INT_H
#define ACCC_LLM_INT_H
/*
 * Inside the LLM layer: one set of operations per wire format (llm_wire.c),
 * used by llm.c.  Not for other modules.
 */
#include "llm.h"
#include "strbuf.h"
#include "strvec.h"

struct llm_wire_ops {
	/* appended to the base URL */
	const char *path;
	/* request headers; `key` may be NULL (no auth header then) */
	void (*headers)(struct strvec *h, const char *key);
	/* the JSON body of one request */
	void (*body)(const struct llm_request *req, struct strbuf *out);
	/*
	 * Fill res from a 2xx body: text, finish reason, usage, id.  Returns
	 * 0, or -1 with res->err (LLM_ERR_PARSE or LLM_ERR_EMPTY) and
	 * res->error set.
	 */
	int (*parse)(const char *body, size_t len, struct llm_result *res);
	/*
	 * Describe an error body as "type: message" in msg (one line, capped).
	 * Returns 1 when the error says not to retry (a spent quota), else 0.
	 * A body that is not the wire's error JSON gives its first bytes.
	 */
	int (*error)(const char *body, size_t len, struct strbuf *msg);
};

extern const struct llm_wire_ops llm_openai_ops;
extern const struct llm_wire_ops llm_anthropic_ops;

/* Append s as a JSON string literal, invalid UTF-8 replaced by U+FFFD. */
void llm_addjson(struct strbuf *sb, const char *s);
/* The temperature as sent and as hashed ("%.6g"); "default" when < 0. */
void llm_addtemp(struct strbuf *sb, double t);
/* OpenAI models that take neither temperature nor max_tokens (o1, o3, o4,
 * gpt-5 families). */
int llm_openai_reasoning(const char *model);

#endif
