/*
 * pragma_check(): a parsed pragma against the kernel's parameters (see
 * pragma.h for the rules).
 */
#include "pragma.h"
#include "pragma_int.h"
#include "expr.h"
#include "strbuf.h"
#include "xalloc.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Checking against the kernel's parameters. */
struct checker {
	const struct pragma *p;
	const struct kparam *params;
	size_t nr_params;
	const struct pragma_shape *shape; /* being evaluated */
	struct pragma_error *err;
};

static const struct kparam *find_param(const struct checker *ck, const char *name)
{
	size_t i;

	for (i = 0; i < ck->nr_params; i++)
		if (ck->params[i].name && !strcmp(ck->params[i].name, name))
			return &ck->params[i];
	return NULL;
}

static int is_scalar(const struct kparam *kp)
{
	return kp->name && !kp->is_pointer;
}

static int is_floating(const struct kparam *kp)
{
	return kp->kind == KS_FLOAT || kp->kind == KS_DOUBLE || kp->kind == KS_LDOUBLE;
}

/*
 * Every name in `text` (which starts at offset `base`) must be a scalar
 * parameter; an error points at the name.
 */
static int check_names(struct checker *ck, const char *text, size_t base)
{
	struct expr_error ee = { 0, NULL };
	struct expr_ident *ids = NULL;
	const struct kparam *kp;
	struct expr *e;
	size_t i, n, off;
	int res = 0;

	if (!text)
		return 0;
	if (expr_parse(text, strlen(text), &e, &ee) < 0) {
		res = pragma_fail(ck->err, base + ee.offset, "%s", ee.msg);
		expr_error_release(&ee);
		return res;
	}
	n = expr_idents(e, &ids);
	for (i = 0; i < n && !res; i++) {
		off = base + ids[i].offset;
		if (!(kp = find_param(ck, ids[i].name)))
			res = pragma_fail(ck->err, off, "'%s' is not a parameter of the kernel",
				   ids[i].name);
		else if (kp->is_pointer)
			res = pragma_fail(ck->err, off, "'%s' is a pointer parameter and cannot "
				   "appear in an expression", ids[i].name);
	}
	free(ids);
	expr_free(e);
	return res;
}

static int check_params(struct checker *ck)
{
	size_t i;

	for (i = 0; i < ck->nr_params; i++) {
		if (!ck->params[i].name || !*ck->params[i].name)
			return pragma_fail(ck->err, 0, "parameter %zu has no name", i + 1);
		if (ck->params[i].kind == KS_OTHER)
			return pragma_fail(ck->err, 0, "parameter '%s' has a type accc cannot "
				    "benchmark", ck->params[i].name);
	}
	return 0;
}

static int check_bufs(struct checker *ck)
{
	const struct pragma *p = ck->p;
	const struct pragma_buf *b;
	const struct kparam *kp;
	size_t i, j;

	for (i = 0; i < p->nr_bufs; i++) {
		b = &p->bufs[i];
		if (!(kp = find_param(ck, b->name)))
			return pragma_fail(ck->err, b->offset, "'%s' is not a parameter of the kernel",
				    b->name);
		if (!kp->is_pointer)
			return pragma_fail(ck->err, b->offset, "'%s' is not a pointer parameter; "
				    "in/out/inout need a pointer", b->name);
		if ((b->dir & BUF_OUT) && kp->is_const)
			return pragma_fail(ck->err, b->offset, "'%s' is const-qualified and cannot "
				    "be written by %s()", b->name,
				    b->dir == BUF_OUT ? "out" : "inout");
		for (j = 0; j < i; j++)
			if (!strcmp(p->bufs[j].name, b->name))
				return pragma_fail(ck->err, b->offset, "buffer '%s' listed twice",
					    b->name);
		if (check_names(ck, b->extent, b->extent_offset) < 0)
			return -1;
	}
	for (i = 0; i < ck->nr_params; i++) {
		for (j = 0; j < p->nr_bufs && strcmp(p->bufs[j].name, ck->params[i].name); j++)
			;
		if (ck->params[i].is_pointer && j == p->nr_bufs)
			return pragma_fail(ck->err, 0, "pointer parameter '%s' has no in/out/inout "
				    "clause", ck->params[i].name);
	}
	return 0;
}

