#ifndef ACCC_LOG_H
#define ACCC_LOG_H
/*
 * Logging and the two lower error tiers (die() lives in driver/ only).
 *
 * A compiler's stderr belongs to the user, so everything here is silent by
 * default: messages go to the file named by ACCC_LOGFILE (opened lazily,
 * appended with one write per line so that parallel builds interleave whole
 * lines).  Subcommands that talk to a person call log_set_stderr(1) so that
 * error() and warning() also print "accc: error: ..." on stderr.
 */
#include <stdarg.h>

void log_set_stderr(int on);
int log_enabled(void);
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs "error: ..." and returns -1, for `return error("...")`. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The first warning of this process, or NULL (the compile path shows it
 * as its one line on stderr). */
const char *log_first_warning(void);
/* A broken invariant inside accc: message on stderr, then abort(). */
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void bug_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ACCC_TRACE=1: print every command accc runs on stderr (for debugging). */
int trace_enabled(void);
void trace_argv(const char *what, const char *const *argv);

#endif
