#ifndef ACCC_LLM_H
#define ACCC_LLM_H
/*
 * LLM providers: one completion per request, many requests at once.
 *
 * A model is written `provider::model`:
 *   openai::gpt-4o              Chat Completions at $OPENAI_BASE_URL
 *                               (default https://api.openai.com/v1), key
 *                               $OPENAI_API_KEY (required)
 *   anthropic::claude-sonnet-4-5  Messages API at $ANTHROPIC_BASE_URL
 *                               (default https://api.anthropic.com), key
 *                               $ANTHROPIC_API_KEY (required)
 *   ollama::qwen2.5-coder       Ollama's OpenAI-compatible endpoint at
 *                               $OLLAMA_HOST/v1 (default
 *                               http://localhost:11434/v1), no key
 *   openai@URL::model           any OpenAI-compatible server (vLLM,
 *                               llama.cpp, Together, ...) at base URL `URL`
 *                               (".../v1"); key $OPENAI_COMPAT_API_KEY when
 *                               set.  Your $OPENAI_API_KEY is never sent to a
 *                               URL you name this way.
 *   anthropic@URL::model        the Messages API at URL; key
 *                               $ANTHROPIC_COMPAT_API_KEY when set
 *   builtin::tuner              parsed (so one spec list can hold it) but
 *                               not served here: the search runs it
 * The last "::" separates the model name, so IPv6 URLs work.
 *
 * Keys are read from the environment when a request is sent and are never
 * stored in a struct, logged, put in an error message or written to the
 * response store; text coming back is scrubbed of the key.
 *
 * llm_batch() sends every request of an iteration at once through http.h,
 * at most `concurrency` in flight per provider endpoint, and retries with
 * exponential backoff and jitter on 408, 409, 429, 5xx (Anthropic's 529
 * included), timeouts and dropped or refused connections, honoring
 * Retry-After (seconds or an HTTP date) and retry-after-ms; never on other
 * 4xx, on a spent quota (OpenAI insufficient_quota, Anthropic
 * enforced_spend_limit_reached), on a TLS failure or on an answer past the
 * size cap.  A 200 whose JSON is missing, truncated or of the wrong shape is
 * a failed result, never a crash, and is not retried (the tokens were spent).
 */
#include "strbuf.h"

#include <stddef.h>

enum llm_wire {
	LLM_WIRE_NONE,       /* not served over HTTP (builtin) */
	LLM_WIRE_OPENAI,     /* POST {base}/chat/completions */
	LLM_WIRE_ANTHROPIC,  /* POST {base}/v1/messages */
};

/* One row of the provider table. */
struct llm_provider {
	const char *name;          /* "openai", "anthropic", "ollama", "builtin" */
	enum llm_wire wire;
	const char *default_base;  /* base URL, no trailing slash */
	const char *base_env;      /* overrides the base URL, or NULL */
	int base_env_host;         /* base_env holds [scheme://]host[:port]
				      (Ollama's OLLAMA_HOST); "/v1" is added */
	const char *key_env;       /* key for the default or env base, or NULL */
	const char *url_key_env;   /* key when the spec names a URL, or NULL */
	int key_required;          /* no key: fail without sending */
	int compat_tokens;         /* send max_tokens, not max_completion_tokens */
};

/* A parsed model spec.  Owns its strings. */
struct llm_model {
	const struct llm_provider *provider;
	char *spec;        /* as written, without userinfo */
	char *name;        /* the provider's model name */
	char *base_url;    /* no trailing slash; may hold userinfo: never log it */
	char *base_shown;  /* base_url without userinfo: for logs and keys */
	const char *key_env; /* variable read at send time, or NULL */
	int key_required;
	int compat_tokens;   /* OpenAI wire: max_tokens (compatible servers) or
				max_completion_tokens (OpenAI itself) */
};

/*
 * Parse `spec` into m.  Returns 0, or -1 with an error logged ("unknown LLM
 * provider 'x' in model 'x::y'"); m is then released.  The base URL is
 * resolved now (environment overrides included); keys are not read.
 */
int llm_model_parse(struct llm_model *m, const char *spec);
void llm_model_release(struct llm_model *m);
int llm_model_is_builtin(const struct llm_model *m);
/* The provider table, terminated by a row whose name is NULL. */
extern const struct llm_provider llm_providers[];

