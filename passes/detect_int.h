#ifndef ACCC_DETECT_INT_H
#define ACCC_DETECT_INT_H
/* The detector's insides, shared by detect.c and detect_closure.c only. */
#include "detect.h"

#include <clang-c/Index.h>

/* A top-level declaration of the main file. */
struct toplevel {
	CXCursor cur;
	size_t start, end; /* end extended over a trailing ';' */
	char *name;        /* spelling; "" when anonymous */
};

/* A name a macro body may use: a top-level declaration or an enum constant. */
struct named {
	char *name;
	size_t tl;         /* index into toplevels */
};

struct macro {
	char *name;
	CXCursor cur;
	int in_main;
	struct range r;    /* main file: the whole directive */
};

struct expansion {
	size_t off, end;   /* the use, name to closing parenthesis */
	CXCursor def;
};

struct pragma_at {
	size_t off;        /* where it binds: '#' or _Pragma or the macro use */
	struct range site; /* text to erase, when in the main file */
	int has_site;
	struct strbuf text;
	size_t *map;       /* text byte -> file offset (NULL: all at `off`) */
};

struct detect {
	char *path;
	struct strbuf text;
	size_t *line_starts;
	size_t nr_lines;
	CXIndex index;
	CXTranslationUnit tu;
	CXFile file;
	struct strbuf diags;

	struct kernel *kernels;
	size_t nr_kernels, alloc_kernels;
	struct range *sites;
	size_t nr_sites, alloc_sites;

	struct toplevel *tls;
	size_t nr_tls, alloc_tls;
	struct named *names;
	size_t nr_names, alloc_names;
	struct macro *macros;
	size_t nr_macros, alloc_macros;
	struct range *includes;
	size_t nr_includes, alloc_includes;
	struct expansion *exps;
	size_t nr_exps, alloc_exps;
};

/* Expansion offset of a location, if it lies in the main file. */
int detect_main_offset(const struct detect *d, CXSourceLocation loc, size_t *ret);
/* Index of the innermost top-level declaration containing offset, or -1. */
long detect_toplevel_at(const struct detect *d, size_t off);
/* The last definition of macro `name` (a main-file one only before offset
 * `before`), or -1. */
long detect_find_macro(const struct detect *d, const char *name, size_t before);
/* Copy of a CXString's text (caller frees); disposes of s. */
char *detect_cxstr(CXString s);

#endif
