/*
 * The report as one HTML page: a summary table, then per search its tree,
 * the best speedup per iteration, every candidate's speedup against its
 * noise floor, the roofline and the winner's diff.  Everything is inline
 * (SVG, CSS, a few lines of script that show a clicked node's details), so
 * the file opens anywhere, offline, and can be mailed to a colleague.
 */
#include "report.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}"
	"h1{font-size:22px}h2{font-size:18px;border-top:2px solid #ddd;padding-top:12px}"
	"h3{font-size:15px;margin-bottom:4px}table{border-collapse:collapse;margin:8px 0}"
	"td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".facts{color:#444}.scroll{overflow:auto;max-height:640px;border:1px solid #eee}"
	"svg text{font:11px system-ui,sans-serif}svg .lbl{font-size:9px;fill:#555}"
	".node{cursor:pointer}.node:hover circle{stroke:#000;stroke-width:2}"
	"pre.diff{background:#fafafa;border:1px solid #ddd;padding:8px;overflow:auto}"
	".add{background:#e6ffec;display:block}.del{background:#ffebe9;display:block}"
	"#detail{position:sticky;top:0;background:#fffbe6;border:1px solid #e8d98a;"
	"padding:6px 10px;white-space:pre-wrap;font-family:monospace;font-size:12px;min-height:1.4em}"
	".legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;"
	"width:10px;height:10px;border-radius:5px;margin-right:4px}";

/* Clicking a node shows its details (kept in data-info) in the panel. */
static const char script[] =
	"document.addEventListener('click',function(e){"
	"var g=e.target.closest?e.target.closest('.node'):null;"
	"if(!g)return;var d=document.getElementById('detail');"
	"if(d)d.textContent=g.getAttribute('data-info');});";

struct status_color {
	const char *status, *color, *label;
};

static const struct status_color colors[] = {
	{ "original", "#607d8b", "original" },
	{ "faster", "#2e7d32", "correct, faster" },
	{ "ok", "#9ccc65", "correct, not faster" },
	{ "wrong", "#e53935", "wrong" },
	{ "compile_error", "#fb8c00", "compile error" },
	{ "crash", "#8e24aa", "crash" },
	{ "timeout", "#5e35b1", "timeout" },
	{ "rejected", "#6d4c41", "rejected" },
	{ "duplicate", "#cfd8dc", "duplicate" },
	{ NULL, "#9e9e9e", "no code / error" },
};

static void esc(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '"': strbuf_addstr(out, "&quot;"); break;
		case '\'': strbuf_addstr(out, "&#39;"); break;
		default: strbuf_addch(out, *s);
		}
	}
}

static const char *str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));
	return s ? s : "";
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const struct status_color *color_of(const cJSON *n)
{
	const char *st = str(n, "status");
	const cJSON *t = cJSON_GetObjectItem(n, "timing");
	size_t i;

	if (!strcmp(st, "ok") && t && cJSON_IsTrue(cJSON_GetObjectItem(t, "faster")))
		st = "faster";
	for (i = 0; colors[i].status; i++)
		if (!strcmp(st, colors[i].status))
			return &colors[i];
	return &colors[i];
}

/* A plan's first clause, short enough for an edge. */
static void edge_label(struct strbuf *out, const char *plan)
{
	size_t len = strcspn(plan, "\n.;:");
	struct strbuf s = STRBUF_INIT;

	strbuf_add(&s, plan, len > 34 ? 32 : len);
	if (len > 34)
		strbuf_addstr(&s, "...");
	esc(out, s.buf);
	strbuf_release(&s);
}

static int in_path(const cJSON *path, int id)
{
	const cJSON *p;
	cJSON_ArrayForEach(p, path)
		if ((int)p->valuedouble == id)
			return 1;
	return 0;
}

#define COL_W 250
#define ROW_H 22

