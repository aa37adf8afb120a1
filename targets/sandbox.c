#include "sandbox.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Landlock, spelled out here because Debian 12's kernel headers predate the
 * network and scope fields (the kernel takes the struct size as the ABI).
 */
#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_FS_EXECUTE (1ull << 0)
#define LL_FS_WRITE_FILE (1ull << 1)
#define LL_FS_READ_FILE (1ull << 2)
#define LL_FS_READ_DIR (1ull << 3)
#define LL_FS_ABI1_ALL ((1ull << 13) - 1)
#define LL_FS_REFER (1ull << 13)
#define LL_FS_TRUNCATE (1ull << 14)
#define LL_FS_IOCTL_DEV (1ull << 15)
#define LL_NET_BIND_TCP (1ull << 0)
#define LL_NET_CONNECT_TCP (1ull << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ull << 0)
#define LL_SCOPE_SIGNAL (1ull << 1)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

static int probe_child(int flags)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return 0;
	if (pid == 0)
		_exit(unshare(flags) < 0 ? 1 : 0);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

const struct sandbox_caps *sandbox_probe(void)
{
	static struct sandbox_caps caps;
	static int done;
	long abi;

	if (done)
		return &caps;
	done = 1;
	if (probe_child(CLONE_NEWNET))
		caps.net = SB_NET_NETNS;
	else if (probe_child(CLONE_NEWUSER | CLONE_NEWNET))
		caps.net = SB_NET_USERNS;
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
	caps.landlock_abi = abi > 0 ? (int)abi : 0;
	caps.seccomp = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
	if (caps.net == SB_NET_NONE && caps.seccomp)
		caps.net = SB_NET_FILTER;
	log_msg("sandbox: net %d landlock %d seccomp %d", caps.net, caps.landlock_abi,
		caps.seccomp);
	return &caps;
}

void sandbox_describe(struct strbuf *out)
{
	static const char *const nets[] = { "none", "netns", "userns+netns",
					     "seccomp+landlock-tcp" };
	const struct sandbox_caps *c = sandbox_probe();

	strbuf_addf(out, "net=%s", nets[c->net]);
	if (c->landlock_abi)
		strbuf_addf(out, " fs=landlock(abi %d)", c->landlock_abi);
	else
		strbuf_addstr(out, " fs=scratch-cwd-only(not enforced)");
	strbuf_addf(out, " syscalls=%s", c->seccomp ? "seccomp" : "none");
	strbuf_addstr(out, " rlimits=cpu,as,fsize,nofile,nproc,core env=scrubbed");
	if (!geteuid())
		strbuf_addstr(out, " note=root(nproc-not-enforced)");
}

/* ---- in the child, between fork and exec: async-signal-safe only ---- */

static int set_limit(int res, unsigned long long v)
{
	struct rlimit rl;
	rl.rlim_cur = rl.rlim_max = (rlim_t)v;
	return setrlimit(res, &rl);
}

static int net_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { (unsigned short)(sizeof(f) / sizeof(f[0])), f };
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static int add_path(int ruleset, const char *path, uint64_t access)
{
	struct ll_path_beneath pb;
	int fd = open(path, O_PATH | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	pb.allowed_access = access;
	pb.parent_fd = fd;
	r = (int)syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &pb, 0);
	close(fd);
	return r;
}

static int landlock(const struct sandbox *sb)
{
	int abi = sb->caps.landlock_abi, rs, r = -1;
	struct ll_ruleset_attr attr = { 0, 0, 0 };
	size_t size = 8;
	uint64_t all = LL_FS_ABI1_ALL, file_rw = LL_FS_READ_FILE | LL_FS_WRITE_FILE;

	if (abi >= 2)
		all |= LL_FS_REFER;
	if (abi >= 3) {
		all |= LL_FS_TRUNCATE;
		file_rw |= LL_FS_TRUNCATE;
	}
	if (abi >= 5)
		all |= LL_FS_IOCTL_DEV;
	attr.handled_access_fs = all;
	if (abi >= 4) {
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		size = 16;
	}
	if (abi >= 6) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		size = 24;
	}
	rs = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (rs < 0)
		return -1;
	if (add_path(rs, "/", LL_FS_READ_FILE | LL_FS_READ_DIR | LL_FS_EXECUTE) < 0)
		goto out;
	if (add_path(rs, sb->scratch, all & ~LL_FS_IOCTL_DEV) < 0)
		goto out;
	if (sb->allow_dev_null && add_path(rs, "/dev/null", file_rw) < 0)
		goto out;
	r = (int)syscall(SYS_landlock_restrict_self, rs, 0);
out:
	close(rs);
	return r;
}

static int sandbox_setup(void *data)
{
	const struct sandbox *sb = data;
	int maxfd = 3;

	if (sb->chan_fd >= 0) {
		if (sb->chan_fd != 3 && dup2(sb->chan_fd, 3) < 0)
			return -1;
		if (fcntl(3, F_SETFD, 0) < 0)
			return -1;
		maxfd = 4;
	}
	if (syscall(SYS_close_range, maxfd, ~0u, 0) < 0) {
		int fd;
		for (fd = maxfd; fd < 1024; fd++)
			close(fd);
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if ((sb->cpu_s && set_limit(RLIMIT_CPU, (unsigned long long)sb->cpu_s) < 0) ||
	    (sb->mem && set_limit(RLIMIT_AS, sb->mem) < 0) ||
	    (sb->fsize && set_limit(RLIMIT_FSIZE, sb->fsize) < 0) ||
	    set_limit(RLIMIT_NOFILE, sb->nofile ? (unsigned long long)sb->nofile : 64) < 0 ||
	    (sb->nproc && set_limit(RLIMIT_NPROC, (unsigned long long)sb->nproc) < 0) ||
	    set_limit(RLIMIT_CORE, 0) < 0)
		return -1;
	if (sb->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(sb->cpu, &set);
		sched_setaffinity(0, sizeof(set), &set); /* best effort */
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	switch (sb->caps.net) {
	case SB_NET_NETNS:
		if (unshare(CLONE_NEWNET) < 0)
			return -1;
		break;
	case SB_NET_USERNS:
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
			return -1;
		break;
	case SB_NET_FILTER:
		if (net_filter() < 0)
			return -1;
		break;
	case SB_NET_NONE:
		break;
	}
	/* CUDA does not start under Landlock (seen on the H200 machine, the
	 * cause not found): GPU runs go without it (targets/README.md) */
	if (sb->caps.landlock_abi && !sb->allow_gpu && landlock(sb) < 0)
		return -1;
	return 0;
}

int sandbox_apply(struct sandbox *sb, struct child *c)
{
	const char *path = getenv("PATH");

	if (!sb->scratch || sb->scratch[0] != '/')
		return error("sandbox needs an absolute scratch folder");
	sb->caps = *sandbox_probe();
	snprintf(sb->path_env, sizeof(sb->path_env), "PATH=%s",
		 path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	c->clean_env = 1;
	strvec_push(&c->env, sb->path_env);
	strvec_push(&c->env, "LC_ALL=C");
	strvec_pushf(&c->env, "TMPDIR=%s", sb->scratch);
	strvec_pushf(&c->env, "HOME=%s", sb->scratch);
	c->dir = sb->scratch;
	c->new_pgroup = 1;
	c->stdin_null = 1;
	c->setup = sandbox_setup;
	c->setup_data = sb;
	return 0;
}
