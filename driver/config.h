#ifndef ACCC_CONFIG_H
#define ACCC_CONFIG_H
/*
 * Configuration: one table of keys (config.c) drives the file, the
 * environment and `accc config`.  Layers, later wins:
 *   defaults < ~/.config/accc/accc.conf (or $XDG_CONFIG_HOME/accc/accc.conf)
 *            < the file named by ACCC_CONFIG < ACCC_<KEY> variables.
 * A file holds `key = value` lines; '#' starts a comment.  A bad line is
 * logged and ignored: a broken config must never break a build.
 */

enum config_flag {
	CONFIG_SECRET = 1 << 0, /* never printed, never logged */
};

struct config_key {
	const char *name;
	const char *def;   /* NULL: computed at load time (see config.c) */
	unsigned flags;
	const char *choices; /* "a|b|c": the only values allowed, or NULL */
	const char *help;
};

extern const struct config_key config_keys[];

/* Load every layer once; later calls do nothing.  Problems are logged, and
 * kept for config_problems(). */
void config_load(void);
/* Effective value of a known key (never NULL); BUG() on an unknown key. */
const char *config_get(const char *name);
/* Where the value came from: "default", "FILE:LINE", or "ACCC_NAME". */
const char *config_origin(const char *name);
/* Typed views.  Bad values log a warning and yield the default's value. */
long config_get_long(const char *name);
double config_get_double(const char *name);
long long config_get_size(const char *name); /* 10k 500M 2G (powers of 1024) */
int config_get_bool(const char *name);       /* 1/0 true/false yes/no on/off */
/* Problems found while loading, one per line ("" when none). */
const char *config_problems(void);

/* Parse helpers, exposed for tests: 0 on success, -1 on a bad value. */
int config_parse_size(const char *s, long long *ret);
int config_parse_bool(const char *s, int *ret);

#endif
