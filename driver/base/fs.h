#ifndef ACCC_FS_H
#define ACCC_FS_H
/*
 * File-system helpers.  All return 0 on success and -1 with an error logged
 * (subject in quotes) unless said otherwise.
 */
#include "strbuf.h"

#include <stddef.h>

int mkdir_p(const char *path, int mode);
/* Remove a file or a whole tree; a missing path is not an error. */
int rm_rf(const char *path);
/*
 * Create a private directory "$TMPDIR/accc-<what>-XXXXXX" (mode 0700) and put
 * its path in `ret_dir`.
 */
int make_tmpdir(struct strbuf *ret_dir, const char *what);
/* Write `len` bytes to `path` through a temporary file and rename(2), so
 * readers never see a partial file. */
int write_file_atomic(const char *path, const void *data, size_t len, int mode);
/* Write (create or truncate) without the rename dance. */
int write_file(const char *path, const void *data, size_t len);

/* Append the last component / everything before it ("." when none). */
void path_basename(struct strbuf *sb, const char *path);
void path_dirname(struct strbuf *sb, const char *path);
/* Append `path` made absolute against the working directory (no symlink
 * resolution, "." and ".." components kept as written). */
void path_absolute(struct strbuf *sb, const char *path);
/*
 * Search PATH (or `path_list` when non-NULL) for an executable named `name`,
 * skipping every candidate for which skip(candidate, data) is nonzero.
 * Appends the first match to ret and returns 0; returns -1 (nothing logged)
 * when there is none.
 */
int find_in_path(struct strbuf *ret, const char *name, const char *path_list,
		 int (*skip)(const char *candidate, void *data), void *data);

#endif
