#include "extract.h"
#include "splice.h"
#include "xalloc.h"

#include <stdlib.h>

int extract_unit(const struct detect *d, size_t i, struct strbuf *out)
{
	const struct kernel *k = detect_kernel(d, i);
	const struct strbuf *text = detect_text(d);
	struct range *ranges = NULL, *sites = NULL;
	size_t nr = 0, nr_sites = detect_nr_sites(d), j;

	if (detect_closure(d, i, &ranges, &nr) < 0)
		return -1;
	sites = xcalloc(nr_sites + 1, sizeof(*sites));
	for (j = 0; j < nr_sites; j++)
		sites[j] = detect_site(d, j);
	strbuf_addf(out, "/* accc: standalone unit of kernel '%s' */\n", k->name);
	for (j = 0; j < nr; j++) {
		strbuf_addf(out, "#line %u ", detect_line_of(d, ranges[j].start));
		splice_add_line_name(out, detect_path(d));
		strbuf_addch(out, '\n');
		splice_copy_erased(out, text, ranges[j], sites, nr_sites);
		strbuf_addch(out, '\n');
	}
	free(sites);
	free(ranges);
	return 0;
}
