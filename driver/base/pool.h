#ifndef ACCC_POOL_H
#define ACCC_POOL_H
/*
 * A job pool on top of run.h (after samurai): queue children, run at most
 * `jobs` at once, call each one's `done` when it has finished.  `done` may
 * queue more jobs (a job's next step).  Single-threaded: everything happens
 * inside pool_run().  Timeouts and process groups work as in child_finish.
 */
#include "run.h"

struct pool;

/* A pool running at most `jobs` children at once (< 1: one). */
struct pool *pool_new(int jobs);
void pool_free(struct pool *p);

/*
 * Queue `c` (set up but not started; the caller owns it and keeps it alive
 * until `done` has been called).  done(c, code, data) gets what
 * child_finish() would return, or -1 when the child could not be started.
 */
void pool_add(struct pool *p, struct child *c,
	      void (*done)(struct child *c, int code, void *data), void *data);

/* Run until nothing is queued or running.  Returns the number of jobs run. */
int pool_run(struct pool *p);

/* Online CPUs (at least 1). */
int pool_cpus(void);

#endif