/* The search tree: one column per iteration, children after parents. */
static void tree_svg(struct strbuf *out, const cJSON *run)
{
	const cJSON *nodes = cJSON_GetObjectItem(run, "nodes"), *path = cJSON_GetObjectItem(run, "path");
	const cJSON *n;
	int nr = cJSON_GetArraySize(nodes), i, maxrow = 0, maxcol = 0;
	int *row = xcalloc((size_t)nr + 1, sizeof(int)), *col = xcalloc((size_t)nr + 1, sizeof(int));
	int *used = xcalloc((size_t)nr + 2, sizeof(int));

	/* node ids are indexes (search.json lists them in order) */
	i = 0;
	cJSON_ArrayForEach(n, nodes) {
		int c = (int)num(n, "iteration") + 1;
		col[i] = c < 0 ? 0 : c;
		if (col[i] > maxcol)
			maxcol = col[i];
		i++;
	}
	for (int c = 0; c <= maxcol; c++) { /* rows in parent order */
		int r = 0;
		for (int p = -1; p < nr; p++)
			for (i = 0; i < nr; i++) {
				n = cJSON_GetArrayItem(nodes, i);
				if (col[i] == c && (int)num(n, "parent") == p)
					row[i] = r++;
			}
		used[c] = r;
		if (r > maxrow)
			maxrow = r;
	}
	strbuf_addf(out, "<div class=\"scroll\"><svg class=\"tree\" xmlns=\"http://www.w3.org/2000/svg\" "
		    "width=\"%d\" height=\"%d\">", (maxcol + 1) * COL_W + 40, maxrow * ROW_H + 30);
	for (i = 0; i < nr; i++) { /* edges first, under the nodes */
		int p;
		n = cJSON_GetArrayItem(nodes, i);
		p = (int)num(n, "parent");
		if (p < 0 || p >= nr)
			continue;
		{
			int x1 = 20 + col[p] * COL_W, y1 = 20 + row[p] * ROW_H;
			int x2 = 20 + col[i] * COL_W, y2 = 20 + row[i] * ROW_H;
			int hot = in_path(path, i) && in_path(path, p);
			strbuf_addf(out, "<path class=\"edge%s\" d=\"M%d %d C%d %d %d %d %d %d\" fill=\"none\" "
				    "stroke=\"%s\" stroke-width=\"%d\"/>", hot ? " win" : "", x1, y1,
				    x1 + COL_W / 2, y1, x1 + COL_W / 2, y2, x2, y2,
				    hot ? "#f9a825" : "#bbb", hot ? 4 : 1);
			strbuf_addf(out, "<text class=\"lbl\" x=\"%d\" y=\"%d\" text-anchor=\"end\">",
				    x2 - 9, y2 - 3);
			edge_label(out, str(n, "plan"));
			strbuf_addstr(out, "</text>");
		}
	}
	for (i = 0; i < nr; i++) {
		const struct status_color *sc;
		const cJSON *t;
		struct strbuf info = STRBUF_INIT;
		int id, x, y;
		n = cJSON_GetArrayItem(nodes, i);
		sc = color_of(n);
		t = cJSON_GetObjectItem(n, "timing");
		id = (int)num(n, "id");
		x = 20 + col[i] * COL_W;
		y = 20 + row[i] * ROW_H;
		strbuf_addf(&info, "node %d (parent %d, iteration %d): %s", id, (int)num(n, "parent"),
			    (int)num(n, "iteration") + 1, str(n, "status"));
		if (t)
			strbuf_addf(&info, ", %.3fx (noise %.1f%%)", num(t, "speedup"),
				    100 * num(t, "noise"));
		if (*str(n, "reason"))
			strbuf_addf(&info, "\n%s", str(n, "reason"));
		if (*str(n, "plan"))
			strbuf_addf(&info, "\nplan (%s, code %s): %s", str(n, "plan_model"),
				    str(n, "code_model"), str(n, "plan"));
		strbuf_addf(out, "<g class=\"node\" data-id=\"%d\" data-status=\"%s\" data-info=\"",
			    id, sc->label);
		esc(out, info.buf);
		strbuf_addf(out, "\"><circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\"%s/>", x, y,
			    in_path(cJSON_GetObjectItem(run, "path"), id) ? 8 : 6, sc->color,
			    in_path(cJSON_GetObjectItem(run, "path"), id)
			    ? " stroke=\"#f9a825\" stroke-width=\"3\"" : "");
		strbuf_addf(out, "<title>");
		esc(out, info.buf);
		strbuf_addf(out, "</title><text x=\"%d\" y=\"%d\">%d", x + 10, y + 4, id);
		if (t)
			strbuf_addf(out, " %.2fx", num(t, "speedup"));
		strbuf_addstr(out, "</text></g>");
		strbuf_release(&info);
	}
	strbuf_addstr(out, "</svg></div><p class=\"legend\">");
	for (i = 0; i < (int)(sizeof(colors) / sizeof(*colors)); i++)
		strbuf_addf(out, "<span><i style=\"background:%s\"></i>%s</span>", colors[i].color,
			    colors[i].label);
	strbuf_addstr(out, "<span><i style=\"background:#f9a825\"></i>the winner's path</span></p>");
	free(row);
	free(col);
	free(used);
}

