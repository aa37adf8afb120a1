#include "fs.h"
#include "log.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int mkdir_p(const char *path, int mode)
{
	char *tmp = xstrdup(path);
	char *p;
	int ret = 0;

	for (p = tmp + 1; ; p++) {
		if (*p == '/' || !*p) {
			char saved = *p;
			*p = '\0';
			if (mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST) {
				ret = error("cannot create directory '%s': %s", tmp,
					    strerror(errno));
				break;
			}
			*p = saved;
			if (!saved)
				break;
		}
	}
	free(tmp);
	return ret;
}

int rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : error("cannot stat '%s': %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0 && errno != ENOENT)
			return error("cannot remove '%s': %s", path, strerror(errno));
		return 0;
	}
	d = opendir(path);
	if (!d)
		return error("cannot open directory '%s': %s", path, strerror(errno));
	while ((de = readdir(d))) {
		char *sub;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = xstrfmt("%s/%s", path, de->d_name);
		if (rm_rf(sub) < 0)
			ret = -1;
		free(sub);
	}
	closedir(d);
	if (rmdir(path) < 0 && errno != ENOENT)
		ret = error("cannot remove directory '%s': %s", path, strerror(errno));
	return ret;
}

int make_tmpdir(struct strbuf *ret_dir, const char *what)
{
	const char *tmp = getenv("TMPDIR");
	size_t start = ret_dir->len;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	strbuf_addf(ret_dir, "%s/accc-%s-XXXXXX", tmp, what);
	if (!mkdtemp(ret_dir->buf + start)) {
		int e = errno;
		strbuf_setlen(ret_dir, start);
		return error("cannot create a temporary directory in '%s': %s", tmp,
			     strerror(e));
	}
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int ret = 0;

	if (fd < 0)
		return error("cannot write '%s': %s", path, strerror(errno));
	if (write_all(fd, data, len) < 0)
		ret = error("cannot write '%s': %s", path, strerror(errno));
	if (close(fd) < 0 && !ret)
		ret = error("cannot write '%s': %s", path, strerror(errno));
	return ret;
}

int write_file_atomic(const char *path, const void *data, size_t len, int mode)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd, ret = -1;

	strbuf_addf(&tmp, "%s.tmp.XXXXXX", path);
	fd = mkostemp(tmp.buf, O_CLOEXEC);
	if (fd < 0) {
		error("cannot create '%s': %s", tmp.buf, strerror(errno));
		goto out;
	}
	if (write_all(fd, data, len) < 0 || fchmod(fd, (mode_t)mode) < 0) {
		error("cannot write '%s': %s", tmp.buf, strerror(errno));
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp.buf, path) < 0) {
		error("cannot rename '%s' to '%s': %s", tmp.buf, path, strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&tmp);
	return ret;
}

void path_basename(struct strbuf *sb, const char *path)
{
	const char *slash = strrchr(path, '/');
	strbuf_addstr(sb, slash ? slash + 1 : path);
}

void path_dirname(struct strbuf *sb, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		strbuf_addch(sb, '.');
	else if (slash == path)
		strbuf_addch(sb, '/');
	else
		strbuf_add(sb, path, (size_t)(slash - path));
}

void path_absolute(struct strbuf *sb, const char *path)
{
	char *cwd;

	if (path[0] == '/') {
		strbuf_addstr(sb, path);
		return;
	}
	cwd = getcwd(NULL, 0);
	if (!cwd) {
		strbuf_addstr(sb, path);
		return;
	}
	strbuf_addstr(sb, cwd);
	if (strcmp(cwd, "/"))
		strbuf_addch(sb, '/');
	strbuf_addstr(sb, path);
	free(cwd);
}

int find_in_path(struct strbuf *ret, const char *name, const char *path_list,
		 int (*skip)(const char *candidate, void *data), void *data)
{
	struct strbuf cand = STRBUF_INIT;
	const char *p, *end;
	int found = -1;

	if (!path_list)
		path_list = getenv("PATH");
	if (!path_list)
		path_list = "/usr/local/bin:/usr/bin:/bin";
	for (p = path_list; found < 0; p = end + 1) {
		struct stat st;
		end = strchrnul(p, ':');
		strbuf_reset(&cand);
		if (end == p)
			strbuf_addch(&cand, '.');
		else
			strbuf_add(&cand, p, (size_t)(end - p));
		strbuf_addf(&cand, "/%s", name);
		if (!stat(cand.buf, &st) && S_ISREG(st.st_mode) &&
		    !access(cand.buf, X_OK) && !(skip && skip(cand.buf, data))) {
			strbuf_add(ret, cand.buf, cand.len);
			found = 0;
		}
		if (!*end)
			break;
	}
	strbuf_release(&cand);
	return found;
}
