#include "args.h"
#include "log.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <string.h>

/* Options whose value is the next argument when not joined. */
static const char *const separate_arg_opts[] = {
	"-o", "-x", "-I", "-D", "-U", "-include", "-imacros", "-idirafter",
	"-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isystem",
	"-isysroot", "-iquote", "-imultilib", "-MF", "-MT", "-MQ", "-Xlinker",
	"-Xassembler", "-Xpreprocessor", "-Xclang", "-L", "-l", "-u", "-T", "-z",
	"-A", "-G", "-B", "--param", "-aux-info", "-dumpbase", "-dumpbase-ext",
	"-dumpdir", "-target", "-arch", "-mllvm", "-F", "-framework",
	"-working-directory", "--serialize-diagnostics", "-ivfsoverlay",
	"--sysroot", "-e", "-Xarch_host", "-Xarch_device", "--include",
	"--include-directory", "--define-macro", "--undefine-macro",
	"--output", "--language", NULL,
};

/* Options that make a command line something other than a compile to an
 * object; exact match. */
static const char *const passthrough_opts[] = {
	"-E", "-S", "-M", "-MM", "-fsyntax-only", "-###", "-v", "--help",
	"--version", "-cc1", "-cc1as", "-emit-llvm", "-save-temps", "-flto-partition=none-never",
	"-fdump-translation-unit", "--analyze", "-print-search-dirs",
	"-dumpversion", "-dumpmachine", "-dumpspecs", NULL,
};

/* Prefixes of flags libclang needs to see the unit as the compiler does. */
static const char *const parse_prefixes[] = {
	"-I", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote",
	"-idirafter", "-isysroot", "--sysroot", "-std=", "--std=", "-ansi",
	"--target=", "-target", "-march=", "-mtune=", "-mcpu=", "-m32", "-m64",
	"-mx32", "-msse", "-mavx", "-mfma", "-mf16c", "-mbmi", "-mpopcnt",
	"-mlzcnt", "-mno-sse", "-mno-avx", "-mno-fma", "-O", "-fsigned-char",
	"-funsigned-char", "-fno-signed-char", "-fno-unsigned-char", "-fopenmp",
	"-pthread", "-nostdinc", "-undef", "-ffreestanding", "-fno-builtin",
	"-fgnu89-inline", "-fms-extensions", "-fblocks", NULL,
};

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static int has_prefix_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (starts_with(s, *list))
			return 1;
	return 0;
}

/* Split one response file's text by gcc's rules into `out`. */
static void split_response(const char *p, struct strvec *out)
{
	struct strbuf word = STRBUF_INIT;
	int in_word = 0;
	char quote = 0;

	for (; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			else if (*p == '\\' && p[1])
				strbuf_addch(&word, *++p);
			else
				strbuf_addch(&word, *p);
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			in_word = 1;
		} else if (*p == '\\' && p[1]) {
			strbuf_addch(&word, *++p);
			in_word = 1;
		} else if (strchr(" \t\r\n\f\v", *p)) {
			if (in_word)
				strvec_push(out, word.buf);
			strbuf_reset(&word);
			in_word = 0;
		} else {
			strbuf_addch(&word, *p);
			in_word = 1;
		}
	}
	if (in_word)
		strvec_push(out, word.buf);
	strbuf_release(&word);
}

static int expand_depth(const char *const *argv, struct strvec *ret, int depth)
{
	for (; *argv; argv++) {
		struct strbuf sb = STRBUF_INIT;
		struct strvec sub = STRVEC_INIT;
		int r;

		if ((*argv)[0] != '@' || !(*argv)[1]) {
			strvec_push(ret, *argv);
			continue;
		}
		if (depth > 16)
			return error("response files nested too deeply at '%s'", *argv);
		if (strbuf_read_file(&sb, *argv + 1, 64 << 20) < 0) {
			/* gcc keeps an unreadable @file as a literal argument */
			if (errno == ENOENT) {
				strvec_push(ret, *argv);
				strbuf_release(&sb);
				continue;
			}
			strbuf_release(&sb);
			return error("cannot read response file '%s': %s", *argv + 1,
				     strerror(errno));
		}
		split_response(sb.buf, &sub);
		r = expand_depth(sub.v, ret, depth + 1);
		strvec_clear(&sub);
		strbuf_release(&sb);
		if (r < 0)
			return -1;
	}
	return 0;
}

int args_expand(const char *const *argv, struct strvec *ret)
{
	return expand_depth(argv, ret, 0);
}

/* Extension-based language of an input, as gcc decides it. */
static int is_c_source(const char *path)
{
	return ends_with(path, ".c");
}

static int takes_separate_arg(const char *a)
{
	return in_list(a, separate_arg_opts);
}

