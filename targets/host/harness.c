#include "harness.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

#include "harness_proto_text.h"
#include "harness_rt_text.h"

const char *harness_ctype(enum target_scalar kind, unsigned size)
{
	switch (kind) {
	case TS_BOOL:
		return "_Bool";
	case TS_INT:
		return size == 1 ? "signed char" : size == 2 ? "short" : size == 4 ? "int" :
		       size == 8 ? "long long" : NULL;
	case TS_UINT:
		return size == 1 ? "unsigned char" : size == 2 ? "unsigned short" :
		       size == 4 ? "unsigned int" : size == 8 ? "unsigned long long" : NULL;
	case TS_FLOAT:
		return size == 4 ? "float" : NULL;
	case TS_DOUBLE:
		return size == 8 ? "double" : NULL;
	case TS_LDOUBLE:
		return size == 16 ? "long double" : NULL;
	default:
		return NULL;
	}
}

int harness_supported(const struct target_kernel *k)
{
	size_t i;

	if (k->ret_kind != TS_OTHER && !harness_ctype(k->ret_kind, k->ret_size))
		return error("kernel '%s' returns a type the judge cannot compare", k->name);
	for (i = 0; i < k->nr_params; i++) {
		const struct target_param *p = &k->params[i];
		if (!p->name || !harness_ctype(p->kind, p->size))
			return error("parameter '%s' of kernel '%s' is not a scalar or a pointer to one",
				     p->name ? p->name : "?", k->name);
		if (p->is_pointer && (p->dir < TD_IN || p->dir > TD_INOUT || !p->extent))
			return error("pointer parameter '%s' of kernel '%s' has no in/out/inout clause",
				     p->name, k->name);
	}
	return 0;
}

/* "const float *" or "int" */
static void param_type(struct strbuf *out, const struct target_param *p)
{
	if (p->is_pointer && p->is_const)
		strbuf_addstr(out, "const ");
	strbuf_addstr(out, harness_ctype(p->kind, p->size));
	if (p->is_pointer)
		strbuf_addstr(out, " *");
}

static void param_list(struct strbuf *out, const struct target_kernel *k, int names)
{
	size_t i;
	for (i = 0; i < k->nr_params; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		param_type(out, &k->params[i]);
		if (names)
			strbuf_addf(out, "%sa%zu", k->params[i].is_pointer ? "" : " ", i);
	}
	if (!k->nr_params)
		strbuf_addstr(out, "void");
}

static const char *ret_type(const struct target_kernel *k)
{
	return k->ret_kind == TS_OTHER ? "void" : harness_ctype(k->ret_kind, k->ret_size);
}

