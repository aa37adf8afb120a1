#ifndef ACCC_UNITCOPY_H
#define ACCC_UNITCOPY_H
/*
 * A rewritten copy of a unit compiled in place of the original, with the
 * user's exact flags and output: the copy lives in a private directory and
 * keeps the original's basename; `-iquote SRCDIR` comes first so "quoted"
 * includes resolve as next to the original; debug info and the dependency
 * file name the original.  Interrupted, it leaves nothing behind.
 * libc only: the front uses it for direct hits, the core for every kernel
 * compile.
 */
#include "args.h"
#include "strbuf.h"

struct unit_copy {
	const char *cc;
	const struct compile_args *ca;
	struct strbuf tmpdir, tmpsrc;
	char *output;                /* the object the compiler writes */
	int cleanup_dir, cleanup_src;
};

/* Make the private directory.  Returns 0, or -1 (logged). */
int unit_copy_init(struct unit_copy *u, const char *cc, const struct compile_args *ca);
/*
 * Write `text` as the copy and compile it.  With `hold`, the compiler's
 * output is shown only when it succeeds (a variant that does not compile is
 * accc's failure, not the user's).  Returns the compiler's exit status, or
 * -1 when it could not run; a dependency file is fixed after a success.
 */
int unit_copy_compile(struct unit_copy *u, const char *text, size_t len, int hold);
/* Remove the directory. */
void unit_copy_release(struct unit_copy *u);

#endif
