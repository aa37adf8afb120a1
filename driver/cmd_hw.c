/* accc hw [--json] [--target NAME]: the hardware fingerprint a target keys
 * its cache entries with (the text form is exactly what goes into keys).
 * accc hw --peaks [--force] [--json]: this machine's peaks for roofline
 * figures, measured once and kept in <dir>/peaks.json with the fingerprint. */
#include "cmds.h"
#include "config.h"
#include "log.h"
#include "peaks.h"
#include "xalloc.h"
#include "strbuf.h"
#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_hw(int argc, const char **argv);

static void print_peaks(const struct host_peaks *p, const char *path, int measured)
{
	int l;

	printf("peaks of this machine, one core (%s %s):\n", measured ? "measured now, kept in"
	       : "measured before, read from", path);
	printf("  %-6s %8.1f GFLOP/s f32, %.1f GFLOP/s f64 (FMA, %s)\n", "compute",
	       p->gflops_f32, p->gflops_f64, p->isa);
	for (l = 0; l < PEAKS_NR_LEVELS; l++)
		if (p->gbytes[l] > 0)
			printf("  %-6s %8.1f GB/s%s\n", peaks_level_names[l], p->gbytes[l],
			       l == PEAKS_DRAM ? " (triad or read-only, the better)" : "");
	if (measured)
		printf("(measuring took %.1f s; 'accc hw --peaks --force' measures again)\n",
		       p->measure_s);
}

static int cmd_peaks(int json, int force)
{
	struct host_peaks p;
	struct strbuf out = STRBUF_INIT;
	char *path;
	int measured = 0, ret = 0;

	config_load();
	path = xstrfmt("%s/peaks.json", config_get("dir"));
	if (force || peaks_load(&p, path) < 0) {
		peaks_measure(&p);
		measured = 1;
		if (peaks_save(&p, path) < 0)
			ret = 1;
	}
	if (json) {
		peaks_json(&p, &out);
		puts(out.buf);
	} else {
		print_peaks(&p, path, measured);
	}
	strbuf_release(&out);
	free(path);
	return ret;
}

int cmd_hw(int argc, const char **argv)
{
	const struct target *t = target_list[0];
	struct strbuf out = STRBUF_INIT;
	int json = 0, peaks = 0, force = 0, i, ret;

	log_set_stderr(1);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--peaks")) {
			peaks = 1;
		} else if (!strcmp(argv[i], "--force")) {
			force = 1;
		} else if (!strcmp(argv[i], "--target") && i + 1 < argc) {
			t = target_find(argv[++i]);
			if (!t) {
				struct strbuf known = STRBUF_INIT;
				int k;
				for (k = 0; target_list[k]; k++)
					strbuf_addf(&known, "%s%s", k ? ", " : "",
						    target_list[k]->name);
				error("unknown target '%s' (known: %s)", argv[i], known.buf);
				strbuf_release(&known);
				return 2;
			}
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: accc hw [--json] [--target NAME] | accc hw --peaks [--force] [--json]\n");
			return 0;
		} else {
			error("unknown option '%s'", argv[i]);
			fprintf(stderr, "usage: accc hw [--json] [--target NAME] | accc hw --peaks [--force] [--json]\n");
			return 2;
		}
	}
	if (peaks)
		return cmd_peaks(json, force);
	/* a target without its hardware says why in its text ("error ...")
	 * and fails; the text is printed either way */
	ret = json ? t->fingerprint_json(&out) : t->fingerprint(&out);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	return ret ? 1 : 0;
}
