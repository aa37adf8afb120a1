#include "config.h"
#include "log.h"
#include "strbuf.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct config_key config_keys[] = {
	{ .name = "cc", .def = "cc",
	  .help = "the real compiler when accc is called without one" },
	{ .name = "mode", .def = "optimize", .choices = "off|cached|optimize",
	  .help = "off | cached | optimize" },
	{ .name = "strict", .def = "false",
	  .help = "fail the compile instead of falling back when accc's machinery fails" },
	{ .name = "dir", .def = NULL,
	  .help = "local cache directory ($XDG_CACHE_HOME/accc or ~/.cache/accc)" },
	{ .name = "max_size", .def = "2G",
	  .help = "size limit of the local cache (k, M, G suffixes)" },
	{ .name = "remote", .def = "",
	  .help = "team caches: space-separated URLs, each with optional |read-only|connect-timeout=MS|timeout=MS" },
	{ .name = "connect_timeout", .def = "500",
	  .help = "remote cache connect timeout, milliseconds" },
	{ .name = "transfer_timeout", .def = "5000",
	  .help = "remote cache transfer timeout, milliseconds" },
	{ .name = "down_for", .def = "60",
	  .help = "seconds every accc process skips a server (LLM endpoint, remote) that refused, was not found or timed out (0: only the failing process)" },
	{ .name = "signing_key", .def = "", .flags = CONFIG_SECRET,
	  .help = "HMAC key signing cache entries (secret)" },
	{ .name = "require_signature", .def = "false",
	  .help = "refuse unsigned or badly signed remote entries" },
	{ .name = "verify", .def = "remote", .choices = "remote|always|never",
	  .help = "re-check entries on this machine before first use: remote | always | never" },
	{ .name = "models", .def = "builtin::tuner",
	  .help = "provider::model list for planning and coding (empty: builtin::tuner)" },
	{ .name = "plan_models", .def = "",
	  .help = "models that plan (default: models)" },
	{ .name = "code_models", .def = "",
	  .help = "models that write code (default: models)" },
	{ .name = "iterations", .def = "4", .help = "search iterations" },
	{ .name = "beam", .def = "4", .help = "beam width" },
	{ .name = "plans", .def = "4", .help = "plans per beam member and iteration" },
	{ .name = "samples", .def = "2", .help = "implementations per plan" },
	{ .name = "dropout", .def = "0.7", .help = "probability of dropping a menu item from a plan prompt" },
	{ .name = "seed", .def = "0", .help = "fixed seed for dropout and order (0: random)" },
	{ .name = "accept", .def = "strict", .choices = "strict|autocomp",
	  .help = "strict (a child must beat its parent beyond noise) | autocomp (10% slack in iterations 1-2)" },
	{ .name = "patience", .def = "2",
	  .help = "stop a search after this many iterations in a row without a gain beyond the noise floor (0: never; builtin::tuner alone: 1)" },
	{ .name = "max_calls", .def = "0", .help = "LLM requests per kernel search (0: no limit)" },
	{ .name = "max_tokens", .def = "0", .help = "tokens per kernel search (0: no limit)" },
	{ .name = "max_wall", .def = "600", .help = "seconds per kernel search (0: no limit)" },
	{ .name = "metric", .def = "time", .choices = "time|instructions", .help = "time | instructions (valgrind: deterministic, for CI)" },
	{ .name = "prompts_dir", .def = "", .help = "prompt folders, one per target (default: "
	  "../share/accc/prompts next to the binary)" },
	{ .name = "llm_timeout", .def = "600000", .help = "LLM request timeout, milliseconds" },
	{ .name = "llm_connect_timeout", .def = "10000", .help = "LLM connect timeout, milliseconds" },
	{ .name = "llm_concurrency", .def = "8", .help = "LLM requests in flight per provider" },
	{ .name = "llm_retries", .def = "4", .help = "retries of a failed LLM request" },
	{ .name = "jobs", .def = "0", .help = "parallel builds and searches (0: online CPUs)" },
	{ .name = "quiet", .def = "false", .help = "no progress line on a terminal" },
	{ .name = NULL },
};

struct config_value {
	char *value;
	char *origin;
};

static struct config_value *values;
static size_t nr_keys;
static struct strbuf problems = STRBUF_INIT;

static long key_index(const char *name)
{
	size_t i;

	for (i = 0; config_keys[i].name; i++)
		if (!strcmp(config_keys[i].name, name))
			return (long)i;
	return -1;
}

static void set_value(size_t i, const char *value, const char *origin)
{
	free(values[i].value);
	free(values[i].origin);
	values[i].value = xstrdup(value);
	values[i].origin = xstrdup(origin);
}

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	va_list ap;
	size_t start = problems.len;

	va_start(ap, fmt);
	strbuf_vaddf(&problems, fmt, ap);
	va_end(ap);
	log_msg("config: %s", problems.buf + start);
	strbuf_addch(&problems, '\n');
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void load_file(const char *path, int must_exist)
{
	struct strbuf sb = STRBUF_INIT;
	char *line, *next;
	int lineno = 0;

	if (strbuf_read_file(&sb, path, 1 << 20) < 0) {
		if (must_exist || errno != ENOENT)
			problem("cannot read config file '%s': %s", path, strerror(errno));
		goto out;
	}
	for (line = sb.buf; line; line = next) {
		char *eq, *key, *val, *origin;
		long i;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (strchr(line, '#'))
			*strchr(line, '#') = '\0';
		key = trim(line);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			problem("%s:%d: expected 'key = value'", path, lineno);
			continue;
		}
		*eq = '\0';
		val = trim(eq + 1);
		key = trim(key);
		i = key_index(key);
		if (i < 0) {
			problem("%s:%d: unknown key '%s'", path, lineno, key);
			continue;
		}
		origin = xstrfmt("%s:%d", path, lineno);
		set_value((size_t)i, val, origin);
		free(origin);
	}
