/*
 * The sandbox (targets/sandbox.h): what a sandboxed child can and cannot
 * do.  The child is this test binary again, in a mode named by argv[1], so
 * that no tool beyond libc is needed.  Checks that depend on a mechanism
 * the machine lacks (Landlock, network namespaces) print why they are
 * skipped; the probe itself is checked to find something on Linux.
 */
#include "check.h"
#include "fs.h"
#include "log.h"
#include "run.h"
#include "sandbox.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

/* ASan reserves terabytes of address space: no RLIMIT_AS under it. */
#if defined(__SANITIZE_ADDRESS__)
#define SB_MEM 0ull
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SB_MEM 0ull
#endif
#endif
#ifndef SB_MEM
#define SB_MEM (1ull << 32)
#endif

/* ---- child modes: exit 0 = what the test expects ---- */

static int child_env(void)
{
	int n = 0, bad = 0;
	char **e;
	for (e = environ; *e; e++, n++)
		if (!starts_with(*e, "PATH=") && !starts_with(*e, "LC_ALL=") &&
		    !starts_with(*e, "TMPDIR=") && !starts_with(*e, "HOME="))
			bad = 1;
	return bad || n != 4;
}

static int child_net(const char *port)
{
	struct sockaddr_in sa;
	int s = socket(AF_INET, SOCK_STREAM, 0), r;
	if (s < 0)
		return 0; /* refused outright: fine */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(port));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r = connect(s, (struct sockaddr *)&sa, sizeof(sa));
	close(s);
	return r == 0; /* connected: the sandbox leaks */
}

static int child_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 1;
	close(fd);
	return 0;
}

static int child_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int bad = 0, have3 = 0;
	if (!d)
		return 2;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd == dirfd(d))
			continue;
		if (fd == 3)
			have3 = 1;
		else if (fd > 2)
			bad = 1;
	}
	closedir(d);
	return bad || !have3;
}

static int child_limits(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_CORE, &rl) || rl.rlim_cur != 0)
		return 1;
	if (getrlimit(RLIMIT_FSIZE, &rl) || rl.rlim_cur != 1 << 20)
		return 2;
	if (SB_MEM && (getrlimit(RLIMIT_AS, &rl) || rl.rlim_cur != SB_MEM))
		return 3;
	if (getrlimit(RLIMIT_CPU, &rl) || rl.rlim_cur != 30)
		return 4;
	return 0;
}

static int child_orphan(const char *pidfile)
{
	pid_t pid = fork();
	char buf[32];
	if (pid == 0) {
		for (;;)
			pause();
	}
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	write_file(pidfile, buf, strlen(buf));
	for (;;)
		pause();
	return 0;
}

/* Alive and not a zombie waiting for init to reap it. */
static int running(int pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* ---- the parent side ---- */

static char *self, *scratch;

static int run_mode(const char *mode, const char *arg, int chan, long timeout_ms)
{
	struct sandbox sb = SANDBOX_INIT;
	struct child c = CHILD_INIT;
	int r;

	sb.scratch = scratch;
	sb.chan_fd = chan;
	sb.cpu_s = 30;
	sb.mem = SB_MEM;
	sb.fsize = 1 << 20;
	CHECK(sandbox_apply(&sb, &c) == 0);
	strvec_pushv(&c.args, (const char *const[]){ self, mode, arg ? arg : "", NULL });
	c.timeout_ms = timeout_ms;
	r = child_run(&c);
	child_release(&c);
	return r;
}

static void test_network(const struct sandbox_caps *caps)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char port[16];

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&sa, &len)) {
		printf("skip: network check (cannot listen on 127.0.0.1)\n");
		if (ls >= 0)
			close(ls);
		return;
	}
	snprintf(port, sizeof(port), "%d", ntohs(sa.sin_port));
	/* the listener really works from outside the sandbox */
	CHECK(child_net(port) == 1);
	if (caps->net == SB_NET_NONE)
		printf("skip: no network isolation on this machine (no namespaces, no seccomp)\n");
	else
		CHECK_INT(run_mode("net", port, -1, 10000), 0);
	close(ls);
}

