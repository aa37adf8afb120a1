#ifndef ACCC_CLEANUP_H
#define ACCC_CLEANUP_H
/*
 * Things to undo when the process ends early: temporary files and
 * directories to remove, and child process groups to kill, on exit() and on
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT (after which the signal is re-raised
 * so the parent sees it).  The handler only calls async-signal-safe
 * functions on paths prepared beforehand.  (After git's tempfile.c.)
 */
#include <sys/types.h>

/* Remove `path` (a file, or an empty directory once its registered files
 * are gone) at exit; registered paths are removed newest first.  Returns a
 * handle for cleanup_forget(). */
int cleanup_add_path(const char *path);
/* Remove directory `path` with everything in it (8 levels deep at most)
 * at exit.  For a work folder whose files are not registered one by one. */
int cleanup_add_tree(const char *path);
/* Kill process group `pgid` with SIGKILL on an early exit. */
int cleanup_add_pgroup(pid_t pgid);
/* Send SIGTERM to process `pid` on an early exit. */
int cleanup_add_pid(pid_t pid);
/* Drop an entry once the caller has dealt with it. */
void cleanup_forget(int handle);

#endif