static int check_inits(struct checker *ck)
{
	const struct pragma_init *in;
	size_t i, j;

	for (i = 0; i < ck->p->nr_inits; i++) {
		in = &ck->p->inits[i];
		if (!find_param(ck, in->name))
			return pragma_fail(ck->err, in->offset, "'%s' is not a parameter of the "
				    "kernel", in->name);
		for (j = 0; j < i; j++)
			if (!strcmp(ck->p->inits[j].name, in->name))
				return pragma_fail(ck->err, in->offset, "init for '%s' given twice",
					    in->name);
		if (check_names(ck, in->a, in->a_offset) < 0 ||
		    check_names(ck, in->b, in->b_offset) < 0)
			return -1;
	}
	return 0;
}

static int has_init(const struct checker *ck, const char *name)
{
	size_t i;

	for (i = 0; i < ck->p->nr_inits; i++)
		if (!strcmp(ck->p->inits[i].name, name))
			return 1;
	return 0;
}

/* The value of an args literal ("-1.5e3"); -1 when it is not one. */
static int bind_value(const char *text, struct expr_value *ret)
{
	int neg = *text == '-';
	size_t used, len;

	if (*text == '-' || *text == '+')
		text++;
	len = strlen(text);
	if (expr_scan_number(text, len, &used, ret, NULL) < 0 || used != len)
		return -1;
	ret->i = neg ? -ret->i : ret->i;
	ret->d = neg ? -ret->d : ret->d;
	return 0;
}

/* Does integer v fit the parameter's type? (size 0: unknown, anything goes) */
static int int_fits(const struct kparam *kp, long long v)
{
	unsigned bits = kp->size * 8;

	if (kp->kind == KS_BOOL)
		return v == 0 || v == 1;
	if (kp->kind == KS_UINT)
		return v >= 0 && (!bits || bits > 62 || v < (1LL << bits));
	return !bits || bits > 63 || (v >= -(1LL << (bits - 1)) && v < (1LL << (bits - 1)));
}

/* A bound value as the kernel sees it: the parameter's type decides. */
static int shape_lookup(const char *name, struct expr_value *ret, void *data)
{
	const struct checker *ck = data;
	const struct kparam *kp = find_param(ck, name);
	size_t i;

	for (i = 0; kp && i < ck->shape->nr; i++)
		if (!strcmp(ck->shape->binds[i].name, name)) {
			if (bind_value(ck->shape->binds[i].value, ret) < 0)
				return -1;
			if (kp->kind == KS_FLOAT)
				ret->d = (float)ret->d;
			ret->is_integer = !is_floating(kp);
			return 0;
		}
	return -1;
}

static int check_binds(struct checker *ck, const struct pragma_shape *sh)
{
	const struct pragma_bind *bd;
	const struct kparam *kp;
	struct expr_value v;
	size_t i, j;

	for (i = 0; i < sh->nr; i++) {
		bd = &sh->binds[i];
		if (!(kp = find_param(ck, bd->name)))
			return pragma_fail(ck->err, bd->offset, "'%s' is not a parameter of the "
				    "kernel", bd->name);
		if (kp->is_pointer)
			return pragma_fail(ck->err, bd->offset, "'%s' is a pointer parameter; args "
				    "gives values to scalars only", bd->name);
		for (j = 0; j < i; j++)
			if (!strcmp(sh->binds[j].name, bd->name))
				return pragma_fail(ck->err, bd->offset, "'%s' given twice in args",
					    bd->name);
		if (bind_value(bd->value, &v) < 0)
			return pragma_fail(ck->err, bd->offset, "value '%s' for '%s' is not a "
				    "number", bd->value, bd->name);
		if (!is_floating(kp) && !v.is_integer)
			return pragma_fail(ck->err, bd->offset, "value '%s' for '%s' is not an "
				    "integer", bd->value, bd->name);
		if (!is_floating(kp) ? !int_fits(kp, v.i) :
		    kp->kind == KS_FLOAT && !isfinite((float)v.d))
			return pragma_fail(ck->err, bd->offset, "value '%s' is out of range for "
				    "'%s'", bd->value, bd->name);
	}
	for (i = 0; i < ck->nr_params; i++) {
		kp = &ck->params[i];
		for (j = 0; j < sh->nr && strcmp(sh->binds[j].name, kp->name); j++)
			;
		if (is_scalar(kp) && j == sh->nr && !has_init(ck, kp->name))
			return pragma_fail(ck->err, sh->offset, "args does not give a value for "
				    "scalar parameter '%s'", kp->name);
	}
	return 0;
}

/*
 * Evaluate `text` with the current shape's values.  Returns 1 with *ret,
 * 0 when some name is not bound by the shape (a random init value), or -1
 * with an error "<what> for these args: <why>".
 */
static int shape_eval(struct checker *ck, const char *text, const char *what,
		      struct expr_value *ret)
{
	struct expr_error ee = { 0, NULL };
	struct expr_ident *ids = NULL;
	struct expr_value v;
	struct expr *e;
	size_t i, n;
	int res = 1;

