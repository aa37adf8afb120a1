/* accc hw [--json] [--target NAME]: the hardware fingerprint a target keys
 * its cache entries with (the text form is exactly what goes into keys). */
#include "cmds.h"
#include "log.h"
#include "strbuf.h"
#include "target.h"

#include <stdio.h>
#include <string.h>

int cmd_hw(int argc, const char **argv);

int cmd_hw(int argc, const char **argv)
{
	const struct target *t = target_list[0];
	struct strbuf out = STRBUF_INIT;
	int json = 0, i, ret;

	log_set_stderr(1);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--target") && i + 1 < argc) {
			t = target_find(argv[++i]);
			if (!t) {
				struct strbuf known = STRBUF_INIT;
				const struct target *k;
				for (k = target_table; k->name; k++)
					strbuf_addf(&known, "%s%s", k == target_table ? "" : ", ",
						    k->name);
				error("unknown target '%s' (known: %s)", argv[i], known.buf);
				strbuf_release(&known);
				return 2;
			}
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: accc hw [--json] [--target NAME]\n");
			return 0;
		} else {
			error("unknown option '%s'", argv[i]);
			fprintf(stderr, "usage: accc hw [--json] [--target NAME]\n");
			return 2;
		}
	}
	/* a target without its hardware says why in its text ("error ...")
	 * and fails; the text is printed either way */
	ret = json ? t->fingerprint_json(&out) : t->fingerprint(&out);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	return ret ? 1 : 0;
}
