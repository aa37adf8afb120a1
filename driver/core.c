/*
 * accc-core: subcommands and the kernel compile path.  Reached only through
 * the front (accc), which handles every call that cannot involve a kernel.
 */
#include "args.h"
#include "cmds.h"
#include "config.h"
#include "core.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct subcommand {
	const char *name;
	int (*fn)(int argc, const char **argv);
	const char *help;
};

static const struct subcommand subcommands[] = {
#define X(name, help) { #name, cmd_##name, help },
	ACCC_SUBCOMMANDS(X)
#undef X
};

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("accc: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void core_parse_flags(const char *file, const char *const *cflags,
		      struct strvec *ret)
{
	struct strvec argv = STRVEC_INIT;
	struct compile_args ca = COMPILE_ARGS_INIT;

	strvec_push(&argv, "-c");
	strvec_pushv(&argv, cflags);
	strvec_push(&argv, file);
	args_classify(argv.v, &ca);
	strvec_pushv(ret, ca.parse_flags.v);
	compile_args_release(&ca);
	strvec_clear(&argv);
}

int cmd_help(int argc, const char **argv)
{
	size_t i;

	printf("usage: accc [COMPILER] ARGS...     compile through accc (e.g. make CC=accc)\n"
	       "       accc COMMAND [ARGS...]\n\n"
	       "accc finds functions annotated with '#pragma autocomp', optimizes them\n"
	       "ahead of time and compiles the unit with the winners; every other file\n"
	       "goes to the real compiler unchanged.  The real compiler is the first\n"
	       "argument when it names one, else ACCC_CC or the 'cc' config key; or\n"
	       "install accc as a symlink named like the compiler.\n\n"
	       "Commands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(*subcommands); i++)
		printf("  %-10s %s\n", subcommands[i].name, subcommands[i].help);
	printf("\nConfiguration (accc config shows the effective values):\n");
	for (i = 0; config_keys[i].name; i++)
		printf("  %-18s %s\n", config_keys[i].name, config_keys[i].help);
	printf("\nEnvironment: ACCC_<KEY> overrides a key; ACCC_CONFIG names a config file;\n"
	       "ACCC_LOGFILE turns on the log; ACCC_TRACE=1 prints every command run.\n");
	return 0;
}

int cmd_version(int argc, const char **argv)
{
	printf("accc %s\n", ACCC_VERSION);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	size_t i;

	if (argc >= 3 && !strcmp(argv[1], "--compile"))
		return core_compile(argv[2], (const char *const *)argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "--optimize-file"))
		return core_optimize_file(argv[2], (const char *const *)argv + 3);
	log_set_stderr(1);
	cmd = argc < 2 ? "help" : argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		cmd = "help";
	if (!strcmp(cmd, "--version"))
		cmd = "version";
	for (i = 0; i < sizeof(subcommands) / sizeof(*subcommands); i++)
		if (!strcmp(cmd, subcommands[i].name))
			return subcommands[i].fn(argc - 1, (const char **)argv + 1);
	fprintf(stderr, "accc: '%s' is not an accc command; see 'accc help'\n", cmd);
	return 1;
}
