#ifndef ACCC_ARGS_H
#define ACCC_ARGS_H
/*
 * Classification of a compiler command line.  Only a compile of one C
 * source to an object file (`-c`) is a candidate for accc; everything else
 * is passed through to the real compiler untouched.  `@file` response files
 * are expanded here for classification only: a pass-through keeps them as
 * given.
 */
#include "strvec.h"

struct compile_args {
	int candidate;           /* 1: one C source compiled to an object */
	const char *why;         /* pass-through reason (static string) */

	/* The expanded arguments (response files read), without the compiler. */
	struct strvec args;
	/* Valid for a candidate; indices into args. */
	size_t src_index;
	const char *src;         /* points into args */
	const char *output;      /* -o value, or NULL */
	int dep;                 /* -MD or -MMD given */
	const char *dep_file;    /* -MF value, or NULL */
	int dep_target;          /* -MT or -MQ given */
	int wp_dep;              /* -Wp,-MD,FILE or -Wp,-MMD,FILE given */

	/* Flags for libclang: -I -D -U -include -std --target -isystem ... */
	struct strvec parse_flags;
	/*
	 * Everything needed to build the kernel alone with the user's flags:
	 * the args without the source, -c, -o, dependency and warning flags.
	 */
	struct strvec build_flags;
	/*
	 * The build flags that can change the kernel's code, for its key:
	 * without include paths (the headers' contents are keyed instead, and
	 * paths differ between teammates) and without debug-info options.
	 */
	struct strvec key_flags;
};

#define COMPILE_ARGS_INIT { 0, NULL, STRVEC_INIT, 0, NULL, NULL, 0, NULL, 0, 0, \
			    STRVEC_INIT, STRVEC_INIT, STRVEC_INIT }

/*
 * Classify `argv` (the compiler's arguments, NULL-terminated, without the
 * compiler itself).  Always fills ret->candidate/why; returns 0, or -1 when
 * a response file cannot be read (then it is a pass-through: the compiler
 * will report it).
 */
int args_classify(const char *const *argv, struct compile_args *ret);
void compile_args_release(struct compile_args *ca);

/*
 * Expand @file arguments (gcc's quoting rules: whitespace separates,
 * '' "" and backslash quote), recursively to a bounded depth.  Returns 0,
 * or -1 when a response file cannot be read.
 */
int args_expand(const char *const *argv, struct strvec *ret);

#endif