/* A y axis from 0 to ymax (nice round top) with a few gridlines. */
static double axis(struct strbuf *out, double ymax, int x0, int y0, int w, int h, const char *unit)
{
	double top = 1, step;
	int k;

	while (top < ymax)
		top *= ymax / top > 5 ? 10 : 2;
	if (top > 2 * ymax && top / 2 >= ymax)
		top /= 2;
	step = top / 4;
	for (k = 0; k <= 4; k++) {
		int y = y0 + h - (int)(h * k / 4.0);
		strbuf_addf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/>"
			    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%g%s</text>",
			    x0, y, x0 + w, y, x0 - 4, y + 4, step * k, unit);
	}
	return top;
}

static void iterations_svg(struct strbuf *out, const cJSON *run)
{
	const cJSON *best = cJSON_GetObjectItem(run, "best_per_iteration"), *b;
	int nr = cJSON_GetArraySize(best), i = 0, W = 420, H = 160, x0 = 50, y0 = 10;
	double ymax = 1, top;

	if (!nr) {
		strbuf_addstr(out, "<p>No iteration finished.</p>");
		return;
	}
	cJSON_ArrayForEach(b, best)
		ymax = fmax(ymax, b->valuedouble);
	strbuf_addf(out, "<svg class=\"iters\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		    "height=\"%d\">", W + 110, H + 40);
	top = axis(out, ymax, x0, y0, W, H, "x");
	strbuf_addstr(out, "<polyline fill=\"none\" stroke=\"#2e7d32\" stroke-width=\"2\" points=\"");
	cJSON_ArrayForEach(b, best) {
		strbuf_addf(out, "%d,%d ", x0 + (nr > 1 ? W * i / (nr - 1) : W / 2),
			    y0 + H - (int)(H * b->valuedouble / top));
		i++;
	}
	strbuf_addstr(out, "\"/>");
	i = 0;
	cJSON_ArrayForEach(b, best) {
		int x = x0 + (nr > 1 ? W * i / (nr - 1) : W / 2), y = y0 + H - (int)(H * b->valuedouble / top);
		strbuf_addf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"#2e7d32\"/>"
			    "<text x=\"%d\" y=\"%d\">%.2fx</text><text x=\"%d\" y=\"%d\" "
			    "text-anchor=\"middle\">iteration %d</text>", x, y, x + 5, y - 6,
			    b->valuedouble, x, y0 + H + 18, i + 1);
		i++;
	}
	strbuf_addstr(out, "</svg>");
}

/* Every timed candidate: its speedup, with the noise floor it had to clear. */
static void candidates_svg(struct strbuf *out, const cJSON *run)
{
	const cJSON *nodes = cJSON_GetObjectItem(run, "nodes"), *n, *t;
	int nr = 0, i = 0, W, H = 180, x0 = 50, y0 = 10, step;
	double ymax = 1.2, top;

	cJSON_ArrayForEach(n, nodes)
		if ((t = cJSON_GetObjectItem(n, "timing"))) {
			nr++;
			ymax = fmax(ymax, num(t, "speedup") * 1.05);
		}
	if (!nr) {
		strbuf_addstr(out, "<p>No candidate was timed.</p>");
		return;
	}
	step = nr > 60 ? 8 : 16;
	W = nr * step + 20;
	strbuf_addf(out, "<div class=\"scroll\"><svg class=\"cands\" xmlns=\"http://www.w3.org/2000/svg\" "
		    "width=\"%d\" height=\"%d\">", W + 70, H + 40);
	top = axis(out, ymax, x0, y0, W, H, "x");
	strbuf_addf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#607d8b\" "
		    "stroke-dasharray=\"4 3\"/><text x=\"%d\" y=\"%d\">original</text>", x0, x0 + W,
		    y0 + H - (int)(H / top), y0 + H - (int)(H / top), x0 + W + 2, y0 + H - (int)(H / top) + 4);
	cJSON_ArrayForEach(n, nodes) {
		double s, noise;
		int x, y, yn;
		if (!(t = cJSON_GetObjectItem(n, "timing")))
			continue;
		s = num(t, "speedup");
		noise = num(t, "noise");
		x = x0 + 10 + i * step;
		y = y0 + H - (int)(H * s / top);
		yn = y0 + H - (int)(H * (1 + noise) / top);
		/* the bar up to 1 + noise is what the candidate had to clear */
		strbuf_addf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#eceff1\"/>"
			    "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#90a4ae\"/>"
			    "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"><title>node %d: %.3fx, "
			    "noise floor %.3fx</title></circle>",
			    x - step / 2 + 1, yn, step - 2, y0 + H - (int)(H / top) - yn,
			    x - step / 2 + 1, x + step / 2 - 1, yn, yn, x, y, color_of(n)->color,
			    (int)num(n, "id"), s, 1 + noise);
		i++;
	}
	strbuf_addstr(out, "</svg></div>");
}

