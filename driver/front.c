/*
 * accc, the front: the binary a build calls as its compiler.
 *
 * It decides, with libc only, whether a call can involve accc at all; if
 * not, it execs the real compiler with the arguments untouched (exit status,
 * stdout and stderr are then the compiler's own).  Only a compile of one C
 * source whose bytes contain "autocomp", or a subcommand, is handed to
 * accc-core, which links libclang and the rest.
 */
#include "args.h"
#include "cmds.h"
#include "compiler.h"
#include "config.h"
#include "cache_store.h"
#include "direct.h"
#include "fs.h"
#include "log.h"
#include "normalize.h"
#include "scan.h"
#include "splice.h"
#include "strbuf.h"
#include "strvec.h"
#include "unitcopy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const subcommands[] = {
#define X(name, help) #name,
	ACCC_SUBCOMMANDS(X)
#undef X
	"--help", "-h", "--version", NULL,
};

static int is_subcommand(const char *a)
{
	const char *const *p;

	for (p = subcommands; *p; p++)
		if (!strcmp(a, *p))
			return 1;
	return 0;
}

/* Returns only when accc-core cannot be executed (logged). */
static void exec_core(char **argv_core)
{
	struct strbuf core = STRBUF_INIT;

	self_dir(&core);
	strbuf_addstr(&core, "/accc-core");
	argv_core[0] = core.buf;
	execv(core.buf, argv_core);
	error("cannot run '%s': %s", core.buf, strerror(errno));
}

static _Noreturn void exec_compiler(const char *cc, const char *const *args)
{
	struct strvec argv = STRVEC_INIT;

	strvec_push(&argv, cc);
	strvec_pushv(&argv, args);
	trace_argv("exec", argv.v);
	execv(cc, (char *const *)argv.v);
	fprintf(stderr, "accc: error: cannot run the compiler '%s': %s\n", cc,
		strerror(errno));
	exit(127);
}

/*
 * Hand a kernel compile to the core: accc-core --compile CC ARGS...
 * If the core cannot run, accc's own machinery has failed: compile as is.
 */
static _Noreturn void exec_core_compile(const char *cc, const char *const *args)
{
	struct strvec argv = STRVEC_INIT;

	strvec_push(&argv, "accc-core");
	strvec_push(&argv, "--compile");
	strvec_push(&argv, cc);
	strvec_pushv(&argv, args);
	exec_core((char **)argv.v);
	exec_compiler(cc, args);
}

/*
 * Direct mode: a compile whose result accc remembered (cache/direct.h) is
 * done here, with no libclang and no lookup: the remembered unit compiled
 * as the core would.  Returns the compiler's status, or -1 on a miss.
 */
/*
 * Does the object record where lines are?  Debug information does, and so
 * do sanitizers (source locations in their data), LTO (locations in its IR)
 * and whatever the assembler is told directly.
 */
static int object_has_lines(const char *const *args)
{
	static const char *const prefixes[] = { "-fdebug", "--debug", "-flto", "-ffat-lto",
		"-fsanitize", "-Wa,", "-Xassembler", "-fprofile", "-fcoverage", NULL };
	const char *const *p;

	for (; *args; args++) {
		if (starts_with(*args, "-g") && strcmp(*args, "-g0"))
			return 1;
		for (p = prefixes; *p; p++)
			if (starts_with(*args, *p))
				return 1;
	}
	return 0;
}

static int direct_compile(const char *cc, const struct compile_args *ca)
{
	struct strbuf unit = STRBUF_INIT, text = STRBUF_INIT;
	struct direct_hit hit = DIRECT_HIT_INIT;
	struct unit_copy u;
	char key[33];
	int status = -1, have_copy = 0;

	if (getenv("ACCC_REPLACE") ||
	    direct_key(ca->src, ca->args.v, cc, ACCC_VERSION, key) < 0 ||
	    !direct_lookup(config_get("dir"), key, ca->src, normalize_c, &hit))
		goto out;
	if (!direct_object_ok(ca->args.v) || (!hit.exact && object_has_lines(ca->args.v)))
		strbuf_reset(&hit.object);
	if (!hit.object.len || !hit.exact) {
		/* the unit made again from the source: after a comment edit
		 * every #line follows the edited file */
		if (strbuf_read_file(&text, ca->src, 256u << 20) < 0 ||
		    splice_recipe(&text, ca->src, &hit.recipe, hit.exact, &unit) < 0 ||
		    unit_copy_init(&u, cc, ca) < 0)
			goto out;
		have_copy = 1;
	}
	/* the same tokens, lines moved: the kept object holds (nothing in it
	 * records lines, no token names a position) if the edited text compiles
	 * silently; what the edit may bring (-Wcomment, misleading indentation)
	 * the front end tells */
	if (hit.object.len && !hit.exact && unit_copy_check(&u, unit.buf, unit.len) < 0)
		strbuf_reset(&hit.object);
	if (hit.object.len) {
		/* the kept object: no compile */
		char *output = unit_copy_output_name(ca);
		mode_t mask = umask(0);
		umask(mask);
		status = write_file_atomic(output, hit.object.buf, hit.object.len,
					   0666 & ~(int)mask) < 0 ? -1 : 0;
		free(output);
	} else
		status = unit_copy_compile(&u, unit.buf, unit.len, UNIT_COPY_INHERIT);
	if (have_copy)
		unit_copy_release(&u);
	if (status >= 0) {
		struct cache_store store;
		struct cache_stats st = CACHE_STATS_INIT;
		log_msg("direct hit %s for '%s': %ld kernel(s)%s", key, ca->src, hit.kernels,
			hit.exact ? "" : ", same tokens");
		cache_stats_add(&st, "direct_hit", 1);
		cache_stats_add(&st, "local_hit", hit.kernels);
		cache_store_init(&store, config_get("dir"), 0);
		cache_store_count(&store, NULL, &st);
		cache_store_release(&store);
		cache_stats_release(&st);
	}
out:
	direct_hit_release(&hit);
	strbuf_release(&unit);
	strbuf_release(&text);
	return status;
}

int main(int argc, char **argv)
{
	struct invocation inv = INVOCATION_INIT;
	struct compile_args ca = COMPILE_ARGS_INIT;
	const char *const *args;
	const char *mode;
	int status;
	int own_name = !strncmp(strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1
				: argv[0], "accc", 4);

	if (own_name && (argc < 2 || is_subcommand(argv[1]))) {
		log_set_stderr(1);
		exec_core(argv);
		return 127;
	}

	config_load();
	if (compiler_resolve(argc, (const char *const *)argv, config_get("cc"), &inv) < 0) {
		fprintf(stderr, "accc: error: cannot find the real compiler '%s' "
			"(set ACCC_CC, or call 'accc gcc ...')\n", inv.cc.buf);
		return 1;
	}
	args = (const char *const *)argv + inv.args_start;
	mode = config_get("mode");
	if (!strcmp(mode, "off"))
		exec_compiler(inv.cc.buf, args);
	args_classify(args, &ca);
	if (!ca.candidate) {
		log_msg("pass-through (%s)", ca.why);
		exec_compiler(inv.cc.buf, args);
	}
	if (scan_file_for_pragma(ca.src) <= 0)
		exec_compiler(inv.cc.buf, args);
	status = direct_compile(inv.cc.buf, &ca);
	if (status >= 0)
		return status;
	exec_core_compile(inv.cc.buf, args);
}