/* Flags a standalone build of the kernel must not carry. */
static int is_build_only_noise(const char *a)
{
	if (!strcmp(a, "-c") || !strcmp(a, "-MD") || !strcmp(a, "-MMD") ||
	    !strcmp(a, "-MP") || starts_with(a, "-Wp,") ||
	    starts_with(a, "-fdiagnostics") || !strcmp(a, "-fcolor-diagnostics") ||
	    !strcmp(a, "-fno-color-diagnostics") || !strcmp(a, "-pipe"))
		return 1;
	/* warnings (but not -Wa, -Wl, which pass options on) */
	if ((starts_with(a, "-W") && !starts_with(a, "-Wa,") && !starts_with(a, "-Wl,")) ||
	    !strcmp(a, "-w") ||
	    !strcmp(a, "-pedantic") || !strcmp(a, "-pedantic-errors"))
		return 1;
	return 0;
}

/* Flags of a build that name paths or only shape debug info. */
static const char *const unkeyed_prefixes[] = {
	"-I", "-iquote", "-isystem", "-idirafter", "-isysroot", "--sysroot",
	"-include", "-imacros", "-iprefix", "-iwithprefix", "-g",
	"-fdebug-prefix-map", "-ffile-prefix-map", "-fmacro-prefix-map",
	"-fprofile-prefix-map", "-gdwarf", "-gz", "-L", "-l", "-Wl,", NULL,
};

static void note_dep_option(struct compile_args *ca, const char *a,
			    const char *next)
{
	if (!strcmp(a, "-MD") || !strcmp(a, "-MMD"))
		ca->dep = 1;
	else if (!strcmp(a, "-MF"))
		ca->dep_file = next;
	else if (starts_with(a, "-MF"))
		ca->dep_file = a + 3;
	else if (starts_with(a, "-MT") || starts_with(a, "-MQ"))
		ca->dep_target = 1;
	else if (starts_with(a, "-Wp,-MD,") || starts_with(a, "-Wp,-MMD,"))
		ca->wp_dep = 1;
}

static void add_flag(struct strvec *dst, const char *a, const char *next,
		     int separate)
{
	strvec_push(dst, a);
	if (separate && next)
		strvec_push(dst, next);
}

/* Walk the expanded args once; fills everything but the final verdict. */
static const char *scan_args(struct compile_args *ca)
{
	const char *lang = NULL; /* from -x; NULL = by extension */
	int compile = 0, nr_inputs = 0;
	size_t i;

	for (i = 0; i < ca->args.nr; i++) {
		const char *a = ca->args.v[i];
		const char *next = i + 1 < ca->args.nr ? ca->args.v[i + 1] : NULL;
		int separate = takes_separate_arg(a);

		if (separate && !next)
			return "option missing its argument";
		if (a[0] != '-' || !a[1]) {
			if (!strcmp(a, "-"))
				return "input from stdin";
			nr_inputs++;
			if (lang ? strcmp(lang, "c") : !is_c_source(a))
				return "not a C source";
			ca->src_index = i;
			ca->src = a;
			continue;
		}
		if (in_list(a, passthrough_opts) || starts_with(a, "-save-temps") ||
		    starts_with(a, "-print-") || starts_with(a, "--print-"))
			return "not a plain compile to an object";
		if (!strcmp(a, "-c"))
			compile = 1;
		if (!strcmp(a, "-x") || starts_with(a, "-x")) {
			lang = !strcmp(a, "-x") ? next : a + 2;
			if (!strcmp(lang, "none"))
				lang = NULL;
		}
		if (!strcmp(a, "-o") || starts_with(a, "-o"))
			ca->output = !strcmp(a, "-o") ? next : a + 2;
		note_dep_option(ca, a, next);
		if (has_prefix_in(a, parse_prefixes))
			add_flag(&ca->parse_flags, a, next, separate);
		if (strcmp(a, "-o") && !starts_with(a, "-o") && !is_build_only_noise(a) &&
		    strcmp(a, "-MF") && strcmp(a, "-MT") && strcmp(a, "-MQ") &&
		    !starts_with(a, "-MF") && !starts_with(a, "-MT") &&
		    !starts_with(a, "-MQ")) {
			add_flag(&ca->build_flags, a, next, separate);
			if (!has_prefix_in(a, unkeyed_prefixes))
				add_flag(&ca->key_flags, a, next, separate);
		}
		if (separate)
			i++;
	}
	if (!compile)
		return "not a compile to an object (no -c)";
	if (nr_inputs != 1)
		return nr_inputs ? "several inputs" : "no input";
	if (ca->output && !strcmp(ca->output, "-"))
		return "object written to stdout";
	return NULL;
}

int args_classify(const char *const *argv, struct compile_args *ret)
{
	struct compile_args blank = COMPILE_ARGS_INIT;

	*ret = blank;
	if (args_expand(argv, &ret->args) < 0) {
		ret->why = "unreadable response file";
		return -1;
	}
	ret->why = scan_args(ret);
	ret->candidate = !ret->why;
	if (!ret->candidate) {
		ret->src = NULL;
		ret->output = NULL;
	}
	return 0;
}

void compile_args_release(struct compile_args *ca)
{
	strvec_clear(&ca->args);
	strvec_clear(&ca->parse_flags);
	strvec_clear(&ca->build_flags);
	strvec_clear(&ca->key_flags);
}
