#include "cleanup.h"
#include "xalloc.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cleanup_entry {
	char *path;      /* NULL for a process group */
	pid_t pgid;      /* > 0: a group to SIGKILL; < 0: -pid to SIGTERM */
	int tree;        /* path: a directory removed with everything in it */
	volatile sig_atomic_t active;
};

#define CLEANUP_MAX 64
static struct cleanup_entry entries[CLEANUP_MAX];
static volatile sig_atomic_t nr_entries;
static int installed;

/*
 * Empty the directory open as dfd, `depth` levels down at most, with
 * system calls only (getdents64, unlinkat, openat): safe in a signal
 * handler, unlike opendir().  Passes repeat until one removes nothing,
 * since entries go while the directory is read.
 */
static void empty_dir_at(int dfd, int depth)
{
	char buf[2048] __attribute__((aligned(8)));
	ssize_t n, off;
	int removed;

	do {
		removed = 0;
		lseek(dfd, 0, SEEK_SET);
		while ((n = getdents64(dfd, buf, sizeof(buf))) > 0) {
			for (off = 0; off < n;) {
				struct dirent64 *d = (struct dirent64 *)(void *)(buf + off);
				int sub;

				off += d->d_reclen;
				if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
					continue;
				if (!unlinkat(dfd, d->d_name, 0)) {
					removed = 1;
					continue;
				}
				if (depth <= 0)
					continue;
				sub = openat(dfd, d->d_name,
					     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (sub >= 0) {
					empty_dir_at(sub, depth - 1);
					close(sub);
				}
				if (!unlinkat(dfd, d->d_name, AT_REMOVEDIR))
					removed = 1;
			}
		}
	} while (removed);
}

static void remove_tree(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		empty_dir_at(fd, 8);
		close(fd);
	}
	rmdir(path);
}

static void run_cleanup(void)
{
	int i;

	for (i = nr_entries - 1; i >= 0; i--) {
		if (!entries[i].active)
			continue;
		entries[i].active = 0;
		if (entries[i].path && entries[i].tree) {
			remove_tree(entries[i].path);
		} else if (entries[i].path) {
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
	entries[i].tree = 0;
	entries[i].active = 1;
	return i;
}

int cleanup_add_path(const char *path)
{
	return add_entry(xstrdup(path), 0);
}

int cleanup_add_tree(const char *path)
{
	int i = add_entry(xstrdup(path), 0);

	if (i >= 0)
		entries[i].tree = 1;
	return i;
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
	entries[handle].tree = 0;
	free(p);
}
