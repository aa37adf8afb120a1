#ifndef ACCC_REPORT_H
#define ACCC_REPORT_H
/*
 * accc report: what the searches did, as data (report.c reads every
 * <dir>/runs/<kernel>-<key>/search.json with its artifacts and adds what a
 * reader wants: the winner, its path, the best speedup per iteration, the
 * winner's diff against the original, the machine's peaks) and as one
 * self-contained HTML page (report_html.c: inline SVG, CSS and a little
 * script, nothing fetched).
 */
#include "strbuf.h"

#include <cjson/cJSON.h>

/*
 * The report data: {"generated", "dir", "peaks" (or null), "kernels": [one
 * search.json each, plus "run", "winner" (node id or -1), "path" (ids,
 * original first), "best_per_iteration", "original_code", "winner_code",
 * "diff"]}.  `only` selects a kernel name, a run folder's name or a path to
 * a run folder or its search.json; NULL takes every run.  Returns NULL
 * (after an error naming what was looked for) when nothing matches.
 * Caller frees with cJSON_Delete.
 */
cJSON *report_collect(const char *dir, const char *only);

/* Append the HTML page for data from report_collect. */
void report_html(const cJSON *data, struct strbuf *out);

/* The line diff of a against b as unified-style lines ("-", "+", " "). */
void report_diff(const char *a, const char *b, struct strbuf *out);

#endif