void harness_wrapper(struct strbuf *out, const struct target_kernel *k)
{
	size_t i;

	strbuf_addstr(out, "\n#line 1 \"<accc-judge-entry>\"\n");
	/* a CUDA C++ unit (target cuda) gets the entry with C linkage */
	strbuf_addstr(out, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n");
	strbuf_addf(out, "typedef %s (*accc_judge_fn_t)(", ret_type(k));
	param_list(out, k, 0);
	strbuf_addf(out, ");\n%s " HARNESS_ENTRY "(", ret_type(k));
	param_list(out, k, 0);
	strbuf_addf(out, ");\n%s " HARNESS_ENTRY "(", ret_type(k));
	param_list(out, k, 1);
	strbuf_addf(out, ")\n{\n\t%s((accc_judge_fn_t)(void (*)(void))%s)(",
		    k->ret_kind == TS_OTHER ? "" : "return ", k->name);
	for (i = 0; i < k->nr_params; i++)
		strbuf_addf(out, "%sa%zu", i ? ", " : "", i);
	strbuf_addstr(out, ");\n}\n");
	strbuf_addstr(out, "#ifdef __cplusplus\n}\n#endif\n");
}

/* The scalar union field that carries a parameter of this kind. */
static const char *scalar_field(enum target_scalar kind)
{
	switch (kind) {
	case TS_UINT:
		return "u";
	case TS_FLOAT:
	case TS_DOUBLE:
		return "d";
	case TS_LDOUBLE:
		return "ld";
	default:
		return "i";
	}
}

static void gen_tables(struct strbuf *out, const struct target_kernel *k)
{
	static const char *const rows[] = { "hx_buf_param", "hx_buf_dir", "hx_buf_kind",
					    "hx_buf_size" };
	size_t i, nbuf = 0, r;

	for (i = 0; i < k->nr_params; i++)
		nbuf += !!k->params[i].is_pointer;
	strbuf_addf(out, "#define HX_NPARAM %zu\n#define HX_NBUF %zu\n", k->nr_params, nbuf);
	strbuf_addf(out, "#define HX_RET_KIND %d\n#define HX_RET_SIZE %u\n", (int)k->ret_kind,
		    k->ret_kind == TS_OTHER ? 0 : k->ret_size);
	for (r = 0; r < 4; r++) {
		strbuf_addf(out, "static const int %s[%zu] = { ", rows[r], nbuf + 1);
		for (i = 0; i < k->nr_params; i++) {
			const struct target_param *p = &k->params[i];
			if (!p->is_pointer)
				continue;
			strbuf_addf(out, "%d, ", r == 0 ? (int)i : r == 1 ? (int)p->dir :
					       r == 2 ? (int)p->kind : (int)p->size);
		}
		strbuf_addstr(out, "0 };\n");
	}
	strbuf_addf(out, "extern %s " HARNESS_ENTRY "(", ret_type(k));
	param_list(out, k, 0);
	strbuf_addstr(out, ");\n");
}

/*
 * The call goes through the trampoline in harness_rt.c (hx_tramp), which
 * loads a register image and calls the kernel directly, so that it sees
 * the callee-saved registers exactly as the kernel leaves them.  Here the
 * image is filled by the x86-64 System V rules: integers and pointers in
 * rdi, rsi, rdx, rcx, r8, r9, then the stack; float and double in
 * xmm0-7, then the stack; long double always on the stack, 16-aligned.
 */
static void gen_call(struct strbuf *out, const struct target_kernel *k)
{
	size_t i, b = 0, ngpr = 0, nxmm = 0, nstack = 0;

	strbuf_addstr(out, "static void hx_fill(const union hp_scalar *hx__s, void *const *hx__b,\n"
			   "\t\t    struct hx_img *hx__m)\n{\n\t(void)hx__s; (void)hx__b;\n"
			   "\t__builtin_memset(hx__m, 0, sizeof(*hx__m));\n");
	strbuf_addstr(out, "\thx__m->fn = (void *)" HARNESS_ENTRY ";\n");
	for (i = 0; i < k->nr_params; i++) {
		const struct target_param *p = &k->params[i];
		char src[96];
		if (p->is_pointer)
			snprintf(src, sizeof(src), "(uint64_t)(uintptr_t)hx__b[%zu]", b++);
		else if (p->kind == TS_UINT)
			snprintf(src, sizeof(src), "(uint64_t)(%s)hx__s[%zu].u",
				 harness_ctype(p->kind, p->size), i);
		else
			snprintf(src, sizeof(src), "(uint64_t)(int64_t)(%s)hx__s[%zu].i",
				 harness_ctype(p->kind, p->size), i);
		if (p->is_pointer || (p->kind != TS_FLOAT && p->kind != TS_DOUBLE &&
				      p->kind != TS_LDOUBLE)) {
			if (ngpr < 6)
				strbuf_addf(out, "\thx__m->gpr[%zu] = %s;\n", ngpr++, src);
			else
				strbuf_addf(out, "\thx__m->stack[%zu] = %s;\n", nstack++, src);
		} else if (p->kind == TS_LDOUBLE) {
			nstack += nstack & 1;
			strbuf_addf(out, "\t{ long double hx__v = hx__s[%zu].ld; "
					 "__builtin_memcpy(&hx__m->stack[%zu], &hx__v, 10); }\n",
				    i, nstack);
			nstack += 2;
		} else {
			const char *t = p->kind == TS_FLOAT ? "float" : "double";
			int reg = nxmm < 8;
			strbuf_addf(out, "\t{ %s hx__v = (%s)hx__s[%zu].d; "
					 "__builtin_memcpy(&hx__m->%s[%zu], &hx__v, sizeof(hx__v)); }\n",
				    t, t, i, reg ? "xmm" : "stack", reg ? nxmm++ : nstack++);
		}
	}
	strbuf_addf(out, "\thx__m->nstack = %zu;\n", nstack);
	if (k->ret_kind == TS_LDOUBLE)
		strbuf_addstr(out, "\thx__m->ret_x87 = 1;\n");
	strbuf_addstr(out, "}\n\n");
	if (nstack > HARNESS_MAX_STACK_WORDS)
		strbuf_addstr(out, "#error \"too many stack arguments for the judge's trampoline\"\n");
	strbuf_addstr(out, "static void hx_ret(const struct hx_img *hx__m, union hp_scalar *hx__ret)\n"
			   "{\n\t(void)hx__m; (void)hx__ret;\n");
	if (k->ret_kind == TS_FLOAT || k->ret_kind == TS_DOUBLE)
		strbuf_addf(out, "\t__builtin_memcpy(hx__ret->raw, &hx__m->ret_xmm0, %u);\n",
			    k->ret_size);
	else if (k->ret_kind == TS_LDOUBLE)
		strbuf_addstr(out, "\t__builtin_memcpy(hx__ret->raw, hx__m->ret_st0, 10);\n");
	else if (k->ret_kind != TS_OTHER)
		strbuf_addf(out, "\t__builtin_memcpy(hx__ret->raw, &hx__m->ret_rax, %u);\n",
			    k->ret_size);
	strbuf_addstr(out, "}\n\n");
}

static void gen_spec(struct strbuf *out, const struct target_kernel *k)
{
	size_t i, b = 0;

	strbuf_addstr(out, "static void hx_spec(const union hp_scalar *hx__s, struct hp_spec_res *hx__o,\n"
			   "\t\t    int64_t *hx__ext, double *hx__ia, double *hx__ib)\n{\n"
			   "\t(void)hx__s; (void)hx__ext; (void)hx__ia; (void)hx__ib;\n");
	for (i = 0; i < k->nr_params; i++) {
		const struct target_param *p = &k->params[i];
		if (p->is_pointer)
			continue;
		strbuf_addf(out, "\tconst %s %s = (%s)hx__s[%zu].%s; (void)%s;\n",
			    harness_ctype(p->kind, p->size), p->name,
			    harness_ctype(p->kind, p->size), i, scalar_field(p->kind), p->name);
	}
	strbuf_addstr(out, "\thx__o->ok = 1;\n");
	/* init bounds first: the judge needs them before drawing scalars */
	for (i = 0; i < k->nr_params; i++) {
		const struct target_param *p = &k->params[i];
		if (p->init == TDIST_DEFAULT || !p->init_a)
			continue;
		strbuf_addf(out, "#line 1 \"<init(%s)>\"\n\thx__ia[%zu] = (double)(%s);\n", p->name, i,
			    p->init_a);
		if (p->init_b)
			strbuf_addf(out, "\thx__ib[%zu] = (double)(%s);\n", i, p->init_b);
	}
	for (i = 0; i < k->nr_assumes; i++)
		strbuf_addf(out, "#line 1 \"<assume %zu>\"\n\tif (!(%s)) { hx__o->ok = 0; return; }\n",
			    i + 1, k->assumes[i]);
	for (i = 0; i < k->nr_params; i++) {
		const struct target_param *p = &k->params[i];
		if (!p->is_pointer)
			continue;
		strbuf_addf(out, "#line 1 \"<extent of %s>\"\n\thx__ext[%zu] = (int64_t)(%s);\n",
			    p->name, b++, p->extent);
	}
	if (k->flops)
		strbuf_addf(out, "#line 1 \"<flops>\"\n\thx__o->flops = (double)(%s);\n", k->flops);
	if (k->bytes)
		strbuf_addf(out, "#line 1 \"<bytes>\"\n\thx__o->bytes = (double)(%s);\n", k->bytes);
	strbuf_addstr(out, "}\n\n");
}

void harness_source(struct strbuf *out, const struct target_kernel *k)
{
	strbuf_addstr(out, "/* accc judge harness, generated */\n#define _GNU_SOURCE\n");
	strbuf_addstr(out, harness_proto_text);
	strbuf_addstr(out, "\n#line 1 \"<accc-harness-generated>\"\n");
	gen_tables(out, k);
	gen_call(out, k);
	gen_spec(out, k);
	strbuf_addstr(out, "#line 1 \"harness_rt.c\"\n");
	strbuf_addstr(out, harness_rt_text);
}
