#include "unitcopy.h"
#include "cleanup.h"
#include "fs.h"
#include "log.h"
#include "run.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The dependency file the compiler will write, or NULL. */
static char *dep_file_path(const struct compile_args *ca, const char *output)
{
	size_t i;
	struct strbuf sb = STRBUF_INIT;
	const char *dot, *slash;

	for (i = 0; i < ca->args.nr; i++) {
		const char *a = ca->args.v[i], *rest;
		if (skip_prefix(a, "-Wp,-MD,", &rest) || skip_prefix(a, "-Wp,-MMD,", &rest))
			return xstrdup(rest);
	}
	if (!ca->dep)
		return NULL;
	if (ca->dep_file)
		return xstrdup(ca->dep_file);
	dot = strrchr(output, '.');
	slash = strrchr(output, '/');
	if (dot && (!slash || dot > slash))
		strbuf_add(&sb, output, (size_t)(dot - output));
	else
		strbuf_addstr(&sb, output);
	strbuf_addstr(&sb, ".d");
	return strbuf_detach(&sb, NULL);
}

/* Name the original source in the dependency file, never the copy. */
static void fix_dep_file(const char *dep, const char *tmpsrc, const char *src)
{
	struct strbuf sb = STRBUF_INIT, esc = STRBUF_INIT;
	char *hit;
	size_t from = 0, tlen = strlen(tmpsrc);

	if (strbuf_read_file(&sb, dep, 64 << 20) < 0) {
		error("cannot read dependency file '%s': %s", dep, strerror(errno));
		goto out;
	}
	for (; *src; src++) {
		if (*src == ' ' || *src == '#')
			strbuf_addch(&esc, '\\');
		else if (*src == '$')
			strbuf_addch(&esc, '$');
		strbuf_addch(&esc, *src);
	}
	while ((hit = strstr(sb.buf + from, tmpsrc))) {
		size_t at = (size_t)(hit - sb.buf);
		strbuf_splice(&sb, at, tlen, esc.buf, esc.len);
		from = at + esc.len;
	}
	write_file(dep, sb.buf, sb.len);
out:
	strbuf_release(&sb);
	strbuf_release(&esc);
}

/* Default object name when there is no -o: basename with .o, in cwd. */
static char *default_output(const char *src);

char *unit_copy_output_name(const struct compile_args *ca)
{
	return ca->output ? xstrdup(ca->output) : default_output(ca->src);
}

static char *default_output(const char *src)
{
	struct strbuf sb = STRBUF_INIT;

	path_basename(&sb, src);
	if (ends_with(sb.buf, ".c"))
		strbuf_setlen(&sb, sb.len - 2);
	strbuf_addstr(&sb, ".o");
	return strbuf_detach(&sb, NULL);
}

/* Run the compiler on the copy (see unit_copy_compile); `syntax`: with
 * -fsyntax-only instead of -c and -o. */
static int compile_copy(struct unit_copy *u, int hold, int syntax)
{
	struct child c = CHILD_INIT;
	struct strbuf srcdir = STRBUF_INIT, out = STRBUF_INIT,
		      err = STRBUF_INIT;
	size_t i;
	int status;

	path_dirname(&srcdir, u->ca->src);
	strvec_push(&c.args, u->cc);
	if (!u->here) {
		strvec_push(&c.args, "-iquote");
		strvec_push(&c.args, srcdir.buf);
	}
	for (i = 0; i < u->ca->args.nr; i++) {
		const char *a = u->ca->args.v[i];
		if (syntax && i != u->ca->src_index && (!strcmp(a, "-c") || starts_with(a, "-o"))) {
			i += !strcmp(a, "-o");
			continue;
		}
		strvec_push(&c.args, i == u->ca->src_index ? u->tmpsrc.buf : a);
	}
	if (syntax)
		strvec_push(&c.args, "-fsyntax-only");
	else if (!u->ca->output) {
		strvec_push(&c.args, "-o");
		strvec_push(&c.args, u->output);
	}
	/* debug info names the source as the user wrote it */
	if (u->here)
		strvec_pushf(&c.args, "-fdebug-prefix-map=%s=%s", u->tmpsrc.buf, u->ca->src);
	else if (!strcmp(srcdir.buf, ".") && !strchr(u->ca->src, '/'))
		strvec_pushf(&c.args, "-fdebug-prefix-map=%s/=", u->tmpdir.buf);
	else
		strvec_pushf(&c.args, "-fdebug-prefix-map=%s=%s", u->tmpdir.buf, srcdir.buf);
	if (hold) {
		status = child_capture(&c, &out, &err, 16 << 20);
		u->quiet = !out.len && !err.len;
		if (!status || hold == UNIT_COPY_CAPTURE) {
			fwrite(out.buf, 1, out.len, stdout);
			fwrite(err.buf, 1, err.len, stderr);
		} else if (err.len)
			log_msg("variant compile failed:\n%s", err.buf);
	} else {
		status = child_run(&c);
	}
	child_release(&c);
	strbuf_release(&srcdir);
	strbuf_release(&out);
	strbuf_release(&err);
	return status;
}


