/* Options and detection shared by the FILE-taking subcommands. */
#include "cmdutil.h"
#include "core.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

int parse_file_opts(int argc, const char **argv, const char *usage,
			   struct file_opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	strvec_init(&o->kernels);
	strvec_init(&o->rest);
	strvec_init(&o->cflags);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			strvec_pushv(&o->cflags, argv + i + 1);
			break;
		} else if (!strcmp(argv[i], "--json")) {
			o->json = 1;
		} else if (!strcmp(argv[i], "--kernel") && i + 1 < argc) {
			strvec_push(&o->kernels, argv[++i]);
		} else if (!strcmp(argv[i], "--metric") && i + 1 < argc) {
			o->metric = argv[++i];
		} else if (!strcmp(argv[i], "--no-timing")) {
			o->no_timing = 1;
		} else if (argv[i][0] != '-' && !o->file) {
			o->file = argv[i];
		} else if (argv[i][0] != '-') {
			strvec_push(&o->rest, argv[i]);
		} else {
			fprintf(stderr, "usage: %s\n", usage);
			return -1;
		}
	}
	if (!o->file) {
		fprintf(stderr, "usage: %s\n", usage);
		return -1;
	}
	return 0;
}

void file_opts_release(struct file_opts *o)
{
	strvec_clear(&o->kernels);
	strvec_clear(&o->rest);
	strvec_clear(&o->cflags);
}

/* Detect with the flags of `o`; prints problems.  NULL on failure. */
struct detect *detect_opts(const struct file_opts *o)
{
	struct strvec flags = STRVEC_INIT;
	enum detect_status st;
	struct detect *d;

	core_parse_flags(o->file, o->cflags.v, &flags);
	d = detect_file(o->file, &flags, &st);
	strvec_clear(&flags);
	if (st == DETECT_OK)
		return d;
	if (st == DETECT_PRAGMA_ERROR)
		fputs(detect_diagnostics(d), stderr);
	else
		error("cannot parse '%s': %s", o->file, detect_diagnostics(d));
	detect_free(d);
	return NULL;
}

