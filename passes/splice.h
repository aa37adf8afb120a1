#ifndef ACCC_SPLICE_H
#define ACCC_SPLICE_H
/*
 * Text surgery on a unit: erase the pragma sites and replace kernel
 * definitions, with #line directives so that every diagnostic outside a
 * replaced kernel lands on the original file and line (and column).
 */
#include "detect.h"
#include "direct.h"
#include "strbuf.h"

struct splice_repl {
	struct range def;   /* the definition to replace */
	const char *name;   /* the kernel's name, for the variant's #line */
	const char *text;   /* the replacement: helpers, then the definition */
};

/* Append to out a C string literal naming `path` for #line. */
void splice_add_line_name(struct strbuf *out, const char *path);

/*
 * Append to `out` the unit `text` (read from `path`) with the sites erased
 * (every byte but newlines turned into a space) and each replacement
 * spliced in.  Replacements must not overlap.  Starts with `#line 1`.
 */
void splice_unit(const struct strbuf *text, const char *path,
		 const struct range *sites, size_t nr_sites,
		 const struct splice_repl *repls, size_t nr_repls,
		 struct strbuf *out);

/*
 * Append text[r] with the sites inside it erased (newlines kept).
 */
void splice_copy_erased(struct strbuf *out, const struct strbuf *text,
			struct range r, const struct range *sites,
			size_t nr_sites);

/*
 * Direct mode (direct.h): fill in the token indexes of the byte ranges of
 * `rc`, made for `text`.
 */
void splice_recipe_tokens(const struct strbuf *text, struct direct_recipe *rc);
/*
 * The unit of `text` (read from `path`) as `rc` says.  With `exact`, the
 * text is the one the recipe was made for and its byte ranges are used;
 * otherwise its tokens are the same and the token ranges are found in this
 * text.  Returns 0, or -1 when the recipe does not fit the text.
 */
int splice_recipe(const struct strbuf *text, const char *path, const struct direct_recipe *rc,
		  int exact, struct strbuf *out);

#endif
