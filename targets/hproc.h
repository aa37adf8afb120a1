#ifndef ACCC_HPROC_H
#define ACCC_HPROC_H
/*
 * The judge's side of one harness process (reference or candidate): start
 * it sandboxed with the private channel as its fd 3, send commands, read
 * replies with deadlines, and find out how it died when it does.  Nothing
 * the process prints on stdout/stderr is read here (it goes to a capped
 * file in its scratch folder).
 */
#include "rt/proto.h"
#include "run.h"
#include "sandbox.h"
#include "strbuf.h"

#include <sys/uio.h>

struct hproc {
	struct child child;
	struct sandbox sb;
	int fd;                 /* our end of the channel, -1 when closed */
	const char *what;       /* "reference", "candidate" (for messages) */
	struct hp_ready ready;
	size_t nbuf;
	uint64_t layout[2 * 64];/* base[], bytes[] of the last call (first 64 buffers) */
	int running;
	/* after a failed command */
	int has_fault, has_syscall, timed_out, exited, protocol_error;
	struct hp_fault fault;
	struct hp_syscall sys;
	struct strbuf errmsg;   /* HP_R_ERROR text */
	int code;               /* exit code as child_finish reports it */
};

enum hproc_status {
	HPROC_OK = 0,
	HPROC_DIED = -1,        /* fault, refused system call, exit, error */
	HPROC_TIMEOUT = -2,     /* killed at the deadline */
	HPROC_PROTOCOL = -3,    /* garbage on the channel */
};

struct hproc_start_opts {
	const char *exe;
	const char *scratch;    /* absolute; cwd, stdout/stderr file */
	int cpu;                /* pin; < 0 none */
	unsigned long long mem; /* RLIMIT_AS; 0 none */
	long cpu_s;             /* RLIMIT_CPU */
	long wall_ms;           /* whole-life wall limit */
	int no_seccomp;         /* the harness skips its system-call filter */
	int gpu;                /* may open the NVIDIA device files (cuda target) */
	const char *valgrind;   /* non-NULL: run under `valgrind --tool=callgrind` ... */
	const char *const *valgrind_args;
};

/* Start and wait for READY (checking nparam/nbuf).  Returns 0 or -1 (logged). */
int hproc_start(struct hproc *h, const struct hproc_start_opts *o, size_t nparam,
		size_t nbuf);
/*
 * Send one command, wait for reply type `want` (a LAYOUT before it is
 * recorded) into `reply` (reset first, at most max_len bytes).  Returns
 * enum hproc_status; on failure the process is gone and the fields say why.
 */
int hproc_cmd(struct hproc *h, uint32_t type, const struct iovec *iov, int niov,
	      uint32_t want, struct strbuf *reply, uint64_t max_len, double timeout_s);
/* Ask it to quit, wait up to `ms` for it to exit by itself (valgrind
 * writes its results then), then make sure the whole group is gone. */
void hproc_stop_wait(struct hproc *h, long ms);
void hproc_stop(struct hproc *h);
/* Threads of the process (from /proc), or -1. */
int hproc_threads(const struct hproc *h);
/* Describe a fault against the last layout: "write past the end of 'y'".
 * names[b] is the name of buffer b. */
void hproc_describe(struct strbuf *out, const struct hproc *h, const char *const *names,
		    const unsigned *elem_size);

#endif
