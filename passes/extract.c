#include "extract.h"
#include "normalize.h"
#include "splice.h"
#include "xalloc.h"

#include <stdlib.h>

static struct range *all_sites(const struct detect *d, size_t *ret_nr)
{
	size_t n = detect_nr_sites(d), j;
	struct range *sites = xcalloc(n + 1, sizeof(*sites));

	for (j = 0; j < n; j++)
		sites[j] = detect_site(d, j);
	*ret_nr = n;
	return sites;
}

static void add_line(struct strbuf *out, unsigned line, const char *path)
{
	strbuf_addf(out, "#line %u ", line);
	splice_add_line_name(out, path);
	strbuf_addch(out, '\n');
}

int extract_unit(const struct detect *d, size_t i, const char *variant,
		 struct strbuf *out)
{
	const struct kernel *k = detect_kernel(d, i);
	const struct strbuf *text = detect_text(d);
	struct range *ranges = NULL, *sites;
	size_t nr = 0, nr_sites, j;

	if (detect_closure(d, i, &ranges, &nr) < 0)
		return -1;
	sites = all_sites(d, &nr_sites);
	strbuf_addf(out, "/* accc: standalone unit of kernel '%s' */\n", k->name);
	for (j = 0; j < nr; j++) {
		struct range r = ranges[j];
		add_line(out, detect_line_of(d, r.start), detect_path(d));
		if (variant && r.start <= k->def.start && k->def.end <= r.end) {
			struct range before = { r.start, k->def.start };
			char *vname = xstrfmt("accc-variant/%s.c", k->name);
			splice_copy_erased(out, text, before, sites, nr_sites);
			strbuf_addch(out, '\n');
			add_line(out, 1, vname);
			strbuf_addstr(out, variant);
			strbuf_addch(out, '\n');
			add_line(out, detect_line_of(d, k->def.end), detect_path(d));
			r.start = k->def.end;
			free(vname);
		}
		splice_copy_erased(out, text, r, sites, nr_sites);
		strbuf_addch(out, '\n');
	}
	free(sites);
	free(ranges);
	return 0;
}

int extract_closure_tokens(const struct detect *d, size_t i, struct strbuf *out)
{
	const struct strbuf *text = detect_text(d);
	struct range *ranges = NULL, *sites;
	struct strbuf raw = STRBUF_INIT;
	size_t nr = 0, nr_sites, j;

	if (detect_closure(d, i, &ranges, &nr) < 0)
		return -1;
	sites = all_sites(d, &nr_sites);
	for (j = 0; j < nr; j++) {
		splice_copy_erased(&raw, text, ranges[j], sites, nr_sites);
		strbuf_addch(&raw, '\n');
	}
	normalize_c(raw.buf, raw.len, out);
	strbuf_release(&raw);
	free(sites);
	free(ranges);
	return 0;
}
