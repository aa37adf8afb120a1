#ifndef ACCC_CMDS_H
#define ACCC_CMDS_H
/*
 * The subcommands (git style: `accc NAME ...`; anything else is a compiler
 * call).  One list, expanded by the front (to know what to hand to
 * accc-core) and by the core (to dispatch).  Each cmd_NAME gets argv with
 * argv[0] == "NAME" and returns the exit status.
 */
#define ACCC_SUBCOMMANDS(X)                                                    \
	X(kernels, "list the kernels of a file")                                  \
	X(extract, "print a kernel's standalone translation unit")                \
	X(splice, "print a file with a kernel's definition replaced")             \
	X(config, "print every configuration value and its origin")               \
	X(optimize, "optimize every kernel of a project ahead of time")            \
	X(judge, "judge hand-written variants of a kernel")                        \
	X(cache, "inspect and manage the kernel cache")                           \
	X(hw, "print this machine's hardware fingerprint, or --peaks")           \
	X(report, "write an HTML report of the searches (or --json)")             \
	X(help, "print the help")                                                 \
	X(version, "print the version")

#define X(name, help) int cmd_##name(int argc, const char **argv);
ACCC_SUBCOMMANDS(X)
#undef X

#endif
