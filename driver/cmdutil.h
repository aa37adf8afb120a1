#ifndef ACCC_CMDUTIL_H
#define ACCC_CMDUTIL_H
/*
 * What the subcommands that take `FILE [options] [-- CFLAGS...]` share:
 * their options, and detection with the flags a compile would use.
 */
#include "detect.h"
#include "strvec.h"

struct file_opts {
	const char *file;
	int json;
	struct strvec kernels;   /* --kernel values */
	struct strvec rest;      /* further words before -- */
	struct strvec cflags;    /* after -- */
	const char *metric;      /* --metric */
	int no_timing;           /* --no-timing */
};

/* Parse argv (argv[0] is the subcommand); prints `usage` and returns -1
 * on a bad word. */
int parse_file_opts(int argc, const char **argv, const char *usage,
		    struct file_opts *o);
void file_opts_release(struct file_opts *o);
/* Detect o->file with the CFLAGS' parse flags; prints problems and returns
 * NULL on failure. */
struct detect *detect_opts(const struct file_opts *o);

#endif
