#include "cleanup.h"
#include "xalloc.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cleanup_entry {
	char *path;      /* NULL for a process group */
	pid_t pgid;      /* > 0: a group to SIGKILL; < 0: -pid to SIGTERM */
	volatile sig_atomic_t active;
};

#define CLEANUP_MAX 64
static struct cleanup_entry entries[CLEANUP_MAX];
static volatile sig_atomic_t nr_entries;
static int installed;

static void run_cleanup(void)
{
	int i;

	for (i = nr_entries - 1; i >= 0; i--) {
		if (!entries[i].active)
			continue;
		entries[i].active = 0;
		if (entries[i].path) {
			if (unlink(entries[i].path) < 0)
				rmdir(entries[i].path);
		} else if (entries[i].pgid > 0) {
			kill(-entries[i].pgid, SIGKILL);
		} else if (entries[i].pgid < 0) {
			kill(-entries[i].pgid, SIGTERM);
		}
	}
}

static void on_signal(int sig)
{
	run_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int add_entry(char *path, pid_t pgid)
{
	int i;

	if (!installed) {
		static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
		size_t s;
		installed = 1;
		atexit(run_cleanup);
		for (s = 0; s < sizeof(sigs) / sizeof(*sigs); s++) {
			struct sigaction sa;
			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = on_signal;
			sigaction(sigs[s], NULL, &sa);
			if (sa.sa_handler == SIG_IGN)
				continue; /* e.g. nohup: keep ignoring */
			sa.sa_handler = on_signal;
			sigemptyset(&sa.sa_mask);
			sa.sa_flags = 0;
			sigaction(sigs[s], &sa, NULL);
		}
	}
	for (i = 0; i < nr_entries; i++)
		if (!entries[i].active && !entries[i].path && !entries[i].pgid)
			break;
	if (i == nr_entries) {
		if (nr_entries == CLEANUP_MAX) {
			free(path);
			return -1;
		}
		nr_entries++;
	}
	entries[i].path = path;
	entries[i].pgid = pgid;
	entries[i].active = 1;
	return i;
}

int cleanup_add_path(const char *path)
{
	return add_entry(xstrdup(path), 0);
}

int cleanup_add_pgroup(pid_t pgid)
{
	return add_entry(NULL, pgid);
}

int cleanup_add_pid(pid_t pid)
{
	return add_entry(NULL, -pid); /* negative marks a single process */
}

void cleanup_forget(int handle)
{
	char *p;

	if (handle < 0 || handle >= nr_entries)
		return;
	entries[handle].active = 0;
	p = entries[handle].path;
	entries[handle].path = NULL;
	entries[handle].pgid = 0;
	free(p);
}