static void candidates_table(struct strbuf *out, const cJSON *run)
{
	const cJSON *n, *t;

	strbuf_addstr(out, "<details><summary>Every candidate's timing</summary><table><tr><th>node</th>"
		      "<th>parent</th><th>status</th><th>original</th><th>candidate</th>"
		      "<th>speedup</th><th>noise floor</th><th>rounds</th><th>% roofline</th>"
		      "<th>plan</th></tr>");
	cJSON_ArrayForEach(n, cJSON_GetObjectItem(run, "nodes")) {
		const cJSON *roof;
		strbuf_addf(out, "<tr><td class=\"n\">%d</td><td class=\"n\">%d</td><td>",
			    (int)num(n, "id"), (int)num(n, "parent"));
		esc(out, color_of(n)->label);
		strbuf_addstr(out, "</td>");
		if ((t = cJSON_GetObjectItem(n, "timing"))) {
			roof = cJSON_GetObjectItem(t, "roofline");
			strbuf_addf(out, "<td class=\"n\">%.4g %s</td><td class=\"n\">%.4g</td>"
				    "<td class=\"n\">%.3fx</td><td class=\"n\">%.1f%%</td><td class=\"n\">%d</td>",
				    num(t, "baseline"), !strcmp(str(t, "metric"), "time") ? "s" : "instr",
				    num(t, "candidate"), num(t, "speedup"), 100 * num(t, "noise"),
				    (int)num(t, "rounds"));
			if (roof && !isnan(num(roof, "percent")))
				strbuf_addf(out, "<td class=\"n\">%.1f%%</td>", num(roof, "percent"));
			else
				strbuf_addstr(out, "<td>-</td>");
		} else {
			strbuf_addstr(out, "<td></td><td></td><td></td><td></td><td></td><td></td>");
		}
		strbuf_addstr(out, "<td>");
		esc(out, str(n, "plan"));
		strbuf_addstr(out, "</td></tr>");
	}
	strbuf_addstr(out, "</table></details>");
}

/* The timing of the winner (or of any timed node: it has the original). */
static const cJSON *ref_timing(const cJSON *run)
{
	const cJSON *n;
	int w = (int)num(run, "winner");

	cJSON_ArrayForEach(n, cJSON_GetObjectItem(run, "nodes"))
		if ((w > 0 ? (int)num(n, "id") == w : 1) && cJSON_GetObjectItem(n, "timing"))
			return cJSON_GetObjectItem(n, "timing");
	return NULL;
}

static double lg(double v) { return log10(v); }

/* Log-log roofline: the bandwidth roofs of each level, the compute roof,
 * and the original and the winner at their arithmetic intensity. */
