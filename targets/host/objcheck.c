/*
 * ELF64 relocatable objects, read by hand: the file comes from a compiler
 * fed untrusted source (asm can shape it), so every offset is bounds-checked
 * and nothing is executed.
 */
#include "objcheck.h"
#include "log.h"
#include "strbuf.h"
#include "xalloc.h"

#include <elf.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define OBJ_MAX (256u << 20)

static int in_bounds(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

static void classify_sections(struct objinfo *oi, const unsigned char *f, size_t size,
			      const Elf64_Shdr *sh, size_t nsh)
{
	size_t i;

	for (i = 0; i < nsh; i++) {
		const char *name = oi->shstr + sh[i].sh_name;
		uint64_t fl = sh[i].sh_flags;
		int ctor = sh[i].sh_type == SHT_INIT_ARRAY || sh[i].sh_type == SHT_FINI_ARRAY ||
			   sh[i].sh_type == SHT_PREINIT_ARRAY ||
			   !strncmp(name, ".init_array", 11) || !strncmp(name, ".fini_array", 11) ||
			   !strncmp(name, ".preinit_array", 14) || !strncmp(name, ".ctors", 6) ||
			   !strncmp(name, ".dtors", 6) || !strcmp(name, ".init") ||
			   !strcmp(name, ".fini");
		if (ctor && sh[i].sh_size && !oi->ctor)
			oi->ctor = xstrdup(name);
		if ((fl & SHF_WRITE) && (fl & SHF_EXECINSTR) && !oi->wx)
			oi->wx = xstrdup(name);
		if (!strcmp(name, ".note.GNU-stack")) {
			oi->note_stack = 1;
			if (fl & SHF_EXECINSTR)
				oi->exec_stack = 1;
		}
		if ((fl & SHF_ALLOC) && (fl & SHF_TLS))
			oi->tls_bytes += sh[i].sh_size;
		else if ((fl & SHF_ALLOC) && (fl & SHF_WRITE) && !ctor &&
			 strncmp(name, ".data.rel.ro", 12))
			oi->writable_bytes += sh[i].sh_size;
		if ((fl & SHF_EXECINSTR) && sh[i].sh_type == SHT_PROGBITS &&
		    in_bounds(size, sh[i].sh_offset, sh[i].sh_size)) {
			const unsigned char *p = f + sh[i].sh_offset;
			uint64_t j;
			for (j = 0; j + 1 < sh[i].sh_size; j++)
				if ((p[j] == 0x0f && (p[j + 1] == 0x05 || p[j + 1] == 0x34)) ||
				    (p[j] == 0xcd && p[j + 1] == 0x80))
					oi->syscall_bytes = 1;
		}
	}
}

static int read_symbols(struct objinfo *oi, const unsigned char *f, size_t size,
			const Elf64_Shdr *sh, size_t nsh, const Elf64_Shdr *symtab)
{
	const Elf64_Shdr *strsec;
	const Elf64_Sym *sym;
	size_t n, i;

	if (symtab->sh_link >= nsh || symtab->sh_entsize != sizeof(Elf64_Sym) ||
	    !in_bounds(size, symtab->sh_offset, symtab->sh_size))
		return -1;
	strsec = &sh[symtab->sh_link];
	if (!in_bounds(size, strsec->sh_offset, strsec->sh_size) || !strsec->sh_size ||
	    f[strsec->sh_offset + strsec->sh_size - 1] != '\0')
		return -1;
	sym = (const Elf64_Sym *)(f + symtab->sh_offset);
	n = symtab->sh_size / sizeof(Elf64_Sym);
	oi->syms = xcalloc(n ? n : 1, sizeof(*oi->syms));
	for (i = 1; i < n; i++) {
		struct objsym *s = &oi->syms[oi->nr];
		int type = ELF64_ST_TYPE(sym[i].st_info);
		if (sym[i].st_name >= strsec->sh_size)
			return -1;
		if (type == STT_SECTION || type == STT_FILE)
			continue;
		s->name = xstrdup((const char *)f + strsec->sh_offset + sym[i].st_name);
		s->bind = ELF64_ST_BIND(sym[i].st_info);
		s->type = type;
		s->size = sym[i].st_size;
		s->tls = type == STT_TLS;
		if (sym[i].st_shndx == SHN_COMMON) {
			s->defined = s->writable = 1;
			oi->writable_bytes += sym[i].st_size;
			s->section = "COMMON";
		} else if (sym[i].st_shndx != SHN_UNDEF) {
			s->defined = 1;
			if (sym[i].st_shndx < nsh) {
				const Elf64_Shdr *d = &sh[sym[i].st_shndx];
				s->section = oi->shstr + d->sh_name;
				s->writable = (d->sh_flags & SHF_ALLOC) && (d->sh_flags & SHF_WRITE) &&
					      !(d->sh_flags & SHF_TLS) &&
					      strncmp(s->section, ".data.rel.ro", 12);
				s->tls |= !!(d->sh_flags & SHF_TLS);
			}
		}
		if (*s->name || s->defined)
			oi->nr++;
		else
			free(s->name);
	}
	return 0;
}

int objinfo_read(const char *path, struct objinfo *oi)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *f;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh, *symtab = NULL;
	size_t nsh, i;
	int ret = -1;

	memset(oi, 0, sizeof(*oi));
	if (strbuf_read_file(&sb, path, OBJ_MAX) < 0) {
		error("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	f = (const unsigned char *)sb.buf;
	eh = (const Elf64_Ehdr *)f;
	if (sb.len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_type != ET_REL ||
	    eh->e_machine != EM_X86_64 || eh->e_shentsize != sizeof(Elf64_Shdr)) {
		error("'%s' is not an x86-64 ELF relocatable object", path);
		goto out;
	}
	nsh = eh->e_shnum;
	if (!in_bounds(sb.len, eh->e_shoff, (uint64_t)nsh * sizeof(Elf64_Shdr)) ||
	    eh->e_shstrndx >= nsh) {
		error("'%s': bad section table", path);
		goto out;
	}
	sh = (const Elf64_Shdr *)(f + eh->e_shoff);
	if (!in_bounds(sb.len, sh[eh->e_shstrndx].sh_offset, sh[eh->e_shstrndx].sh_size)) {
		error("'%s': bad section names", path);
		goto out;
	}
	oi->shstr = xcalloc(1, sh[eh->e_shstrndx].sh_size + 1);
	memcpy(oi->shstr, f + sh[eh->e_shstrndx].sh_offset, sh[eh->e_shstrndx].sh_size);
	for (i = 0; i < nsh; i++) {
		if (sh[i].sh_name >= sh[eh->e_shstrndx].sh_size) {
			error("'%s': bad section name", path);
			goto out;
		}
		if (sh[i].sh_type == SHT_SYMTAB)
			symtab = &sh[i];
	}
	classify_sections(oi, f, sb.len, sh, nsh);
	if (symtab && read_symbols(oi, f, sb.len, sh, nsh, symtab) < 0) {
		error("'%s': bad symbol table", path);
		goto out;
	}
	ret = 0;
out:
	if (ret < 0)
		objinfo_release(oi);
	strbuf_release(&sb);
	return ret;
}

void objinfo_release(struct objinfo *oi)
{
	size_t i;
	for (i = 0; i < oi->nr; i++)
		free(oi->syms[i].name);
	free(oi->syms);
	free(oi->shstr);
	free(oi->ctor);
	free(oi->wx);
	memset(oi, 0, sizeof(*oi));
}

/* libm names; each also with an 'f' and an 'l' suffix. */
static const char *const libm_names[] = {
	"acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "ceil",
	"copysign", "cos", "cosh", "erf", "erfc", "exp", "exp2", "exp10", "expm1",
	"fabs", "fdim", "floor", "fma", "fmax", "fmin", "fmod", "frexp", "hypot",
	"ilogb", "ldexp", "lgamma", "llrint", "llround", "log", "log10", "log1p",
	"log2", "logb", "lrint", "lround", "modf", "nan", "nearbyint", "nextafter",
	"pow", "remainder", "remquo", "rint", "round", "scalbn", "scalbln", "sin",
	"sincos", "sinh", "sqrt", "tan", "tanh", "tgamma", "trunc", NULL
};

/* Everything else a kernel may import: memory functions the compiler emits,
 * the wrapped allocator, and compiler runtime helpers.  Data objects among
 * them, which a candidate could write to keep state: the GOT (read-only
 * after start: harnesses link with -z relro -z now) and libgcc's
 * __cpu_model/__cpu_features2 (what __builtin_cpu_supports reads; the
 * harness compares them around every call).  __stack_chk_guard is not
 * here: x86-64 keeps the canary in the TCB. */
static const char *const other_imports[] = {
	"memcpy", "memmove", "memset", "memcmp", "__memcpy_chk", "__memmove_chk",
	"__memset_chk", "malloc", "calloc", "realloc", "free", "aligned_alloc",
	"posix_memalign", "memalign", "abs", "labs", "llabs",
	"__stack_chk_fail", "_GLOBAL_OFFSET_TABLE_",
	"__divti3", "__udivti3", "__modti3", "__umodti3", "__udivmodti4",
	"__divmodti4", "__multi3", "__mulsc3", "__muldc3", "__mulxc3", "__divsc3",
	"__divdc3", "__divxc3", "__powisf2", "__powidf2", "__powixf2",
	"__popcountdi2", "__popcountti2", "__clzti2", "__ctzti2", "__ffsti2",
	"__cpu_model", "__cpu_features2", "__cpu_indicator_init", "__fixsfti",
	"__fixdfti", "__fixunssfti", "__fixunsdfti", "__floattisf", "__floattidf",
	"__floatuntisf", "__floatuntidf", "__extendhfsf2", "__truncsfhf2",
	"__truncdfhf2", "__extendbfsf2", "__truncsfbf2", "__fpclassify",
	"__fpclassifyf", "__isnan", "__isnanf", "__isinf", "__isinff", "__signbit",
	"__signbitf", "__finite", "__finitef", NULL
};

static int in_list(const char *const *list, const char *name)
{
	size_t i;
	for (i = 0; list[i]; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

static int is_libm(const char *name)
{
	char base[64];
	size_t n = strlen(name);
	const char *core = name;

	/* glibc's __expf_finite and friends */
	if (!strncmp(name, "__", 2) && n > 9 && n < sizeof(base) + 9 &&
	    !strcmp(name + n - 7, "_finite")) {
		memcpy(base, name + 2, n - 9);
		base[n - 9] = '\0';
		core = base;
		n = strlen(core);
	}
	if (in_list(libm_names, core))
		return 1;
	if (n > 1 && n < sizeof(base) && (core[n - 1] == 'f' || core[n - 1] == 'l')) {
		char stem[64];
		memcpy(stem, core, n - 1);
		stem[n - 1] = '\0';
		return in_list(libm_names, stem);
	}
	return 0;
}

int objcheck_import_allowed(const char *name)
{
	/* _ZGV...: glibc's vector math library (libmvec) */
	return is_libm(name) || in_list(other_imports, name) || !strncmp(name, "_ZGV", 4);
}

/* Names a candidate must never define, whatever the reference does. */
static const char *const never_define[] = {
	"clock_gettime", "gettimeofday", "time", "clock", "clock_getres", "memcmp",
	"bcmp", "strcmp", "strncmp", "strlen", "memchr", "exit", "_exit", "_Exit",
	"abort", "atexit", "signal", "sigaction", "raise", "kill", "write", "read",
	"open", "openat", "close", "mmap", "munmap", "mprotect", "madvise",
	"nanosleep", "usleep", "sleep", "sched_yield", "getpid", "fork", "getenv",
	"main", "_start", "syscall", "__libc_start_main", "dlopen", "dlsym", NULL
};

static int never_defined(const char *name)
{
	return in_list(never_define, name) || objcheck_import_allowed(name) ||
	       !strncmp(name, "__wrap_", 7) || !strncmp(name, "__real_", 7) ||
	       !strncmp(name, "hx_", 3) || !strncmp(name, "pthread_", 8);
}

static const struct objsym *find_sym(const struct objinfo *oi, const char *name,
				     int defined, int global)
{
	size_t i;
	for (i = 0; i < oi->nr; i++) {
		const struct objsym *s = &oi->syms[i];
		if (strcmp(s->name, name) || s->defined != defined)
			continue;
		if (global && s->bind == STB_LOCAL)
			continue;
		return s;
	}
	return NULL;
}

/* Writable local statics get ".0", ".1" suffixes that change with order. */
static int same_static(const char *a, const char *b)
{
	size_t la = strcspn(a, "."), lb = strcspn(b, ".");
	return la == lb && !strncmp(a, b, la);
}

static int ref_has_writable(const struct objinfo *ref, const char *name)
{
	size_t i;
	for (i = 0; i < ref->nr; i++)
		if (ref->syms[i].writable && same_static(ref->syms[i].name, name))
			return 1;
	return 0;
}

static int reject(char **ret_rule, char **ret_why, const char *rule, char *why)
{
	*ret_rule = xstrdup(rule);
	*ret_why = why;
	return 1;
}

static int check_symbols(const struct objinfo *c, const struct objinfo *ref,
			 char **ret_rule, char **ret_why)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		const struct objsym *s = &c->syms[i];
		if (s->type == STT_GNU_IFUNC)
			return reject(ret_rule, ret_why, "ifunc",
				      xstrfmt("'%.80s' is an ifunc (code that runs at load time)", s->name));
		if (s->defined && s->bind != STB_LOCAL &&
		    (never_defined(s->name) || !find_sym(ref, s->name, 1, 1)))
			return reject(ret_rule, ret_why, "define",
				      xstrfmt("defines '%.80s', which the original does not", s->name));
		if (!s->defined && *s->name && !objcheck_import_allowed(s->name) &&
		    !find_sym(ref, s->name, 0, 0))
			return reject(ret_rule, ret_why, "import",
				      xstrfmt("uses '%.80s', which is not on the allowed list", s->name));
		if (s->tls && s->defined && !ref_has_writable(ref, s->name) &&
		    !find_sym(ref, s->name, 1, 0))
			return reject(ret_rule, ret_why, "tls",
				      xstrfmt("thread-local '%.80s' can carry state between calls", s->name));
		if (s->writable && s->size && !ref_has_writable(ref, s->name))
			return reject(ret_rule, ret_why, "static-data",
				      xstrfmt("writable static '%.80s' (%llu bytes in %.40s) can carry state between calls",
					      s->name, (unsigned long long)s->size,
					      s->section ? s->section : "?"));
	}
	return 0;
}

int objcheck(const struct objinfo *c, const struct objinfo *ref, char **ret_rule,
	     char **ret_why)
{
	*ret_rule = *ret_why = NULL;
	if (c->ctor)
		return reject(ret_rule, ret_why, "ctor",
			      xstrfmt("section '%.80s' runs code at load or exit", c->ctor));
	if (c->wx)
		return reject(ret_rule, ret_why, "exec-stack",
			      xstrfmt("section '%.80s' is writable and executable", c->wx));
	if (c->exec_stack)
		return reject(ret_rule, ret_why, "exec-stack",
			      xstrdup("the object asks for an executable stack"));
	if (check_symbols(c, ref, ret_rule, ret_why))
		return 1;
	if (c->writable_bytes > ref->writable_bytes)
		return reject(ret_rule, ret_why, "static-data",
			      xstrfmt("%llu bytes of writable static data (the original has %llu)",
				      (unsigned long long)c->writable_bytes,
				      (unsigned long long)ref->writable_bytes));
	if (c->tls_bytes > ref->tls_bytes)
		return reject(ret_rule, ret_why, "tls",
			      xstrfmt("%llu bytes of thread-local data",
				      (unsigned long long)c->tls_bytes));
	return 0;
}

/*
 * Instructions a kernel never needs and a cheat does (targets/README.md
 * has the reasons): system calls, private clocks and CPU identity, the
 * FS/GS bases, saving or loading the whole register state, protection
 * keys, hardware randomness, descriptor-table probes.
 */
static const struct {
	const char *mn, *rule;
} bad_insns[] = {
	{ "syscall", "syscall-insn" }, { "sysenter", "syscall-insn" },
	{ "sysret", "syscall-insn" }, { "int", "syscall-insn" },
	{ "rdtsc", "clock-insn" }, { "rdtscp", "clock-insn" }, { "rdpid", "clock-insn" },
	{ "rdpmc", "clock-insn" }, { "cpuid", "cpu-state-insn" }, { "lsl", "cpu-state-insn" },
	{ "rdfsbase", "cpu-state-insn" }, { "rdgsbase", "cpu-state-insn" },
	{ "wrfsbase", "cpu-state-insn" }, { "wrgsbase", "cpu-state-insn" },
	{ "xsave", "cpu-state-insn" }, { "xsave64", "cpu-state-insn" },
	{ "xsavec", "cpu-state-insn" }, { "xsavec64", "cpu-state-insn" },
	{ "xsaveopt", "cpu-state-insn" }, { "xsaveopt64", "cpu-state-insn" },
	{ "xsaves", "cpu-state-insn" }, { "xsaves64", "cpu-state-insn" },
	{ "xrstor", "cpu-state-insn" }, { "xrstor64", "cpu-state-insn" },
	{ "xrstors", "cpu-state-insn" }, { "xrstors64", "cpu-state-insn" },
	{ "fxsave", "cpu-state-insn" }, { "fxsave64", "cpu-state-insn" },
	{ "fxrstor", "cpu-state-insn" }, { "fxrstor64", "cpu-state-insn" },
	{ "wrpkru", "cpu-state-insn" }, { "rdpkru", "cpu-state-insn" },
	{ "xgetbv", "cpu-state-insn" }, { "sgdt", "cpu-state-insn" },
	{ "sidt", "cpu-state-insn" }, { "sldt", "cpu-state-insn" }, { "str", "cpu-state-insn" },
	{ "rdrand", "cpu-state-insn" }, { "rdseed", "cpu-state-insn" },
};

/* The mnemonic of one objdump line ("  12:\tmov    %rax,..."), or NULL. */
static const char *line_mnemonic(const char *line, const char *eol, size_t *len)
{
	const char *p = memchr(line, '\t', (size_t)(eol - line));
	if (!p || p == line || p[-1] != ':')
		return NULL;
	p++;
	while (p < eol && (!strncmp(p, "lock ", 5) || !strncmp(p, "rep ", 4) ||
			   !strncmp(p, "repz ", 5) || !strncmp(p, "repnz ", 6) ||
			   !strncmp(p, "data16 ", 7) || !strncmp(p, "rex.W ", 6)))
		p = strchr(p, ' ') + 1;
	*len = strcspn(p, " \n");
	return p;
}

int objcheck_disasm(const char *text, char **ret_rule, char **ret_why)
{
	const char *line = text;

	*ret_rule = *ret_why = NULL;
	while (*line) {
		const char *eol = line + strcspn(line, "\n"), *mn, *seg;
		size_t n, i, ll = (size_t)(eol - line) < 120 ? (size_t)(eol - line) : 120;
		const char *rule = NULL;

		mn = line_mnemonic(line, eol, &n);
		for (i = 0; mn && i < sizeof(bad_insns) / sizeof(bad_insns[0]); i++)
			if (strlen(bad_insns[i].mn) == n && !strncmp(mn, bad_insns[i].mn, n))
				rule = bad_insns[i].rule;
		/* %gs: never; %fs: only the stack protector's canary */
		seg = mn ? strstr(mn, "%gs:") : NULL;
		if (!seg && mn) {
			seg = strstr(mn, "%fs:");
			if (seg && seg < eol && !strncmp(seg, "%fs:0x28", 8) &&
			    !isxdigit((unsigned char)seg[8]))
				seg = NULL;
		}
		if (!rule && seg && seg < eol)
			rule = "segment-access";
		if (rule)
			return reject(ret_rule, ret_why, rule,
				      xstrfmt("forbidden instruction: '%.*s'", (int)ll, line));
		line = *eol ? eol + 1 : eol;
	}
	return 0;
}
