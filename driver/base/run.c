#include "run.h"
#include "cleanup.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

void child_init(struct child *c)
{
	struct child blank = CHILD_INIT;
	*c = blank;
}

void child_release(struct child *c)
{
	strvec_clear(&c->args);
	strvec_clear(&c->env);
}

double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int wait_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

/* Build the child's environment before fork (no allocation after fork). */
static char **build_env(const struct child *c)
{
	struct strvec out = STRVEC_INIT;
	size_t i, j;

	if (!c->clean_env) {
		for (i = 0; environ[i]; i++) {
			const char *eq = strchr(environ[i], '=');
			size_t nlen = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
			int overridden = 0;
			for (j = 0; j < c->env.nr; j++) {
				const char *e = c->env.v[j];
				size_t elen = strcspn(e, "=");
				if (elen == nlen && !strncmp(e, environ[i], nlen))
					overridden = 1;
			}
			if (!overridden)
				strvec_push(&out, environ[i]);
		}
	}
	for (j = 0; j < c->env.nr; j++)
		if (strchr(c->env.v[j], '='))
			strvec_push(&out, c->env.v[j]);
	if (out.v == strvec_empty)
		return xcalloc(1, sizeof(char *));
	return (char **)out.v; /* freed with free_env */
}

static void free_env(char **env)
{
	size_t i;
	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

static void child_die(int fd, int code)
{
	(void)fd;
	_exit(code);
}

int child_start(struct child *c)
{
	char **env;
	pid_t pid;
	int devnull = -1;

	if (!c->args.nr)
		BUG("child_start with no arguments");
	trace_argv("run", c->args.v);
	env = build_env(c);
	if (c->stdin_null) {
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (devnull < 0) {
			free_env(env);
			return error("cannot open /dev/null: %s", strerror(errno));
		}
	}
	c->timed_out = 0;
	c->wall_s = now_s();
	pid = fork();
	if (pid < 0) {
		int e = errno;
		free_env(env);
		if (devnull >= 0)
			close(devnull);
		return error("cannot fork '%s': %s", c->args.v[0], strerror(e));
	}
	if (pid == 0) {
		/* restore default signal handling the parent may have changed */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (c->new_pgroup)
			setpgid(0, 0);
		if (devnull >= 0 && dup2(devnull, 0) < 0)
			child_die(2, 127);
		if (c->out_fd >= 0 && dup2(c->out_fd, 1) < 0)
			child_die(2, 127);
		if (c->err_fd >= 0 && dup2(c->err_fd, 2) < 0)
			child_die(2, 127);
		if (c->dir && chdir(c->dir) < 0)
			child_die(2, 127);
		if (c->setup && c->setup(c->setup_data))
			child_die(2, 127);
		if (strchr(c->args.v[0], '/'))
			execve(c->args.v[0], (char *const *)c->args.v, env);
		else
			execvpe(c->args.v[0], (char *const *)c->args.v, env);
		child_die(2, 127);
	}
	if (c->new_pgroup)
		setpgid(pid, pid); /* both sides, to win the race with exec */
	free_env(env);
	if (devnull >= 0)
		close(devnull);
	c->pid = pid;
	c->cleanup_handle = c->new_pgroup ? cleanup_add_pgroup(pid) : cleanup_add_pid(pid);
	return 0;
}

static void child_kill(struct child *c)
{
	if (c->new_pgroup)
		kill(-c->pid, SIGKILL);
	else
		kill(c->pid, SIGKILL);
	c->timed_out = 1;
}

/* Milliseconds left before the deadline, or -1 for none. */
static int ms_left(const struct child *c)
{
	double left;

	if (!c->timeout_ms)
		return -1;
	left = c->wall_s + (double)c->timeout_ms / 1000.0 - now_s();
	return left <= 0 ? 0 : (int)(left * 1000.0) + 1;
}

static int reap(struct child *c, int options)
{
	pid_t r;

	do
		r = wait4(c->pid, &c->status, options, &c->ru);
	while (r < 0 && errno == EINTR);
	return r;
}

int child_finish(struct child *c)
{
	pid_t r;
	long sleep_us = 200;

	if (!c->timeout_ms) {
		r = reap(c, 0);
	} else {
		/* poll with a backoff up to 5 ms: cheap, no signal handlers */
		for (;;) {
			r = reap(c, WNOHANG);
			if (r != 0)
				break;
			if (ms_left(c) == 0) {
				child_kill(c);
				r = reap(c, 0);
				break;
			}
			usleep((useconds_t)sleep_us);
			if (sleep_us < 5000)
				sleep_us *= 2;
		}
	}
	c->wall_s = now_s() - c->wall_s;
	cleanup_forget(c->cleanup_handle);
	c->cleanup_handle = -1;
	if (r < 0)
		return error("cannot wait for '%s': %s", c->args.v[0], strerror(errno));
	if (c->new_pgroup)
		kill(-c->pid, SIGKILL); /* nothing the child left behind survives */
	return wait_status_code(c->status);
}

int child_run(struct child *c)
{
	if (child_start(c) < 0)
		return -1;
	return child_finish(c);
}

int child_capture(struct child *c, struct strbuf *out, struct strbuf *err,
		  size_t cap)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	size_t got[2] = { 0, 0 };
	struct strbuf *dst[2] = { out, err };
	int ret = -1;

	if (pipe2(po, O_CLOEXEC) < 0 || (err && pipe2(pe, O_CLOEXEC) < 0)) {
		error("cannot create a pipe: %s", strerror(errno));
		goto out;
	}
	c->out_fd = po[1];
	if (err)
		c->err_fd = pe[1];
	if (child_start(c) < 0)
		goto out;
	close(po[1]);
	po[1] = -1;
	if (err) {
		close(pe[1]);
		pe[1] = -1;
	}
	for (;;) {
		struct pollfd pf[2];
		int n = 0, i, pr;
		if (po[0] >= 0)
			pf[n++] = (struct pollfd){ po[0], POLLIN, 0 };
		if (pe[0] >= 0)
			pf[n++] = (struct pollfd){ pe[0], POLLIN, 0 };
		if (!n)
			break;
		pr = poll(pf, (nfds_t)n, ms_left(c));
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0) {
			child_kill(c);
			break;
		}
		for (i = 0; i < n; i++) {
			char buf[16384];
			int which = pf[i].fd == po[0] ? 0 : 1;
			ssize_t rd;
			if (!pf[i].revents)
				continue;
			rd = read(pf[i].fd, buf, sizeof(buf));
			if (rd < 0 && errno == EINTR)
				continue;
			if (rd <= 0) {
				close(pf[i].fd);
				if (which == 0)
					po[0] = -1;
				else
					pe[0] = -1;
				continue;
			}
			if (got[which] < cap) {
				size_t take = (size_t)rd < cap - got[which] ? (size_t)rd : cap - got[which];
				strbuf_add(dst[which], buf, take);
			}
			got[which] += (size_t)rd;
		}
	}
	ret = child_finish(c);
out:
	if (po[0] >= 0)
		close(po[0]);
	if (po[1] >= 0)
		close(po[1]);
	if (pe[0] >= 0)
		close(pe[0]);
	if (pe[1] >= 0)
		close(pe[1]);
	c->out_fd = c->err_fd = -1;
	return ret;
}