	if (!text || expr_parse(text, strlen(text), &e, NULL) < 0)
		return 0; /* check_names reported it */
	n = expr_idents(e, &ids);
	for (i = 0; i < n && res; i++)
		if (shape_lookup(ids[i].name, &v, ck) < 0)
			res = 0;
	if (res && expr_eval(e, shape_lookup, ck, ret, &ee) < 0)
		res = pragma_fail(ck->err, ck->shape->offset, "cannot evaluate %s for these "
			   "args: %s", what, ee.msg);
	expr_error_release(&ee);
	free(ids);
	expr_free(e);
	return res;
}

static int check_shape_values(struct checker *ck)
{
	const struct pragma *p = ck->p;
	struct strbuf what = STRBUF_INIT;
	struct expr_value v;
	size_t i;
	int res = 0;

	for (i = 0; i < p->nr_assumes && res >= 0; i++) {
		strbuf_reset(&what);
		strbuf_addf(&what, "assume(%s)", p->assumes[i].text);
		if ((res = shape_eval(ck, p->assumes[i].text, what.buf, &v)) > 0 &&
		    !(v.is_integer ? v.i : v.d != 0.0))
			res = pragma_fail(ck->err, ck->shape->offset, "these args do not satisfy "
				   "%s", what.buf);
	}
	for (i = 0; i < p->nr_bufs && res >= 0; i++) {
		strbuf_reset(&what);
		strbuf_addf(&what, "the extent of '%s'", p->bufs[i].name);
		if ((res = shape_eval(ck, p->bufs[i].extent, what.buf, &v)) > 0 &&
		    (!v.is_integer || v.i < 0))
			res = pragma_fail(ck->err, ck->shape->offset, "%s is %s for these args",
				   what.buf, v.is_integer ? "negative" : "not an integer");
	}
	if (res >= 0)
		res = shape_eval(ck, p->flops.text, "flops", &v);
	if (res >= 0)
		res = shape_eval(ck, p->bytes.text, "bytes", &v);
	strbuf_release(&what);
	return res < 0 ? -1 : 0;
}

static int check_shapes(struct checker *ck)
{
	const struct pragma *p = ck->p;
	size_t i;

	for (i = 0; i < p->nr_shapes; i++) {
		ck->shape = &p->shapes[i];
		if (check_binds(ck, ck->shape) < 0 || check_shape_values(ck) < 0)
			return -1;
	}
	if (p->nr_shapes)
		return 0;
	/* no shape at all: every scalar needs an init to be benchmarked */
	for (i = 0; i < ck->nr_params; i++)
		if (is_scalar(&ck->params[i]) && !has_init(ck, ck->params[i].name))
			return pragma_fail(ck->err, 0, "args does not give a value for scalar "
				    "parameter '%s'", ck->params[i].name);
	return 0;
}

int pragma_check(const struct pragma *p, const struct kparam *params,
		 size_t nr_params, const char *const *targets,
		 struct pragma_error *err)
{
	struct pragma_error local = { 0, NULL };
	struct checker ck = { p, params, nr_params, NULL, err ? err : &local };
	size_t i;
	int res = -1;

	ck.err->offset = 0;
	ck.err->msg = NULL;
	if (check_params(&ck) < 0)
		goto out;
	for (i = 0; targets && p->target && targets[i] && strcmp(targets[i], p->target); i++)
		;
	if (targets && p->target && !targets[i]) {
		struct strbuf known = STRBUF_INIT;
		for (i = 0; targets[i]; i++)
			strbuf_addf(&known, "%s%s", i ? ", " : "", targets[i]);
		pragma_fail(ck.err, p->target_offset, "unknown target '%s' (known: %s)",
			    p->target, known.buf);
		strbuf_release(&known);
		goto out;
	}
	if (p->memory == MEMORY_DEVICE && (!p->target || strcmp(p->target, "cuda"))) {
		pragma_fail(ck.err, p->memory_offset, "memory(device) needs target(cuda)");
		goto out;
	}
	if (check_bufs(&ck) < 0)
		goto out;
	for (i = 0; i < p->nr_assumes; i++)
		if (check_names(&ck, p->assumes[i].text, p->assumes[i].offset) < 0)
			goto out;
	if (check_names(&ck, p->flops.text, p->flops.offset) < 0 ||
	    check_names(&ck, p->bytes.text, p->bytes.offset) < 0 ||
	    check_inits(&ck) < 0 || check_shapes(&ck) < 0)
		goto out;
	res = 0;
out:
	pragma_error_release(&local);
	return res;
}