static void roofline_svg(struct strbuf *out, const cJSON *run, const cJSON *peaks)
{
	const cJSON *t = ref_timing(run), *roof = t ? cJSON_GetObjectItem(t, "roofline") : NULL;
	const char *lv[] = { "L1", "L2", "L3", "DRAM" };
	double peak, ai, gf, gb, sp, xmin = -2, xmax = 3, ymin, ymax;
	int W = 460, H = 260, x0 = 60, y0 = 10, i;

	if (!roof || *str(roof, "missing")) {
		strbuf_addstr(out, "<p class=\"noroof\">No roofline figure: ");
		esc(out, roof ? str(roof, "missing") : "no candidate was timed");
		strbuf_addstr(out, ".</p>");
		return;
	}
	gf = num(t, "gflops");
	gb = num(t, "gbytes");
	sp = num(t, "speedup");
	peak = num(roof, "peak_gflops");
	strbuf_addf(out, "<p>%s: %.1f%% of the %s roof (%.4g %s; %s bandwidth %.1f GB/s, "
		    "%s compute %.1f GFLOP/s); the original: %.1f%%.</p>",
		    (int)num(run, "winner") > 0 ? "The winner" : "The original",
		    (int)num(run, "winner") > 0 ? num(roof, "percent") : num(roof, "base_percent"),
		    isnan(gf) ? "bandwidth" : "", num(roof, "bound"), str(roof, "bound_unit"),
		    str(roof, "level"), num(roof, "peak_gbytes"), str(roof, "precision"), peak,
		    num(roof, "base_percent"));
	if (isnan(gf) || isnan(gb) || !cJSON_IsObject(peaks)) {
		/* one clause: a bar against the one roof */
		double pct = (int)num(run, "winner") > 0 ? num(roof, "percent") : num(roof, "base_percent");
		strbuf_addf(out, "<svg class=\"roofline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
			    "height=\"70\"><rect x=\"10\" y=\"10\" width=\"400\" height=\"20\" fill=\"#eceff1\"/>"
			    "<rect x=\"10\" y=\"10\" width=\"%d\" height=\"20\" fill=\"#2e7d32\"/>"
			    "<rect x=\"10\" y=\"36\" width=\"%d\" height=\"20\" fill=\"#607d8b\"/>"
			    "<text x=\"416\" y=\"25\">winner %.1f%%</text><text x=\"416\" y=\"51\">"
			    "original %.1f%%</text></svg>", W + 140, (int)fmin(400, 4 * pct),
			    (int)fmin(400, 4 * num(roof, "base_percent")), pct, num(roof, "base_percent"));
		return;
	}
	ai = gf / gb;
	ymax = ceil(lg(peak * 2));
	ymin = ymax - 5;
	xmin = floor(fmin(xmin, lg(ai) - 1));
	xmax = ceil(fmax(xmax, lg(ai) + 1));
#define PX(v) (x0 + (int)(W * (lg(v) - xmin) / (xmax - xmin)))
#define PY(v) (y0 + H - (int)(H * (lg(v) - ymin) / (ymax - ymin)))
	strbuf_addf(out, "<svg class=\"roofline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		    "height=\"%d\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
		    "stroke=\"#ccc\"/>", W + 140, H + 50, x0, y0, W, H);
	for (i = (int)xmin; i <= (int)xmax; i++)
		strbuf_addf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%g</text>",
			    PX(pow(10, i)), y0 + H + 14, pow(10, i));
	for (i = (int)ymin; i <= (int)ymax; i++)
		strbuf_addf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%g</text>", x0 - 4,
			    PY(pow(10, i)) + 4, pow(10, i));
	strbuf_addf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">FLOP per byte</text>"
		    "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">"
		    "GFLOP/s</text>", x0 + W / 2, y0 + H + 32, y0 + H / 2, y0 + H / 2);
	strbuf_addf(out, "<svg x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" viewBox=\"%d %d %d %d\">",
		    x0, y0, W, H, x0, y0, W, H);
	for (i = 0; i < 4; i++) {
		double bw = num(cJSON_GetObjectItem(peaks, "gbytes"), lv[i]), xr;
		if (!(bw > 0))
			continue;
		xr = peak / bw; /* the ridge */
		strbuf_addf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%d\" "
			    "points=\"%d,%d %d,%d %d,%d\"/>", !strcmp(lv[i], str(roof, "level"))
			    ? "#1565c0" : "#90caf9", !strcmp(lv[i], str(roof, "level")) ? 2 : 1,
			    PX(pow(10, xmin)), PY(bw * pow(10, xmin)), PX(xr), PY(peak),
			    PX(pow(10, xmax)), PY(peak));
	}
	strbuf_addstr(out, "</svg>");
	for (i = 0; i < 4; i++) {
		double bw = num(cJSON_GetObjectItem(peaks, "gbytes"), lv[i]);
		if (bw > 0)
			strbuf_addf(out, "<text x=\"%d\" y=\"%d\" fill=\"#1565c0\">%s %.0f GB/s</text>",
				    x0 + W + 6, y0 + 14 * (i + 2), lv[i], bw);
	}
	strbuf_addf(out, "<text x=\"%d\" y=\"%d\" fill=\"#1565c0\">%s peak %.0f GFLOP/s</text>",
		    x0 + W + 6, y0 + 12, str(roof, "precision"), peak);
	/* the winner's point and the original's (same intensity, time x speedup) */
	strbuf_addf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"6\" fill=\"#607d8b\"><title>original "
		    "%.3g GFLOP/s</title></circle><text x=\"%d\" y=\"%d\">original</text>",
		    PX(ai), PY(gf / sp), gf / sp, PX(ai) + 8, PY(gf / sp) + 14);
	if ((int)num(run, "winner") > 0)
		strbuf_addf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"6\" fill=\"#2e7d32\"><title>winner "
			    "%.3g GFLOP/s</title></circle><text x=\"%d\" y=\"%d\">winner</text>",
			    PX(ai), PY(gf), gf, PX(ai) + 8, PY(gf) - 6);
	strbuf_addstr(out, "</svg>");
