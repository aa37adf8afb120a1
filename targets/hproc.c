#include "hproc.h"
#include "cleanup.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define HPROC_OUTPUT_CAP (1ull << 20) /* what a candidate may print */

static double deadline_left(double deadline)
{
	double left = deadline - now_s();
	return left < 0 ? 0 : left;
}

/* Wait up to `ms` for the process to end by itself, then kill the group. */
static void reap(struct hproc *h, long ms)
{
	double until = now_s() + (double)ms / 1000.0;
	pid_t r;

	if (!h->running)
		return;
	for (;;) {
		r = waitpid(h->child.pid, &h->child.status, WNOHANG);
		if (r != 0 || now_s() >= until)
			break;
		usleep(1000);
	}
	if (r == 0) {
		kill(-h->child.pid, SIGKILL);
		while ((r = waitpid(h->child.pid, &h->child.status, 0)) < 0 && errno == EINTR)
			;
	}
	kill(-h->child.pid, SIGKILL); /* anything it left behind */
	/* reaped: off the exit/signal kill list, as child_finish does */
	cleanup_forget(h->child.cleanup_handle);
	h->child.cleanup_handle = -1;
	h->running = 0;
	h->code = r > 0 ? wait_status_code(h->child.status) : -1;
	h->exited = r > 0 && WIFEXITED(h->child.status);
}

