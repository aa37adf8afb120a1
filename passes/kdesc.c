#include "kdesc.h"
#include "answer.h"
#include "extract.h"
#include "fs.h"
#include "log.h"
#include "xalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* target.h repeats pragma.h's enums; keep them equal. */
static_assert((int)TS_DOUBLE == (int)KS_DOUBLE && (int)TS_LDOUBLE == (int)KS_LDOUBLE,
	      "target_scalar and kscalar disagree");
static_assert((int)TD_INOUT == (int)BUF_INOUT && (int)TD_OUT == (int)BUF_OUT,
	      "target_dir and buf_dir disagree");
static_assert((int)TDIST_CONST == (int)DIST_CONST && (int)TDIST_RANGE == (int)DIST_RANGE,
	      "target_dist and dist_kind disagree");
static_assert((int)TA_NONDETERMINISTIC == (int)ALLOW_NONDETERMINISTIC &&
	      (int)TA_SYSCALL == (int)ALLOW_SYSCALL && (int)TA_TF32 == (int)ALLOW_TF32 &&
	      (int)TA_ASM == (int)ALLOW_ASM, "target_allow and pragma_allow disagree");

static void describe_param(const struct pragma *pr, const struct kparam *p,
			   struct target_param *tp)
{
	size_t j;

	tp->name = p->name;
	tp->elem_type = p->elem_type;
	tp->kind = (enum target_scalar)p->kind;
	tp->size = p->size;
	tp->is_pointer = p->is_pointer;
	tp->is_const = p->is_const;
	for (j = 0; j < pr->nr_bufs; j++)
		if (!strcmp(pr->bufs[j].name, p->name)) {
			tp->dir = (enum target_dir)pr->bufs[j].dir;
			tp->extent = pr->bufs[j].extent;
		}
	for (j = 0; j < pr->nr_inits; j++)
		if (!strcmp(pr->inits[j].name, p->name)) {
			tp->init = (enum target_dist)pr->inits[j].dist;
			tp->init_a = pr->inits[j].a;
			tp->init_b = pr->inits[j].b;
		}
}

static void describe_shapes(struct kdesc *kd, const struct pragma *pr)
{
	size_t nr_binds = 0, i, j, at = 0;

	for (i = 0; i < pr->nr_shapes; i++)
		nr_binds += pr->shapes[i].nr;
	kd->binds = xcalloc(nr_binds + 1, sizeof(*kd->binds));
	kd->shapes = xcalloc(pr->nr_shapes + 1, sizeof(*kd->shapes));
	for (i = 0; i < pr->nr_shapes; i++) {
		kd->shapes[i].binds = kd->binds + at;
		kd->shapes[i].nr = pr->shapes[i].nr;
		for (j = 0; j < pr->shapes[i].nr; j++, at++) {
			kd->binds[at].name = pr->shapes[i].binds[j].name;
			kd->binds[at].value = pr->shapes[i].binds[j].value;
		}
	}
	kd->assumes = xcalloc(pr->nr_assumes + 1, sizeof(*kd->assumes));
	for (i = 0; i < pr->nr_assumes; i++)
		kd->assumes[i] = pr->assumes[i].text;
}

int kdesc_init(struct kdesc *kd, const struct detect *d, size_t ki,
	       const char *cc, const char *const *build_flags)
{
	const struct kernel *k = detect_kernel(d, ki);
	const struct pragma *pr = &k->pragma;
	struct strbuf dir = STRBUF_INIT, rel = STRBUF_INIT;
	size_t i;

	memset(kd, 0, sizeof(*kd));
	strbuf_init(&kd->unit, 0);
	strvec_init(&kd->cflags);
	if (extract_unit(d, ki, NULL, &kd->unit) < 0)
		return error("cannot extract kernel '%s'", k->name);
	strvec_pushv(&kd->cflags, build_flags);
	/* absolute: the judge builds in a scratch folder of its own */
	path_dirname(&rel, detect_path(d));
	path_absolute(&dir, rel.buf);
	strbuf_release(&rel);
	kd->src_dir = strbuf_detach(&dir, NULL);
	kd->params = xcalloc(k->nr_params + 1, sizeof(*kd->params));
	for (i = 0; i < k->nr_params; i++)
		describe_param(pr, &k->params[i], &kd->params[i]);
	describe_shapes(kd, pr);

	kd->tk.name = k->name;
	kd->tk.ret_kind = (enum target_scalar)k->ret.kind;
	kd->tk.ret_size = k->ret.size;
	kd->tk.params = kd->params;
	kd->tk.nr_params = k->nr_params;
	kd->tk.shapes = kd->shapes;
	kd->tk.nr_shapes = pr->nr_shapes;
	kd->tk.assumes = kd->assumes;
	kd->tk.nr_assumes = pr->nr_assumes;
	kd->tk.has_tol = pr->has_tol;
	kd->tk.rtol = pr->rtol;
	kd->tk.atol = pr->atol;
	kd->tk.allow = pr->allow;
	kd->tk.memory_device = pr->memory == MEMORY_DEVICE;
	kd->tk.flops = pr->flops.text;
	kd->tk.bytes = pr->bytes.text;
	kd->tk.cc = cc;
	kd->tk.cflags = kd->cflags.v;
	kd->tk.src_dir = kd->src_dir;
	kd->tk.reference_src = kd->unit.buf;
	return 0;
}

void kdesc_release(struct kdesc *kd)
{
	free(kd->params);
	free(kd->shapes);
	free(kd->binds);
	free(kd->assumes);
	free(kd->src_dir);
	strbuf_release(&kd->unit);
	strvec_clear(&kd->cflags);
	memset(kd, 0, sizeof(*kd));
}

int kdesc_candidate(const struct detect *d, size_t ki, const char *variant,
		    struct strbuf *out)
{
	return extract_unit(d, ki, variant, out);
}

int kdesc_variant(const struct detect *d, size_t ki, const char *current, const char *answer,
		  struct strbuf *out, struct strbuf *notes, struct strbuf *reason)
{
	const struct kernel *k = detect_kernel(d, ki);
	const struct strbuf *text = detect_text(d);
	struct answer_ctx ctx = { k->name, text->buf, text->len, k->def.start, k->def.end,
				  current };

	return answer_variant(&ctx, answer, out, notes, reason);
}

void kdesc_context(const struct detect *d, size_t ki, const char *code, size_t max_lines,
		   struct strbuf *out)
{
	const struct kernel *k = detect_kernel(d, ki);
	const struct strbuf *text = detect_text(d);
	struct answer_ctx ctx = { k->name, text->buf, text->len, k->def.start, k->def.end,
				  NULL };

	answer_context(&ctx, code, max_lines, out);
}
