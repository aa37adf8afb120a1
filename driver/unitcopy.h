#ifndef ACCC_UNITCOPY_H
#define ACCC_UNITCOPY_H
/*
 * A rewritten copy of a unit compiled in place of the original, with the
 * user's exact flags and output.  For a source named without a folder the
 * copy is a hidden `.accc-XXXXXX-NAME` next to it; otherwise it lives in a
 * private directory, keeps the original's basename, and `-iquote SRCDIR`
 * comes first: either way "quoted" includes resolve as for the original.
 * Debug info and the dependency file name the original.  Interrupted, it
 * leaves nothing behind.
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
	int quiet;                   /* a held compile printed nothing */
	int here;                    /* tmpsrc is next to the source */
};

/* Make the private directory.  Returns 0, or -1 (logged). */
int unit_copy_init(struct unit_copy *u, const char *cc, const struct compile_args *ca);
enum unit_copy_output {
	UNIT_COPY_INHERIT = 0,  /* the compiler writes to our stdout/stderr */
	UNIT_COPY_HOLD,         /* shown only on success (a variant that does not
				   compile is accc's failure, not the user's) */
	UNIT_COPY_CAPTURE,      /* captured and shown: u->quiet says if empty */
};

/*
 * Write `text` as the copy and compile it, its output as `how` says.
 * Returns the compiler's exit status, or -1 when it could not run; a
 * dependency file is fixed after a success.
 */
int unit_copy_compile(struct unit_copy *u, const char *text, size_t len, int how);
/*
 * Write `text` as the copy and check it with -fsyntax-only instead of
 * compiling it (the user's flags otherwise, -c and -o left out), showing
 * nothing.  Returns 0 when the compiler accepted it and printed nothing.
 */
int unit_copy_check(struct unit_copy *u, const char *text, size_t len);
/* The object a compile writes: -o's value, or the source's basename.o. */
char *unit_copy_output_name(const struct compile_args *ca);
/* Remove the directory. */
void unit_copy_release(struct unit_copy *u);

#endif