#undef PX
#undef PY
}

static void diff_html(struct strbuf *out, const cJSON *run)
{
	const char *d = str(run, "diff");

	if (!*d) {
		strbuf_addstr(out, (int)num(run, "winner") > 0
			      ? "<p>The run folder lacks the original's or the winner's code.</p>"
			      : "<p>No winner: the original is kept.</p>");
		return;
	}
	strbuf_addstr(out, "<pre class=\"diff\">");
	while (*d) {
		size_t len = strcspn(d, "\n");
		char *line = xstrndup(d, len);
		strbuf_addf(out, "<span class=\"%s\">", *line == '+' ? "add" : *line == '-' ? "del" : "ctx");
		esc(out, line);
		strbuf_addstr(out, "\n</span>");
		free(line);
		d += len + (d[len] == '\n');
	}
	strbuf_addstr(out, "</pre>");
}

static double best_speedup(const cJSON *run)
{
	const cJSON *t = (int)num(run, "winner") > 0 ? ref_timing(run) : NULL;
	return t ? num(t, "speedup") : 1.0;
}

/* kernel, sep1, file:line, sep2, target: escaped */
static void where(struct strbuf *out, const cJSON *run, const char *sep1, const char *sep2)
{
	esc(out, str(run, "kernel"));
	strbuf_addstr(out, sep1);
	esc(out, str(run, "file"));
	strbuf_addf(out, ":%d%s", (int)num(run, "line"), sep2);
	esc(out, str(run, "target"));
}

static void summary_row(struct strbuf *out, const cJSON *run, int i)
{
	const cJSON *t = ref_timing(run), *roof = t ? cJSON_GetObjectItem(t, "roofline") : NULL;
	int w = (int)num(run, "winner") > 0;

	strbuf_addf(out, "<tr><td><a href=\"#k%d\">", i);
	where(out, run, "</a></td><td>", "</td><td>");
	strbuf_addf(out, "</td><td class=\"n\">%.2fx</td><td class=\"n\">", best_speedup(run));
	if (roof && !*str(roof, "missing"))
		strbuf_addf(out, "%.1f%%", w ? num(roof, "percent") : num(roof, "base_percent"));
	else
		strbuf_addstr(out, "-");
	strbuf_addf(out, "</td><td class=\"n\">%d</td><td class=\"n\">%.1f s</td>"
		    "<td class=\"n\">%.0f</td><td>%s</td></tr>",
		    cJSON_GetArraySize(cJSON_GetObjectItem(run, "nodes")) - 1, num(run, "wall_s"),
		    num(run, "tokens_in") + num(run, "tokens_out"), w ? "winner" : "original kept");
}