static void test_files(const struct sandbox_caps *caps)
{
	char *inside = xstrfmt("%s/inside", scratch);
	struct strbuf outside = STRBUF_INIT;

	CHECK_INT(run_mode("write", inside, -1, 10000), 0);
	CHECK(access(inside, F_OK) == 0);
	if (make_tmpdir(&outside, "test-sandbox-outside") == 0) {
		char *target = xstrfmt("%s/leak", outside.buf);
		if (caps->landlock_abi) {
			CHECK(run_mode("write", target, -1, 10000) != 0);
			CHECK(access(target, F_OK) != 0);
		} else {
			printf("skip: writes outside the scratch folder are not blocked here "
			       "(no Landlock); the harness's seccomp filter still refuses open()\n");
		}
		rm_rf(outside.buf);
		free(target);
	}
	strbuf_release(&outside);
	free(inside);
}

static void test_group_kill(void)
{
	char *pidfile = xstrfmt("%s/orphan.pid", scratch);
	struct strbuf pid = STRBUF_INIT;
	double t0 = now_s();
	/* 5 s for the child to start and write its pid before the timeout
	 * kills its group: 300 ms was too short for an ASan build's start on
	 * a loaded machine (the pid file was never written) */
	int r = run_mode("orphan", pidfile, -1, 5000);

	/* the orphan pauses forever: any bound tells the kill from a wait,
	 * and the polls below end as soon as it is gone (load: longer waits) */
	CHECK_INT(r, 128 + SIGKILL);
	CHECK(now_s() - t0 < 60);
	if (strbuf_read_file(&pid, pidfile, 64) == 0 && pid.len) {
		int i, alive = 1;
		for (i = 0; i < 3000 && alive; i++) {
			alive = running(atoi(pid.buf));
			if (alive)
				usleep(10000);
		}
		CHECK(!alive); /* the grandchild died with its group */
	} else {
		CHECK(0);
	}
	strbuf_release(&pid);
	free(pidfile);
}

int main(int argc, char **argv)
{
	const struct sandbox_caps *caps;
	struct strbuf dir = STRBUF_INIT, desc = STRBUF_INIT;
	int sv[2];

	if (argc > 1) {
		const char *arg = argc > 2 ? argv[2] : "";
		if (!strcmp(argv[1], "env"))
			return child_env();
		if (!strcmp(argv[1], "net"))
			return child_net(arg);
		if (!strcmp(argv[1], "write"))
			return child_write(arg);
		if (!strcmp(argv[1], "fds"))
			return child_fds();
		if (!strcmp(argv[1], "limits"))
			return child_limits();
		if (!strcmp(argv[1], "orphan"))
			return child_orphan(arg);
		return 99;
	}
	self = realpath("/proc/self/exe", NULL);
	if (make_tmpdir(&dir, "test-sandbox") < 0)
		return 1;
	scratch = dir.buf;
	caps = sandbox_probe();
	sandbox_describe(&desc);
	printf("sandbox: %s\n", desc.buf);
	CHECK(caps->net != SB_NET_NONE || caps->landlock_abi || caps->seccomp);

	setenv("ACCC_SECRET_FOR_TEST", "x", 1);
	CHECK_INT(run_mode("env", NULL, -1, 10000), 0);
	CHECK_INT(run_mode("limits", NULL, -1, 10000), 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	{
		int leak = open("/dev/null", O_RDONLY); /* not close-on-exec: must not leak */
		CHECK_INT(run_mode("fds", NULL, sv[1], 10000), 0);
		close(leak);
	}
	close(sv[0]);
	close(sv[1]);
	test_network(caps);
	test_files(caps);
	test_group_kill();
	CHECK(run_mode("nosuchmode", NULL, -1, 10000) == 99);

	rm_rf(scratch);
	strbuf_release(&dir);
	strbuf_release(&desc);
	free(self);
	return check_done();
}
