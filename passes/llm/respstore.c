#include "respstore.h"
#include "cache_key.h"
#include "fs.h"
#include "llm_int.h"
#include "log.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>
#include <time.h>

void respstore_key(const struct llm_request *req, const char *debug_path,
		   char ret_hex[33])
{
	const struct llm_model *m = req->model;
	struct key_builder kb;
	struct strbuf temp = STRBUF_INIT;

	if (debug_path)
		key_init_debug(&kb, debug_path);
	else
		key_init(&kb);
	key_addf(&kb, "kind", "llm-response.%d", RESPSTORE_VERSION);
	key_addstr(&kb, "provider", m->provider->name);
	key_addstr(&kb, "model", m->name);
	key_addstr(&kb, "base", m->base_shown ? m->base_shown : "");
	if (req->system)
		key_addstr(&kb, "system", req->system);
	key_addstr(&kb, "prompt", req->prompt);
	llm_addtemp(&temp, req->temperature);
	key_add(&kb, "temperature", temp.buf, temp.len);
	key_addf(&kb, "max-tokens", "%d", req->max_tokens);
	key_addf(&kb, "sample", "%d", req->sample);
	key_final(&kb, ret_hex);
	strbuf_release(&temp);
}

static void entry_path(struct strbuf *sb, const char *dir, const char *key)
{
	strbuf_addf(sb, "%s/%.2s/%s.json", dir, key, key);
}

static const char *json_str(const cJSON *obj, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static double json_num(const cJSON *obj, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	return cJSON_IsNumber(it) ? it->valuedouble : 0;
}

int respstore_get(const char *dir, const char *key, struct llm_result *res)
{
	struct strbuf path = STRBUF_INIT, data = STRBUF_INIT;
	cJSON *root = NULL;
	const char *format, *text, *s;
	int ret = -1;

	entry_path(&path, dir, key);
	if (strbuf_read_file(&data, path.buf, RESPSTORE_CAP) < 0) {
		if (errno == ENOENT)
			ret = 0;
		else
			error("cannot read stored answer '%s': %s", path.buf, strerror(errno));
		goto out;
	}
	root = cJSON_ParseWithLength(data.buf, data.len);
	format = json_str(root, "format");
	text = json_str(root, "text");
	s = json_str(root, "key");
	if (!format || strcmp(format, "accc-response") || !text || !s || strcmp(s, key) ||
	    json_num(root, "version") != RESPSTORE_VERSION) {
		error("stored answer '%s' is corrupt or of another version", path.buf);
		goto out;
	}
	res->err = LLM_OK;
	res->text = xstrdup(text);
	if ((s = json_str(root, "finish_reason")))
		res->finish_reason = xstrdup(s);
	if ((s = json_str(root, "response_id")))
		res->response_id = xstrdup(s);
	res->truncated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "truncated"));
	res->tokens_in = (long)json_num(root, "tokens_in");
	res->tokens_out = (long)json_num(root, "tokens_out");
	res->latency_s = json_num(root, "latency_s");
	res->from_store = 1;
	ret = 1;
out:
	cJSON_Delete(root);
	strbuf_release(&path);
	strbuf_release(&data);
	return ret;
}

static void add_str(cJSON *obj, const char *name, const char *value)
{
	if (value)
		cJSON_AddStringToObject(obj, name, value);
	else
		cJSON_AddNullToObject(obj, name);
}

int respstore_put(const char *dir, const char *key, const struct llm_request *req,
		  const struct llm_result *res)
{
	struct strbuf path = STRBUF_INIT, temp = STRBUF_INIT;
	cJSON *root = cJSON_CreateObject();
	char *text = NULL;
	int ret = -1;

	if (res->err != LLM_OK || !res->text)
		BUG("storing a failed answer");
	llm_addtemp(&temp, req->temperature);
	add_str(root, "format", "accc-response");
	cJSON_AddNumberToObject(root, "version", RESPSTORE_VERSION);
	add_str(root, "key", key);
	add_str(root, "provider", req->model->provider->name);
	add_str(root, "model", req->model->name);
	add_str(root, "base", req->model->base_shown);
	cJSON_AddNumberToObject(root, "sample", req->sample);
	add_str(root, "temperature", temp.buf);
	cJSON_AddNumberToObject(root, "max_tokens", req->max_tokens);
	add_str(root, "text", res->text);
	add_str(root, "finish_reason", res->finish_reason);
	cJSON_AddBoolToObject(root, "truncated", res->truncated);
	cJSON_AddNumberToObject(root, "tokens_in", (double)res->tokens_in);
	cJSON_AddNumberToObject(root, "tokens_out", (double)res->tokens_out);
	add_str(root, "response_id", res->response_id);
	cJSON_AddNumberToObject(root, "latency_s", res->latency_s);
	cJSON_AddNumberToObject(root, "created", (double)time(NULL));
	text = cJSON_PrintUnformatted(root);
	if (!text) {
		error("cannot encode the answer for key '%s'", key);
		goto out;
	}
	strbuf_addf(&path, "%s/%.2s", dir, key);
	if (mkdir_p(path.buf, 0755) < 0)
		goto out;
	strbuf_reset(&path);
	entry_path(&path, dir, key);
	ret = write_file_atomic(path.buf, text, strlen(text), 0644);
out:
	cJSON_free(text);
	cJSON_Delete(root);
	strbuf_release(&path);
	strbuf_release(&temp);
	return ret;
}