static void kernel_section(struct strbuf *out, const cJSON *run, const cJSON *peaks, int i)
{
	const cJSON *cfg = cJSON_GetObjectItem(run, "config"), *m;
	struct strbuf models = STRBUF_INIT;

	cJSON_ArrayForEach(m, cJSON_GetObjectItem(cfg, "plan_models"))
		strbuf_addf(&models, "%s%s", models.len ? ", " : "", m->valuestring);
	strbuf_addstr(&models, " (plans); ");
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(cfg, "code_models"))
		strbuf_addf(&models, "%s, ", m->valuestring);
	strbuf_setlen(&models, models.len - 2);
	strbuf_addstr(&models, " (code)");
	strbuf_addf(out, "<section class=\"kernel\" id=\"k%d\"><h2>", i);
	where(out, run, " <small>", ", target ");
	strbuf_addf(out, "</small></h2><p class=\"facts\">Best %.2fx over the original. Models: ",
		    best_speedup(run));
	esc(out, models.buf);
	strbuf_addf(out, ". %d iteration%s (beam %d, %d plans, %d samples), %d candidates judged, "
		    "%d LLM calls, %.0f tokens in, %.0f out, %.1f s.", (int)num(run, "iterations_run"),
		    num(run, "iterations_run") == 1 ? "" : "s", (int)num(cfg, "beam"),
		    (int)num(cfg, "plans"), (int)num(cfg, "samples"), (int)num(run, "judged"),
		    (int)num(run, "calls"), num(run, "tokens_in"), num(run, "tokens_out"),
		    num(run, "wall_s"));
	if (*str(run, "stopped")) {
		strbuf_addstr(out, " Stopped early: ");
		esc(out, str(run, "stopped"));
		strbuf_addch(out, '.');
	}
	strbuf_addstr(out, " Run folder: <code>");
	esc(out, str(run, "run_dir"));
	strbuf_addstr(out, "</code></p><h3>Search tree</h3>");
	tree_svg(out, run);
	strbuf_addstr(out, "<h3>Best speedup per iteration</h3><p>The fastest correct candidate "
		      "measured so far (the winner must also beat its parent beyond the noise).</p>");
	iterations_svg(out, run);
	strbuf_addstr(out, "<h3>Candidates against their noise floor</h3><p>Each dot is a "
		      "candidate's speedup; the grey bar rises to the noise floor it had to clear.</p>");
	candidates_svg(out, run);
	candidates_table(out, run);
	strbuf_addstr(out, "<h3>Roofline</h3>");
	roofline_svg(out, run, peaks);
	strbuf_addstr(out, "<h3>The winner against the original</h3>");
	diff_html(out, run);
	strbuf_addstr(out, "</section>");
	strbuf_release(&models);
}

void report_html(const cJSON *data, struct strbuf *out)
{
	const cJSON *kernels = cJSON_GetObjectItem(data, "kernels"), *run;
	const cJSON *peaks = cJSON_GetObjectItem(data, "peaks");
	time_t now = (time_t)num(data, "generated");
	char when[64] = "";
	struct tm tm;
	int i = 0;

	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	strbuf_addf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<title>accc report</title><style>%s</style></head><body><h1>accc report</h1>"
		    "<p class=\"facts\">%d search%s in <code>", css, cJSON_GetArraySize(kernels),
		    cJSON_GetArraySize(kernels) == 1 ? "" : "es");
	esc(out, str(data, "dir"));
	strbuf_addf(out, "</code>, %s. ", when);
	if (cJSON_IsObject(peaks))
		strbuf_addf(out, "Peaks of this machine (one core, %s): %.1f GFLOP/s f32, %.1f f64; "
			    "DRAM %.1f GB/s.", str(peaks, "isa"), num(peaks, "gflops_f32"),
			    num(peaks, "gflops_f64"), num(cJSON_GetObjectItem(peaks, "gbytes"), "DRAM"));
	else
		strbuf_addstr(out, "Peaks not measured: run <code>accc hw --peaks</code> for roofline figures.");
	strbuf_addstr(out, "</p><table class=\"summary\"><tr><th>kernel</th><th>file:line</th>"
		      "<th>target</th><th>speedup</th><th>% of roofline</th><th>candidates</th>"
		      "<th>time</th><th>tokens</th><th>outcome</th></tr>");
	cJSON_ArrayForEach(run, kernels)
		summary_row(out, run, i++);
	strbuf_addstr(out, "</table><div id=\"detail\">Click a node of a search tree for its plan, "
		      "verdict and timing.</div>");
	i = 0;
	cJSON_ArrayForEach(run, kernels)
		kernel_section(out, run, peaks, i++);
	strbuf_addf(out, "<script>%s</script></body></html>\n", script);
}
