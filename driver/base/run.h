#ifndef ACCC_RUN_H
#define ACCC_RUN_H
/*
 * The one subprocess API (after git's run-command).  Fill a struct child,
 * then child_run() (start + finish), or child_capture() to collect its
 * output; child_release() frees what the struct owns.  Every command is
 * printed by ACCC_TRACE=1 and logged.  File descriptors accc opens are
 * close-on-exec, so the child sees only 0, 1, 2 as configured here.
 */
#include "strbuf.h"
#include "strvec.h"

#include <sys/resource.h>
#include <sys/types.h>

struct child {
	struct strvec args;  /* args.v[0] is looked up in PATH unless it has '/' */
	struct strvec env;   /* "NAME=value" sets, "NAME" unsets */
	int clean_env;       /* start from an empty environment, then env */
	const char *dir;     /* chdir here first, or NULL */
	int stdin_null;      /* stdin from /dev/null instead of inherited */
	int out_fd;          /* stdout goes here; -1 inherits (child_capture pipes) */
	int err_fd;          /* stderr goes here; -1 inherits */
	int new_pgroup;      /* own process group; a timeout kills the group */
	/* registered with cleanup.h while running: an interrupted accc takes
	 * the child (or its whole group) down with it */
	int cleanup_handle;
	long timeout_ms;     /* wall-clock limit, 0 = none */
	/* Run in the child after fork, before exec; nonzero aborts the exec
	 * (exit 127).  Async-signal-safe code only. */
	int (*setup)(void *data);
	void *setup_data;

	/* results */
	pid_t pid;
	int status;          /* raw wait status */
	int timed_out;
	struct rusage ru;
	double wall_s;
};

#define CHILD_INIT { .args = STRVEC_INIT, .env = STRVEC_INIT, .out_fd = -1, .err_fd = -1, \
		     .cleanup_handle = -1 }

void child_init(struct child *c);
void child_release(struct child *c);
/* Start the child; returns 0, or -1 (logged) when it cannot be started. */
int child_start(struct child *c);
/*
 * Wait for it (killing it at timeout_ms).  Returns the exit code, 128+signal
 * for a killed child, or -1 when it could not be waited for.  A program that
 * could not be executed exits 127.
 */
int child_finish(struct child *c);
int child_run(struct child *c);
/*
 * Run with stdout (and stderr unless err is NULL, when err_fd applies)
 * collected into the buffers, each capped at `cap` bytes (the excess is read
 * and dropped so the child never blocks).  Returns as child_finish().
 */
int child_capture(struct child *c, struct strbuf *out, struct strbuf *err,
		  size_t cap);

/* Exit code of a raw wait status, as a shell reports it. */
int wait_status_code(int status);
/* Monotonic clock in seconds. */
double now_s(void);

#endif
