#ifndef ACCC_SANDBOX_H
#define ACCC_SANDBOX_H
/*
 * The sandbox every candidate build and run goes through (EVALUATION.md,
 * "Isolation").  sandbox_apply() turns a struct child into a sandboxed one:
 *
 * - its own process group, killed as a whole at the child's timeout (run.c);
 *   the parent's death kills it too (PR_SET_PDEATHSIG);
 * - rlimits: CPU time, address space, file size, open files, processes
 *   (not enforced by Linux for root), core dumps off;
 * - no network: a fresh network namespace (CAP_SYS_ADMIN, or an
 *   unprivileged user namespace); where neither is permitted, a seccomp
 *   filter refusing every socket but AF_UNIX, plus Landlock's TCP rules;
 * - no writes outside the scratch folder (its cwd, $TMPDIR and $HOME):
 *   Landlock (Linux >= 5.13) read-only everywhere else, and Landlock
 *   signal scoping where the kernel has it (ABI >= 6);
 * - a scrubbed environment: PATH, LC_ALL=C, TMPDIR and HOME only;
 * - every inherited descriptor closed except 0, 1, 2 and, when given, the
 *   private channel, which becomes fd 3.
 * What this machine can enforce is probed once (sandbox_probe); a mechanism
 * the probe found that then fails in the child aborts the exec (exit 127),
 * so nothing runs with less isolation than sandbox_describe() reports.
 * Harness runs add their own seccomp filter (see rt/harness_rt.c).
 */
#include "run.h"
#include "strbuf.h"

enum sandbox_net {
	SB_NET_NONE = 0,    /* nothing available: network not blocked */
	SB_NET_NETNS,       /* unshare(CLONE_NEWNET) */
	SB_NET_USERNS,      /* unshare(CLONE_NEWUSER | CLONE_NEWNET) */
	SB_NET_FILTER,      /* seccomp: socket() only for AF_UNIX */
};

struct sandbox_caps {
	enum sandbox_net net;
	int landlock_abi;    /* 0: no Landlock */
	int seccomp;         /* seccomp filters can be installed */
};

/* Probe once per process (forks a short-lived child). */
const struct sandbox_caps *sandbox_probe(void);
/* Append one line: "net=netns fs=landlock(abi 7) ...". */
void sandbox_describe(struct strbuf *out);

struct sandbox {
	const char *scratch;     /* absolute; the only writable place */
	int chan_fd;             /* becomes fd 3 in the child; -1: none */
	long cpu_s;              /* RLIMIT_CPU; 0: unlimited */
	unsigned long long mem;  /* RLIMIT_AS bytes; 0: unlimited */
	unsigned long long fsize;/* RLIMIT_FSIZE bytes; 0: unlimited */
	int nofile;              /* RLIMIT_NOFILE; 0: 64 */
	int nproc;               /* RLIMIT_NPROC; 0: unlimited */
	int cpu;                 /* pin to this CPU; < 0: no pinning */
	int allow_dev_null;      /* /dev/null writable (compilers) */
	int allow_gpu;           /* a CUDA run: no Landlock (see sandbox.c) */

	/* filled by sandbox_apply; used by the child before exec */
	struct sandbox_caps caps;
	char path_env[4096];
};

#define SANDBOX_INIT { NULL, -1, 0, 0, 0, 0, 0, -1, 0, 0, { 0, 0, 0 }, { 0 } }

/*
 * Make `c` run inside `sb` (which must outlive the child's start): sets the
 * clean environment, cwd, process group and the setup callback; the caller
 * sets args, timeout, stdio.  Returns 0, or -1 when sb->scratch is missing.
 */
int sandbox_apply(struct sandbox *sb, struct child *c);

#endif
