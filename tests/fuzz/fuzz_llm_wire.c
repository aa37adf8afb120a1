/*
 * libFuzzer target for what accc reads from an LLM endpoint
 * (passes/llm_wire.c): every input is a response body, parsed by each
 * provider's parser (OpenAI chat completions, Anthropic messages) and
 * described by each one's error reader.  A parse either fills the text or
 * fails with LLM_ERR_PARSE / LLM_ERR_EMPTY and a reason; the error reader
 * gives one line.  Then the JSON string writer: whatever bytes go in, what
 * comes out is one JSON string literal that cJSON reads back.  None of it
 * may crash, leak or read out of bounds (the build uses ASan and UBSan).
 */
#include "llm_int.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_wire(const struct llm_wire_ops *ops, const char *body, size_t len)
{
	struct llm_result res;
	struct strbuf msg = STRBUF_INIT;
	int r;

	llm_result_init(&res);
	r = ops->parse(body, len, &res);
	if (r == 0 && !res.text)
		abort(); /* success without a text */
	if (r < 0 && (!res.error || (res.err != LLM_ERR_PARSE && res.err != LLM_ERR_EMPTY)))
		abort(); /* a failure without its kind or reason */
	llm_result_release(&res);
	ops->error(body, len, &msg);
	if (memchr(msg.buf, '\n', msg.len))
		abort(); /* the description is one line */
	strbuf_release(&msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy exactly `size` long, so that ASan sees any read past it */
	char *body = malloc(size ? size : 1);
	char *z = malloc(size + 1);
	struct strbuf lit = STRBUF_INIT;
	cJSON *back;

	if (!body || !z)
		abort();
	memcpy(body, data, size);
	one_wire(&llm_openai_ops, body, size);
	one_wire(&llm_anthropic_ops, body, size);

	memcpy(z, data, size);
	z[size] = '\0';
	llm_addjson(&lit, z);
	back = cJSON_Parse(lit.buf);
	if (!back || !cJSON_IsString(back))
		abort(); /* the literal must be valid JSON */
	cJSON_Delete(back);
	strbuf_release(&lit);
	free(z);
	free(body);
	return 0;
}