static void close_channel(struct hproc *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

/* Read exactly n bytes before the deadline: 0, -1 EOF/error, -2 timeout. */
static int read_full(struct hproc *h, void *buf, size_t n, double deadline)
{
	char *p = buf;
	while (n) {
		struct pollfd pf = { h->fd, POLLIN, 0 };
		int pr = poll(&pf, 1, (int)(deadline_left(deadline) * 1000.0) + 1);
		ssize_t r;
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0 || (pr > 0 && deadline_left(deadline) <= 0 && !(pf.revents & POLLIN)))
			return -2;
		r = read(h->fd, p, n);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int write_full(struct hproc *h, const void *buf, size_t n, double deadline)
{
	const char *p = buf;
	while (n) {
		struct pollfd pf = { h->fd, POLLOUT, 0 };
		int pr = poll(&pf, 1, (int)(deadline_left(deadline) * 1000.0) + 1);
		ssize_t w;
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0)
			return -2;
		w = send(h->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one message; 0, -1 EOF, -2 timeout, -3 garbage. */
static int read_msg(struct hproc *h, struct hp_hdr *hd, struct strbuf *body,
		    uint64_t max_len, double deadline)
{
	int r = read_full(h, hd, sizeof(*hd), deadline);
	if (r)
		return r;
	if (hd->magic != HP_MAGIC || hd->len > max_len) {
		log_msg("judge: bad message from %s: magic %x type %u len %llu (max %llu)",
			h->what ? h->what : "harness", hd->magic, hd->type,
			(unsigned long long)hd->len, (unsigned long long)max_len);
		return -3;
	}
	strbuf_reset(body);
	strbuf_addchars(body, 0, (size_t)hd->len);
	return read_full(h, body->buf, (size_t)hd->len, deadline);
}

/* After EOF or a send failure: collect the FAULT/SYSCALL/ERROR it left. */
static void drain(struct hproc *h)
{
	struct strbuf body = STRBUF_INIT;
	struct hp_hdr hd;
	double deadline = now_s() + 1.0;

	while (h->fd >= 0 && read_msg(h, &hd, &body, 1 << 16, deadline) == 0) {
		if (hd.type == HP_R_FAULT && body.len == sizeof(h->fault)) {
			memcpy(&h->fault, body.buf, sizeof(h->fault));
			h->has_fault = 1;
		} else if (hd.type == HP_R_SYSCALL && body.len == sizeof(h->sys)) {
			memcpy(&h->sys, body.buf, sizeof(h->sys));
			h->has_syscall = 1;
		} else if (hd.type == HP_R_ERROR) {
			strbuf_add(&h->errmsg, body.buf, body.len < 200 ? body.len : 200);
		}
	}
	strbuf_release(&body);
}

static int fail(struct hproc *h, int status)
{
	if (status == HPROC_TIMEOUT) {
		h->timed_out = 1;
		reap(h, 0);
	} else {
		drain(h);
		reap(h, 500);
	}
	close_channel(h);
	if (status == HPROC_PROTOCOL)
		h->protocol_error = 1;
	return status;
}

int hproc_cmd(struct hproc *h, uint32_t type, const struct iovec *iov, int niov,
	      uint32_t want, struct strbuf *reply, uint64_t max_len, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	struct hp_hdr hd = { HP_MAGIC, type, 0 };
	int i, r;

	if (!h->running || h->fd < 0)
		return HPROC_DIED;
	for (i = 0; i < niov; i++)
		hd.len += iov[i].iov_len;
	r = write_full(h, &hd, sizeof(hd), deadline);
	for (i = 0; !r && i < niov; i++)
		r = write_full(h, iov[i].iov_base, iov[i].iov_len, deadline);
	if (r)
		return fail(h, r == -2 ? HPROC_TIMEOUT : HPROC_DIED);
	for (;;) {
		r = read_msg(h, &hd, reply, max_len, deadline);
		if (r)
			return fail(h, r == -2 ? HPROC_TIMEOUT : r == -3 ? HPROC_PROTOCOL : HPROC_DIED);
		if (hd.type == want)
			return HPROC_OK;
		if (hd.type == HP_R_LAYOUT && reply->len == 16 * h->nbuf && h->nbuf <= 64) {
			memcpy(h->layout, reply->buf, h->nbuf * 8);
			memcpy(h->layout + 64, reply->buf + 8 * h->nbuf, h->nbuf * 8);
			continue;
		}
		if (hd.type == HP_R_FAULT && reply->len == sizeof(h->fault)) {
			memcpy(&h->fault, reply->buf, sizeof(h->fault));
			h->has_fault = 1;
		} else if (hd.type == HP_R_SYSCALL && reply->len == sizeof(h->sys)) {
			memcpy(&h->sys, reply->buf, sizeof(h->sys));
			h->has_syscall = 1;
		} else if (hd.type == HP_R_ERROR) {
			strbuf_add(&h->errmsg, reply->buf, reply->len < 200 ? reply->len : 200);
		} else {
			return fail(h, HPROC_PROTOCOL);
		}
		return fail(h, HPROC_DIED);
	}
}

static int start_child(struct hproc *h, const struct hproc_start_opts *o, int theirs)
{
	struct strbuf path = STRBUF_INIT;
	int out;

	strbuf_addf(&path, "%s/output.txt", o->scratch);
	out = open(path.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	strbuf_release(&path);
	if (out < 0)
		return error("cannot create the output file in '%s': %s", o->scratch,
			     strerror(errno));
	child_init(&h->child);
	if (o->valgrind) {
		strvec_push(&h->child.args, o->valgrind);
		strvec_pushv(&h->child.args, o->valgrind_args);
	}
	strvec_push(&h->child.args, o->exe);
	/* valgrind cannot run a seccomp-filtered guest */
	if (o->valgrind || o->no_seccomp)
		strvec_push(&h->child.args, "--no-seccomp");
	h->sb.scratch = o->scratch;
	h->sb.chan_fd = theirs;
	h->sb.cpu_s = o->cpu_s;
	h->sb.mem = o->mem;
	/* GPU runs as measured on the H200: the driver may size files of its
	 * own, so no file-size limit there */
	h->sb.fsize = o->gpu ? 0 : HPROC_OUTPUT_CAP;
	h->sb.nofile = o->gpu ? 1024 : 64;
	h->sb.allow_gpu = o->gpu;
	h->sb.nproc = 0;
	h->sb.cpu = o->cpu;
	if (sandbox_apply(&h->sb, &h->child) < 0) {
		close(out);
		return -1;
	}
	h->child.out_fd = out;
	h->child.err_fd = out;
	h->child.timeout_ms = o->wall_ms;
	if (child_start(&h->child) < 0) {
		close(out);
		return -1;
	}
	close(out);
	h->running = 1;
	return 0;
}

int hproc_start(struct hproc *h, const struct hproc_start_opts *o, size_t nparam,
		size_t nbuf)
{
	struct strbuf body = STRBUF_INIT;
	struct hp_hdr hd;
	int sv[2], r, ret = -1;
	struct sandbox blank = SANDBOX_INIT;

	memset(h, 0, sizeof(*h));
	h->fd = -1;
	h->sb = blank;
	h->nbuf = nbuf;
	strbuf_init(&h->errmsg, 0);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return error("cannot create the harness channel: %s", strerror(errno));
	if (start_child(h, o, sv[1]) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	close(sv[1]);
	h->fd = sv[0];
	fcntl(h->fd, F_SETFL, O_NONBLOCK);
	r = read_msg(h, &hd, &body, 1024, now_s() + (o->valgrind ? 60.0 : 10.0));
	if (r || hd.type != HP_R_READY || body.len != sizeof(h->ready)) {
		if (!r && hd.type == HP_R_ERROR)
			strbuf_add(&h->errmsg, body.buf, body.len < 200 ? body.len : 200);
		fail(h, r == -2 ? HPROC_TIMEOUT : HPROC_DIED);
		error("harness '%s' did not start (exit %d%s%s)", o->exe, h->code,
		      h->errmsg.len ? ": " : "", h->errmsg.buf);
		goto out;
	}
	memcpy(&h->ready, body.buf, sizeof(h->ready));
	if (h->ready.version != HP_VERSION || h->ready.nparam != nparam ||
	    h->ready.nbuf != nbuf) {
		fail(h, HPROC_PROTOCOL);
		error("harness '%s' does not match its kernel", o->exe);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&body);
	return ret;
}

void hproc_stop(struct hproc *h)
{
	hproc_stop_wait(h, 500);
}

void hproc_stop_wait(struct hproc *h, long ms)
{
	if (h->running && h->fd >= 0) {
		struct hp_hdr hd = { HP_MAGIC, HP_QUIT, 0 };
		write_full(h, &hd, sizeof(hd), now_s() + 0.5);
	}
	reap(h, ms);
	close_channel(h);
	child_release(&h->child);
	strbuf_release(&h->errmsg);
}

int hproc_threads(const struct hproc *h)
{
	char path[64], line[256];
	int n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)h->child.pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

void hproc_describe(struct strbuf *out, const struct hproc *h, const char *const *names,
		    const unsigned *elem_size)
{
	uint64_t a = h->fault.addr;
	size_t b;
	const char *rw = h->fault.is_write == 1 ? "write" : h->fault.is_write == 0 ? "read" :
										"access";

	if (h->fault.where == HP_W_STACK) {
		strbuf_addstr(out, "stack overflow");
		return;
	}
	if (h->fault.where == HP_W_HEAP) {
		strbuf_addf(out, "%s past the end of a malloc()ed block", rw);
		return;
	}
	for (b = 0; b < h->nbuf && b < 64; b++) {
		uint64_t base = h->layout[b], bytes = h->layout[64 + b];
		uint64_t es = elem_size[b] ? elem_size[b] : 1;
		if (a >= base + bytes && a < base + bytes + 4096) {
			strbuf_addf(out, "%s past the end of '%s' (element %llu of %llu)", rw, names[b],
				    (unsigned long long)((a - base) / es),
				    (unsigned long long)(bytes / es));
			return;
		}
		if (a < base && a + 8192 >= base) {
			strbuf_addf(out, "%s before the start of '%s'", rw, names[b]);
			return;
		}
		if (a >= base && a < base + bytes) {
			strbuf_addf(out, "%s to input '%s' (element %llu), which is read-only", rw,
				    names[b], (unsigned long long)((a - base) / es));
			return;
		}
	}
	strbuf_addf(out, "%s of address 0x%llx", rw, (unsigned long long)a);
}