int unit_copy_init(struct unit_copy *u, const char *cc, const struct compile_args *ca)
{
	memset(u, 0, sizeof(*u));
	u->cc = cc;
	u->ca = ca;
	u->cleanup_dir = u->cleanup_src = -1;
	strbuf_init(&u->tmpdir, 0);
	strbuf_init(&u->tmpsrc, 0);
	u->output = unit_copy_output_name(ca);
	if (make_tmpdir(&u->tmpdir, "compile") < 0)
		return -1;
	/*
	 * A source named without a folder: the copy goes next to it, so that
	 * quoted includes resolve as the compiler resolves them for the
	 * original ("q.h", not "./q.h" through an -iquote: in debug info,
	 * messages and dependency files alike).
	 */
	if (!strchr(ca->src, '/')) {
		int fd;
		strbuf_addf(&u->tmpsrc, ".accc-XXXXXX-%s", ca->src);
		fd = mkstemps(u->tmpsrc.buf, (int)strlen(ca->src) + 1);
		if (fd >= 0) {
			close(fd);
			u->here = 1;
		} else {
			strbuf_reset(&u->tmpsrc);
		}
	}
	if (!u->here) {
		strbuf_addf(&u->tmpsrc, "%s/", u->tmpdir.buf);
		path_basename(&u->tmpsrc, ca->src);
	}
	/* an interrupted build leaves nothing behind */
	u->cleanup_dir = cleanup_add_path(u->tmpdir.buf);
	u->cleanup_src = cleanup_add_path(u->tmpsrc.buf);
	return 0;
}

int unit_copy_compile(struct unit_copy *u, const char *text, size_t len, int hold)
{
	char *dep;
	int status;

	if (write_file(u->tmpsrc.buf, text, len) < 0)
		return -1;
	status = compile_copy(u, hold, 0);
	dep = dep_file_path(u->ca, u->output);
	if (dep && status == 0 && u->here) {
		/* the copy's name is the source's behind a unique prefix:
		 * dropping it also fixes a target named after the input */
		char *prefix = xstrndup(u->tmpsrc.buf, u->tmpsrc.len - strlen(u->ca->src));
		fix_dep_file(dep, prefix, "");
		free(prefix);
	} else if (dep && status == 0) {
		fix_dep_file(dep, u->tmpsrc.buf, u->ca->src);
	}
	free(dep);
	return status;
}

int unit_copy_check(struct unit_copy *u, const char *text, size_t len)
{
	if (write_file(u->tmpsrc.buf, text, len) < 0)
		return -1;
	/* held: nothing shown; what it would print, the full compile prints */
	if (compile_copy(u, UNIT_COPY_HOLD, 1) != 0 || !u->quiet)
		return -1;
	return 0;
}

void unit_copy_release(struct unit_copy *u)
{
	if (u->here)
		unlink(u->tmpsrc.buf);
	if (u->tmpdir.len)
		rm_rf(u->tmpdir.buf);
	cleanup_forget(u->cleanup_src);
	cleanup_forget(u->cleanup_dir);
	strbuf_release(&u->tmpdir);
	strbuf_release(&u->tmpsrc);
	free(u->output);
	u->output = NULL;
}
