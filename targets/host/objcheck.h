#ifndef ACCC_OBJCHECK_H
#define ACCC_OBJCHECK_H
/*
 * Cheap checks that C makes possible (EVALUATION.md, "The object itself"):
 * what a candidate's object file defines, imports and reserves, compared
 * with the reference's object built from the original unit; and what its
 * source says before and after preprocessing.
 *
 * Every check returns 0 when the candidate passes, or 1 with *ret_rule (a
 * short rule id: "import", "define", "static-data", "tls", "ctor", "ifunc",
 * "exec-stack", "syscall-insn", "include", "pragma-optimize",
 * "optimize-attribute", "fast-math", "asm-syscall", "asm-data") and *ret_why
 * (one line naming the culprit in quotes); the caller frees both.  -1 means
 * the file could not be read or is not an x86-64 ELF relocatable object.
 */
#include <stddef.h>
#include <stdint.h>

struct objsym {
	char *name;
	int bind, type;
	int defined;         /* in a section of this object (or common) */
	int writable;        /* in a writable, non-relro allocated section */
	int tls;
	uint64_t size;
	const char *section; /* points into the section-name table copy */
};

struct objinfo {
	struct objsym *syms;
	size_t nr;
	char *shstr;             /* section names (owned) */
	uint64_t writable_bytes; /* .data, .bss and friends, common symbols */
	uint64_t tls_bytes;
	char *ctor;              /* first constructor/destructor section, or NULL */
	char *wx;                /* first writable+executable section, or NULL */
	int note_stack;          /* has .note.GNU-stack */
	int exec_stack;          /* ... and asks for an executable stack */
	int syscall_bytes;       /* 0f 05, 0f 34 or cd 80 in executable sections */
};

int objinfo_read(const char *path, struct objinfo *oi);
void objinfo_release(struct objinfo *oi);

/* Names the candidate may import beyond what the reference imports. */
int objcheck_import_allowed(const char *name);

/*
 * The symbol and section rules: global definitions only those the
 * reference defines (never a libc or harness name), imports from the
 * allow-list or the reference's, no writable static data or TLS beyond the
 * reference's, no constructors, no ifuncs, no executable stack, no
 * writable+executable section.
 */
int objcheck(const struct objinfo *cand, const struct objinfo *ref,
	     char **ret_rule, char **ret_why);

/* objdump -d output of the candidate: forbidden instructions (rules
 * "syscall-insn", "clock-insn", "cpu-state-insn") and FS/GS segment
 * operands other than the stack protector's %fs:0x28 ("segment-access").
 * Run on every candidate. */
int objcheck_disasm(const char *text, char **ret_rule, char **ret_why);

/* Every #include of the candidate must appear in the reference, or be an
 * angle-bracket header without ".." or a leading '/'. */
int srccheck_includes(const char *cand, const char *ref, char **ret_rule,
		      char **ret_why);

/* The preprocessed candidate (_Pragma and macros already expanded):
 * optimize pragmas and attributes, fast-math switches, asm with system
 * calls or raw data, unless `allow` (enum target_allow) permits them. */
int srccheck_preprocessed(const char *text, size_t len, unsigned allow,
			  char **ret_rule, char **ret_why);

#endif