out:
	strbuf_release(&sb);
}

/* A value outside a key's choices is a problem; the default stays. */
static void check_choice(size_t i)
{
	const char *c = config_keys[i].choices, *v = values[i].value;
	size_t n = strlen(v);

	while (c) {
		if (!strncmp(c, v, n) && (c[n] == '|' || !c[n]))
			return;
		c = strchr(c, '|');
		if (c)
			c++;
	}
	if (!config_keys[i].choices)
		return;
	problem("%s: bad value '%s' for '%s' (one of %s), using '%s'", values[i].origin,
		v, config_keys[i].name, config_keys[i].choices, config_keys[i].def);
	set_value(i, config_keys[i].def, "default");
}

static void env_name(struct strbuf *sb, const char *key)
{
	strbuf_addstr(sb, "ACCC_");
	for (; *key; key++)
		strbuf_addch(sb, toupper((unsigned char)*key));
}

static void set_computed_defaults(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *dir;

	if (xdg && *xdg)
		dir = xstrfmt("%s/accc", xdg);
	else
		dir = xstrfmt("%s/.cache/accc", home && *home ? home : "/tmp");
	set_value((size_t)key_index("dir"), dir, "default");
	free(dir);
}

void config_load(void)
{
	struct strbuf sb = STRBUF_INIT;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	const char *file;
	size_t i;

	if (values)
		return;
	for (nr_keys = 0; config_keys[nr_keys].name; nr_keys++)
		;
	values = xcalloc(nr_keys, sizeof(*values));
	for (i = 0; i < nr_keys; i++)
		if (config_keys[i].def)
			set_value(i, config_keys[i].def, "default");
	set_computed_defaults();

	if (xdg && *xdg)
		strbuf_addf(&sb, "%s/accc/accc.conf", xdg);
	else if (home && *home)
		strbuf_addf(&sb, "%s/.config/accc/accc.conf", home);
	if (sb.len)
		load_file(sb.buf, 0);
	file = getenv("ACCC_CONFIG");
	if (file && *file)
		load_file(file, 1);
	for (i = 0; i < nr_keys; i++) {
		const char *v;
		strbuf_reset(&sb);
		env_name(&sb, config_keys[i].name);
		v = getenv(sb.buf);
		if (v)
			set_value(i, v, sb.buf);
		check_choice(i);
	}
	strbuf_release(&sb);
}

static size_t must_index(const char *name)
{
	long i;

	config_load();
	i = key_index(name);
	if (i < 0)
		BUG("unknown config key '%s'", name);
	return (size_t)i;
}

/* must_index() may load the values: call it before reading `values`. */
const char *config_get(const char *name)
{
	size_t i = must_index(name);
	return values[i].value;
}

const char *config_origin(const char *name)
{
	size_t i = must_index(name);
	return values[i].origin;
}

const char *config_problems(void)
{
	config_load();
	return problems.buf;
}

int config_parse_size(const char *s, long long *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno || v < 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	case 't': case 'T': v <<= 40; end++; break;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B')
		end++;
	if (*end)
		return -1;
	*ret = v;
	return 0;
}

int config_parse_bool(const char *s, int *ret)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off", "" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		if (!strcasecmp(s, yes[i]))
			return *ret = 1, 0;
	for (i = 0; i < sizeof(no) / sizeof(*no); i++)
		if (!strcasecmp(s, no[i]))
			return *ret = 0, 0;
	return -1;
}

static void bad_value(size_t i)
{
	problem("%s: bad value '%s' for '%s', using '%s'", values[i].origin,
		values[i].value, config_keys[i].name,
		config_keys[i].def ? config_keys[i].def : "");
}

long config_get_long(const char *name)
{
	size_t i = must_index(name);
	char *end;
	long v;

	errno = 0;
	v = strtol(values[i].value, &end, 10);
	if (end == values[i].value || *end || errno) {
		bad_value(i);
		v = config_keys[i].def ? strtol(config_keys[i].def, NULL, 10) : 0;
	}
	return v;
}

double config_get_double(const char *name)
{
	size_t i = must_index(name);
	char *end;
	double v;

	errno = 0;
	v = strtod(values[i].value, &end);
	if (end == values[i].value || *end || errno) {
		bad_value(i);
		v = config_keys[i].def ? strtod(config_keys[i].def, NULL) : 0;
	}
	return v;
}

long long config_get_size(const char *name)
{
	size_t i = must_index(name);
	long long v = 0;

	if (config_parse_size(values[i].value, &v) < 0) {
		bad_value(i);
		if (config_keys[i].def)
			config_parse_size(config_keys[i].def, &v);
	}
	return v;
}

int config_get_bool(const char *name)
{
	size_t i = must_index(name);
	int v = 0;

	if (config_parse_bool(values[i].value, &v) < 0) {
		bad_value(i);
		if (config_keys[i].def)
			config_parse_bool(config_keys[i].def, &v);
	}
	return v;
}
