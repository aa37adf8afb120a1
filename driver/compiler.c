#include "compiler.h"
#include "config.h"
#include "fs.h"
#include "log.h"
#include "xalloc.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The kernel names this binary by its canonical path already: one readlink,
 * not realpath()'s one per component. */
static char *self_real(void)
{
	static char *self;
	char buf[PATH_MAX];
	ssize_t n;

	if (self)
		return self;
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0 && buf[0] == '/') {
		buf[n] = '\0';
		self = xstrdup(buf);
	} else
		self = realpath("/proc/self/exe", NULL);
	return self;
}

void self_dir(struct strbuf *ret)
{
	const char *self = self_real();
	path_dirname(ret, self ? self : ".");
}

/* A folder with something in it (an empty one is no prompts folder). */
static int is_full_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int full = 0;

	while (d && !full && (de = readdir(d)))
		full = de->d_name[0] != '.';
	if (d)
		closedir(d);
	return full;
}

const char *prompts_dir(void)
{
	static struct strbuf dir = STRBUF_INIT;
	const char *set = config_get("prompts_dir");

	if (*set)
		return set;
	if (!dir.len) {
		self_dir(&dir);
		strbuf_addstr(&dir, "/../share/accc/prompts");
		if (!is_full_dir(dir.buf) && is_full_dir(ACCC_PROMPTS_DIR)) {
			strbuf_reset(&dir);
			strbuf_addstr(&dir, ACCC_PROMPTS_DIR);
		}
	}
	return dir.buf;
}

int compiler_is_accc(const char *path)
{
	char *real = realpath(path, NULL);
	const char *self = self_real(), *base;
	int same;

	if (!real)
		return 0;
	base = strrchr(real, '/');
	base = base ? base + 1 : real;
	same = (self && !strcmp(real, self)) || !strcmp(base, "accc") ||
	       !strcmp(base, "accc-core");
	free(real);
	return same;
}

static int skip_accc(const char *candidate, void *data)
{
	(void)data;
	return compiler_is_accc(candidate);
}

/* Find `name` (a path or a PATH name) that is not accc. */
static int find_compiler(const char *name, struct strbuf *ret)
{
	if (strchr(name, '/')) {
		if (access(name, X_OK) < 0 || compiler_is_accc(name))
			return -1;
		strbuf_addstr(ret, name);
		return 0;
	}
	return find_in_path(ret, name, NULL, skip_accc, NULL);
}

static int is_subcommand_like(const char *a)
{
	return a[0] == '-';
}

int compiler_resolve(int argc, const char *const *argv, const char *plain_cc,
		     struct invocation *ret)
{
	struct strbuf base = STRBUF_INIT;
	int i = 1, r;

	path_basename(&base, argv[0]);
	if (!starts_with(base.buf, "accc")) {
		ret->kind = INVOKE_MASQUERADE;
		ret->args_start = 1;
		r = find_compiler(base.buf, &ret->cc);
		if (r < 0)
			strbuf_addstr(&ret->cc, base.buf);
		strbuf_release(&base);
		return r;
	}
	strbuf_release(&base);

	/* `accc accc gcc`, `accc /path/to/accc gcc`: skip ourselves */
	while (i < argc && !is_subcommand_like(argv[i]) &&
	       (!strcmp(argv[i], "accc") || (strchr(argv[i], '/') &&
					     compiler_is_accc(argv[i]))))
		i++;
	if (i < argc && !is_subcommand_like(argv[i]) && !ends_with(argv[i], ".c") &&
	    !find_compiler(argv[i], &ret->cc)) {
		ret->kind = INVOKE_PREFIX;
		ret->args_start = i + 1;
		return 0;
	}
	ret->kind = INVOKE_PLAIN;
	ret->args_start = i;
	strbuf_reset(&ret->cc);
	if (find_compiler(plain_cc, &ret->cc) < 0) {
		strbuf_addstr(&ret->cc, plain_cc);
		return -1;
	}
	return 0;
}

void invocation_release(struct invocation *inv)
{
	strbuf_release(&inv->cc);
}
