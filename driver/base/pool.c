#include "pool.h"
#include "cleanup.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

struct pool_job {
	struct child *c;
	void (*done)(struct child *c, int code, void *data);
	void *data;
};

struct pool {
	int jobs;
	struct pool_job *queue;  /* FIFO: [head, nr) are waiting */
	size_t head, nr, alloc;
	struct pool_job *running;
	size_t nr_running;
};

struct pool *pool_new(int jobs)
{
	struct pool *p = xcalloc(1, sizeof(*p));
	p->jobs = jobs < 1 ? 1 : jobs;
	p->running = xcalloc((size_t)p->jobs, sizeof(*p->running));
	return p;
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	free(p->queue);
	free(p->running);
	free(p);
}

void pool_add(struct pool *p, struct child *c,
	      void (*done)(struct child *c, int code, void *data), void *data)
{
	ALLOC_GROW(p->queue, p->nr + 1, p->alloc);
	p->queue[p->nr].c = c;
	p->queue[p->nr].done = done;
	p->queue[p->nr].data = data;
	p->nr++;
}

int pool_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (int)n;
}

/* Reap job i if it has finished (or kill it at its deadline); 1 if done. */
static int pool_poll(struct pool *p, size_t i)
{
	struct child *c = p->running[i].c;
	pid_t r;
	int code;

	do
		r = wait4(c->pid, &c->status, WNOHANG, &c->ru);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		if (!c->timeout_ms || now_s() < c->wall_s + (double)c->timeout_ms / 1000.0)
			return 0;
		kill(c->new_pgroup ? -c->pid : c->pid, SIGKILL);
		c->timed_out = 1;
		do
			r = wait4(c->pid, &c->status, 0, &c->ru);
		while (r < 0 && errno == EINTR);
	}
	c->wall_s = now_s() - c->wall_s;
	/* reaped: off the exit/signal kill list (as child_finish does), or the
	 * list fills up, later children go unkilled on Ctrl-C, and a reused
	 * pid or group id would be killed at exit */
	cleanup_forget(c->cleanup_handle);
	c->cleanup_handle = -1;
	if (c->new_pgroup)
		kill(-c->pid, SIGKILL);
	code = r < 0 ? error("cannot wait for '%s'", c->args.v[0]) : wait_status_code(c->status);
	{
		struct pool_job job = p->running[i];
		p->running[i] = p->running[--p->nr_running];
		job.done(job.c, code, job.data);
	}
	return 1;
}

int pool_run(struct pool *p)
{
	int ran = 0;
	long sleep_us = 200;

	for (;;) {
		size_t i;
		int progress = 0;

		while (p->nr_running < (size_t)p->jobs && p->head < p->nr) {
			struct pool_job job = p->queue[p->head++];
			ran++;
			if (child_start(job.c) < 0) {
				job.done(job.c, -1, job.data);
				continue;
			}
			p->running[p->nr_running++] = job;
			progress = 1;
		}
		if (!p->nr_running && p->head >= p->nr)
			break;
		for (i = 0; i < p->nr_running;)
			if (pool_poll(p, i))
				progress = 1;
			else
				i++;
		if (progress) {
			sleep_us = 200;
			continue;
		}
		usleep((useconds_t)sleep_us);
		if (sleep_us < 2000)
			sleep_us *= 2;
	}
	p->head = p->nr = 0;
	return ran;
}
