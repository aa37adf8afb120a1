#ifndef ACCC_RESPSTORE_H
#define ACCC_RESPSTORE_H
/*
 * The response store: every successful LLM answer kept on disk, so a
 * repeated or interrupted search replays what was already paid for.
 *
 * An answer is filed under the xxh3-128 key (cache_key.h) of what decides
 * it: provider, model, base URL (without userinfo), system prompt, user
 * prompt, temperature, max tokens and sample index — never the API key.
 * The file is <dir>/<first two hex digits>/<key>.json, written through a
 * temporary file and rename(2):
 *
 *   {"format": "accc-response", "version": 1, "key": "...",
 *    "provider": "openai", "model": "gpt-4o", "base": "https://...",
 *    "sample": 0, "temperature": "0.7", "max_tokens": 4096,
 *    "text": "...", "finish_reason": "stop", "truncated": false,
 *    "tokens_in": 812, "tokens_out": 301, "response_id": "chatcmpl-...",
 *    "latency_s": 12.5, "created": 1767225600}
 */
#include "llm.h"

#define RESPSTORE_VERSION 1
/* A stored answer larger than this is treated as corrupt. */
#define RESPSTORE_CAP (16u << 20)

/*
 * The key of a request, 32 hex digits and a NUL in ret_hex.  With
 * `debug_path`, the exact hashed text is also written there (it holds the
 * prompts, not the key).
 */
void respstore_key(const struct llm_request *req, const char *debug_path,
		   char ret_hex[33]);

/*
 * Look `key` up in `dir`.  Returns 1 and fills res (text, finish reason,
 * truncated, tokens, response id, latency; from_store = 1, err = LLM_OK)
 * on a hit; 0 on a miss; -1 when the file is there but unreadable or not a
 * stored answer of this key (logged; the caller treats it as a miss).
 */
int respstore_get(const char *dir, const char *key, struct llm_result *res);

/* Keep a successful answer.  Returns 0, or -1 (logged). */
int respstore_put(const char *dir, const char *key, const struct llm_request *req,
		  const struct llm_result *res);

#endif
