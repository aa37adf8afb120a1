#include "log.h"
#include "strbuf.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -2; /* -2: not opened yet, -1: logging off */
static int to_stderr;

void log_set_stderr(int on)
{
	to_stderr = on;
}

static int log_open(void)
{
	const char *path;

	if (log_fd != -2)
		return log_fd;
	path = getenv("ACCC_LOGFILE");
	log_fd = -1;
	if (path && *path)
		log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	return log_fd;
}

int log_enabled(void)
{
	return log_open() >= 0;
}

static void log_line(const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	struct timespec ts;

	if (log_open() < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	strbuf_addf(&sb, "[%lld.%06ld %d] %s", (long long)ts.tv_sec,
		    ts.tv_nsec / 1000, (int)getpid(), prefix);
	strbuf_vaddf(&sb, fmt, ap);
	strbuf_addch(&sb, '\n');
	if (write(log_fd, sb.buf, sb.len) < 0) {
		/* nowhere left to report it */
	}
	strbuf_release(&sb);
}

void log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("", fmt, ap);
	va_end(ap);
}

static void report(const char *kind, const char *fmt, va_list ap)
{
	va_list cp;

	va_copy(cp, ap);
	log_line(kind, fmt, cp);
	va_end(cp);
	if (to_stderr) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "accc: %s", kind);
		strbuf_vaddf(&sb, fmt, ap);
		strbuf_addch(&sb, '\n');
		fwrite(sb.buf, 1, sb.len, stderr);
		strbuf_release(&sb);
	}
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

static struct strbuf first_warning = STRBUF_INIT;

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!first_warning.len) {
		va_list cp;
		va_copy(cp, ap);
		strbuf_vaddf(&first_warning, fmt, cp);
		va_end(cp);
	}
	report("warning: ", fmt, ap);
	va_end(ap);
}

const char *log_first_warning(void)
{
	return first_warning.len ? first_warning.buf : NULL;
}

void bug_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "accc: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int trace_enabled(void)
{
	static int on = -1;
	if (on < 0) {
		const char *v = getenv("ACCC_TRACE");
		on = v && *v && strcmp(v, "0");
	}
	return on;
}

void trace_argv(const char *what, const char *const *argv)
{
	struct strbuf sb = STRBUF_INIT;

	if (!trace_enabled() && !log_enabled())
		return;
	for (; *argv; argv++) {
		strbuf_addch(&sb, ' ');
		strbuf_addquoted(&sb, *argv);
	}
	if (trace_enabled())
		fprintf(stderr, "accc: trace: %s:%s\n", what, sb.buf);
	log_msg("%s:%s", what, sb.buf);
	strbuf_release(&sb);
}