/* One completion to ask for.  Borrowed pointers. */
struct llm_request {
	const struct llm_model *model;
	const char *system;   /* system prompt, or NULL */
	const char *prompt;   /* the user message */
	double temperature;   /* < 0: the provider's default (field omitted) */
	int max_tokens;       /* output cap; 0: omitted (OpenAI wire) or
				 LLM_DEFAULT_MAX_TOKENS (Anthropic, required) */
	int sample;           /* which of several samples of the same prompt:
				 part of the store key, sent as X-Accc-Sample */
};

#define LLM_DEFAULT_MAX_TOKENS 8192

enum llm_error {
	LLM_OK = 0,
	LLM_ERR_CONFIG,     /* bad spec, builtin model, missing key: nothing sent */
	LLM_ERR_STATUS,     /* the server answered an error status (last attempt) */
	LLM_ERR_TRANSPORT,  /* refused, dropped, TLS, DNS (last attempt) */
	LLM_ERR_TIMEOUT,    /* attempt timeout or batch deadline */
	LLM_ERR_TOO_LARGE,  /* answer past the size cap */
	LLM_ERR_PARSE,      /* 200, but not the JSON of the wire format */
	LLM_ERR_EMPTY,      /* well-formed, but no text (empty choices, no content) */
};

const char *llm_error_name(enum llm_error e);

/* What came back.  llm_result_release() frees the strings. */
struct llm_result {
	enum llm_error err;
	char *text;           /* LLM_OK: the answer (caller may take it), else NULL */
	char *finish_reason;  /* as the provider said it ("stop", "end_turn",
				 "length", "max_tokens", ...), or NULL */
	int truncated;        /* stopped by the token cap */
	long tokens_in, tokens_out; /* usage of the answer that counted */
	long http_status;     /* of the last attempt, 0 when none answered */
	char *error;          /* one line when err != LLM_OK, else NULL */
	char *response_id;    /* provider's id of the answer, or NULL */
	double latency_s;     /* last attempt */
	double elapsed_s;     /* from the first attempt to the result */
	int attempts;         /* HTTP attempts made (0: from the store or config) */
	int from_store;       /* replayed from the response store */
	int skipped_down;     /* not sent: the endpoint is remembered as down */
};

void llm_result_init(struct llm_result *r);
void llm_result_release(struct llm_result *r);

enum llm_store_mode {
	LLM_STORE_OFF,      /* neither read nor write */
	LLM_STORE_USE,      /* replay what is there, keep every new answer */
	LLM_STORE_REFRESH,  /* ask again (bypass), keep the new answers */
};

struct llm_options {
	long timeout_ms;          /* per attempt; default 600 s */
	long connect_timeout_ms;  /* default 10 s */
	int concurrency;          /* in flight per provider endpoint; default 8 */
	int retries;              /* extra attempts after the first; default 4 */
	double deadline_s;        /* the whole batch; default 1800 s, 0 = none */
	size_t max_response;      /* body cap; default 4 MiB */
	long backoff_ms;          /* first backoff; default 1000 (tests: less) */
	long backoff_max_ms;      /* backoff cap; default 60000 */
	long retry_after_max_ms;  /* a longer Retry-After ends the request;
				     default 300000 */
	const char *store_dir;    /* response store, or NULL */
	enum llm_store_mode store_mode; /* default LLM_STORE_USE (needs store_dir) */
	const char *down_dir;     /* where endpoints that refused, could not be
				     resolved or timed out are remembered as
				     down (cache_down.h), or NULL */
	long down_for_s;          /* for this long; 0: not remembered */
};

void llm_options_init(struct llm_options *o);

/*
 * Answer the n requests: replay from the store what it holds, send the rest
 * at once, retry as described above, store each new success.  res[0..n) are
 * initialized here; the caller releases them.  Returns the number of
 * successes (res[i].err == LLM_OK).  Never fails as a whole: every problem is
 * in its result (and logged).
 */
int llm_batch(const struct llm_options *o, const struct llm_request *req,
	      struct llm_result *res, size_t n);
/* One request: llm_batch() of one.  Returns 0 on success, else -1. */
int llm_complete(const struct llm_options *o, const struct llm_request *req,
		 struct llm_result *res);

#endif
