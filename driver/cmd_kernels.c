/*
 * accc kernels FILE [--json] [-- CFLAGS...]: list the kernels of a file.
 * accc extract FILE --kernel NAME [-- CFLAGS...]: print a kernel's unit.
 * accc splice FILE --kernel NAME=VARIANT.c... [-- CFLAGS...]: print the
 * file as the compiler would get it with those variants.
 */
#include "cmds.h"
#include "core.h"
#include "cmdutil.h"
#include "detect.h"
#include "extract.h"
#include "log.h"
#include "splice.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_name(enum kscalar k)
{
	static const char *const names[] = { "other", "bool", "int", "uint",
					     "float", "double", "long double" };
	return names[k];
}

static cJSON *kernel_json(const struct detect *d, const struct kernel *k)
{
	cJSON *o = cJSON_CreateObject(), *params = cJSON_AddArrayToObject(o, "params");
	char *canon = pragma_canonical(&k->pragma);
	size_t i;

	cJSON_AddStringToObject(o, "name", k->name);
	cJSON_AddStringToObject(o, "file", detect_path(d));
	cJSON_AddNumberToObject(o, "line", k->line);
	cJSON_AddNumberToObject(o, "column", k->col);
	cJSON_AddNumberToObject(o, "pragma_line", k->pragma_line);
	cJSON_AddStringToObject(o, "target", k->pragma.target);
	cJSON_AddBoolToObject(o, "static", k->is_static);
	cJSON_AddStringToObject(o, "clauses", canon);
	for (i = 0; i < k->nr_params; i++) {
		const struct kparam *p = &k->params[i];
		cJSON *jp = cJSON_CreateObject();
		cJSON_AddStringToObject(jp, "name", p->name ? p->name : "");
		cJSON_AddStringToObject(jp, "type", p->type);
		cJSON_AddStringToObject(jp, "elem_type", p->elem_type);
		cJSON_AddStringToObject(jp, "kind", kind_name(p->kind));
		cJSON_AddBoolToObject(jp, "pointer", p->is_pointer);
		cJSON_AddBoolToObject(jp, "const", p->is_const);
		cJSON_AddItemToArray(params, jp);
	}
	free(canon);
	return o;
}

int cmd_kernels(int argc, const char **argv)
{
	struct file_opts o;
	struct detect *d;
	size_t i;
	int ret = 1;

	if (parse_file_opts(argc, argv, "accc kernels FILE [--json] [-- CFLAGS...]", &o) < 0)
		return 2;
	if (o.rest.nr) {
		fprintf(stderr, "usage: accc kernels FILE [--json] [-- CFLAGS...]\n");
		file_opts_release(&o);
		return 2;
	}
	d = detect_opts(&o);
	if (!d)
		goto out;
	if (o.json) {
		cJSON *arr = cJSON_CreateArray();
		char *s;
		for (i = 0; i < detect_nr_kernels(d); i++)
			cJSON_AddItemToArray(arr, kernel_json(d, detect_kernel(d, i)));
		s = cJSON_Print(arr);
		puts(s);
		free(s);
		cJSON_Delete(arr);
	} else {
		for (i = 0; i < detect_nr_kernels(d); i++) {
			const struct kernel *k = detect_kernel(d, i);
			char *canon = pragma_canonical(&k->pragma);
			printf("%s\t%s:%u\ttarget=%s\t%s\n", k->name, detect_path(d),
			       k->line, k->pragma.target, canon);
			free(canon);
		}
	}
	ret = 0;
	detect_free(d);
out:
	file_opts_release(&o);
	return ret;
}

static long find_kernel_or_complain(const struct detect *d, const char *name)
{
	long k = detect_find(d, name);

	if (k < 0)
		error("no kernel '%s' in '%s'", name, detect_path(d));
	return k;
}

int cmd_extract(int argc, const char **argv)
{
	struct file_opts o;
	struct strbuf out = STRBUF_INIT;
	struct detect *d;
	long k;
	int ret = 1;

	if (parse_file_opts(argc, argv, "accc extract FILE --kernel NAME [-- CFLAGS...]", &o) < 0 ||
	    o.kernels.nr != 1 || o.rest.nr) {
		if (o.file && (o.kernels.nr != 1 || o.rest.nr))
			fprintf(stderr, "usage: accc extract FILE --kernel NAME [-- CFLAGS...]\n");
		file_opts_release(&o);
		return 2;
	}
	d = detect_opts(&o);
	if (!d)
		goto out;
	k = find_kernel_or_complain(d, o.kernels.v[0]);
	if (k >= 0 && !extract_unit(d, (size_t)k, NULL, &out)) {
		fwrite(out.buf, 1, out.len, stdout);
		ret = 0;
	}
	detect_free(d);
out:
	strbuf_release(&out);
	file_opts_release(&o);
	return ret;
}

int cmd_splice(int argc, const char **argv)
{
	struct file_opts o;
	struct strbuf out = STRBUF_INIT;
	struct strvec texts = STRVEC_INIT;
	struct splice_repl *repls = NULL;
	struct range *sites = NULL;
	struct detect *d;
	size_t i, n = 0;
	int ret = 1;

	if (parse_file_opts(argc, argv,
			    "accc splice FILE --kernel NAME=VARIANT.c... [-- CFLAGS...]", &o) < 0)
		return 2;
	d = detect_opts(&o);
	if (!d)
		goto out;
	repls = xcalloc(o.kernels.nr + 1, sizeof(*repls));
	for (i = 0; i < o.kernels.nr; i++) {
		char *name = xstrdup(o.kernels.v[i]), *eq = strchr(name, '=');
		struct strbuf sb = STRBUF_INIT;
		long k;
		if (!eq) {
			error("'--kernel %s' needs NAME=FILE", name);
			free(name);
			goto out_d;
		}
		*eq = '\0';
		k = find_kernel_or_complain(d, name);
		if (k < 0 || strbuf_read_file(&sb, eq + 1, 16 << 20) < 0) {
			if (k >= 0)
				error("cannot read '%s': %s", eq + 1, strerror(errno));
			free(name);
			strbuf_release(&sb);
			goto out_d;
		}
		free(name);
		strvec_push_nodup(&texts, strbuf_detach(&sb, NULL));
		repls[i].def = detect_kernel(d, (size_t)k)->def;
		repls[i].name = detect_kernel(d, (size_t)k)->name;
		repls[i].text = texts.v[i];
	}
	n = detect_nr_sites(d);
	sites = xcalloc(n + 1, sizeof(*sites));
	for (i = 0; i < n; i++)
		sites[i] = detect_site(d, i);
	splice_unit(detect_text(d), o.file, sites, n, repls, o.kernels.nr, &out);
	fwrite(out.buf, 1, out.len, stdout);
	ret = 0;
out_d:
	detect_free(d);
out:
	free(sites);
	free(repls);
	strvec_clear(&texts);
	strbuf_release(&out);
	file_opts_release(&o);
	return ret;
}
