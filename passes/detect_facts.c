/*
 * Statement facts for the tuner (detect_facts.h).  Every cursor is judged
 * by its expansion range in the main file; one whose text comes from a
 * macro makes the answer unknown or opaque rather than guessed, since the
 * tuner rewrites text and reasons about the text it sees.
 */
#include "detect_facts.h"
#include "detect_int.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/*
 * The operator-kind queries came with libclang 17.  Built against newer
 * headers and run with an older library (a GPU machine with libclang 16),
 * they are missing: then the operator is read from the cursor's tokens.
 */
#pragma weak clang_getCursorBinaryOperatorKind
#pragma weak clang_getCursorUnaryOperatorKind

static const struct { const char *s; enum CXBinaryOperatorKind k; } bin_ops[] = {
	{ "*", CXBinaryOperator_Mul }, { "/", CXBinaryOperator_Div },
	{ "%", CXBinaryOperator_Rem }, { "+", CXBinaryOperator_Add },
	{ "-", CXBinaryOperator_Sub }, { "<<", CXBinaryOperator_Shl },
	{ ">>", CXBinaryOperator_Shr }, { "<", CXBinaryOperator_LT },
	{ ">", CXBinaryOperator_GT }, { "<=", CXBinaryOperator_LE },
	{ ">=", CXBinaryOperator_GE }, { "==", CXBinaryOperator_EQ },
	{ "!=", CXBinaryOperator_NE }, { "&", CXBinaryOperator_And },
	{ "^", CXBinaryOperator_Xor }, { "|", CXBinaryOperator_Or },
	{ "&&", CXBinaryOperator_LAnd }, { "||", CXBinaryOperator_LOr },
	{ "=", CXBinaryOperator_Assign }, { "*=", CXBinaryOperator_MulAssign },
	{ "/=", CXBinaryOperator_DivAssign }, { "%=", CXBinaryOperator_RemAssign },
	{ "+=", CXBinaryOperator_AddAssign }, { "-=", CXBinaryOperator_SubAssign },
	{ "<<=", CXBinaryOperator_ShlAssign }, { ">>=", CXBinaryOperator_ShrAssign },
	{ "&=", CXBinaryOperator_AndAssign }, { "^=", CXBinaryOperator_XorAssign },
	{ "|=", CXBinaryOperator_OrAssign }, { ",", CXBinaryOperator_Comma },
};

static enum CXChildVisitResult first_kid(CXCursor c, CXCursor parent, CXClientData data)
{
	*(CXCursor *)data = c;
	return CXChildVisit_Break;
}

/* The spelling of an operator token of c (the token fallback).  Caller
 * frees; NULL: none. */
static char *op_token(CXCursor c, int unary_last)
{
	CXTranslationUnit tu = clang_Cursor_getTranslationUnit(c);
	CXSourceRange ext = clang_getCursorExtent(c);
	CXCursor lhs = clang_getNullCursor();
	CXToken *toks = NULL;
	unsigned n = 0, i, after = 0;
	char *ret = NULL;

	clang_tokenize(tu, ext, &toks, &n);
	if (!unary_last) {
		clang_visitChildren(c, first_kid, &lhs);
		if (!clang_Cursor_isNull(lhs))
			clang_getFileLocation(clang_getRangeEnd(clang_getCursorExtent(lhs)), NULL,
					      NULL, NULL, &after);
	}
	/* unary_last 1: the first token, 2: the last one, 0: the first
	 * punctuation after the first operand */
	for (i = 0; i < n && !ret; i++) {
		CXToken *t = &toks[unary_last == 2 ? n - 1 : i];
		unsigned off;
		clang_getFileLocation(clang_getTokenLocation(tu, *t), NULL, NULL, NULL, &off);
		if (clang_getTokenKind(*t) == CXToken_Punctuation && (unary_last || off >= after))
			ret = detect_cxstr(clang_getTokenSpelling(tu, *t));
		if (unary_last)
			break;
	}
	clang_disposeTokens(tu, toks, n);
	return ret;
}

static enum CXBinaryOperatorKind bin_op(CXCursor c)
{
	enum CXBinaryOperatorKind k = CXBinaryOperator_Invalid;
	char *t;
	size_t i;

	if (clang_getCursorBinaryOperatorKind)
		return clang_getCursorBinaryOperatorKind(c);
	t = op_token(c, 0);
	for (i = 0; t && i < ARRAY_SIZE(bin_ops); i++)
		if (!strcmp(t, bin_ops[i].s))
			k = bin_ops[i].k;
	free(t);
	return k;
}

static char *bin_op_spelling(CXCursor c)
{
	enum CXBinaryOperatorKind k = bin_op(c);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bin_ops); i++)
		if (bin_ops[i].k == k)
			return xstrdup(bin_ops[i].s);
	return xstrdup("");
}

static enum CXUnaryOperatorKind un_op(CXCursor c)
{
	enum CXUnaryOperatorKind k = CXUnaryOperator_Invalid;
	char *first, *last;

	if (clang_getCursorUnaryOperatorKind)
		return clang_getCursorUnaryOperatorKind(c);
	first = op_token(c, 1);
	last = op_token(c, 2);
	if (first && !strcmp(first, "++"))
		k = CXUnaryOperator_PreInc;
	else if (first && !strcmp(first, "--"))
		k = CXUnaryOperator_PreDec;
	else if (last && !strcmp(last, "++"))
		k = CXUnaryOperator_PostInc;
	else if (last && !strcmp(last, "--"))
		k = CXUnaryOperator_PostDec;
	else if (first && !strcmp(first, "&"))
		k = CXUnaryOperator_AddrOf;
	else if (first && !strcmp(first, "*"))
		k = CXUnaryOperator_Deref;
	else if (first && !strcmp(first, "-"))
		k = CXUnaryOperator_Minus;
	else if (first && !strcmp(first, "!"))
		k = CXUnaryOperator_LNot;
	free(first);
	free(last);
	return k;
}

static const struct toplevel *fn_named(const struct detect *d, const char *fn)
{
	size_t i;

	for (i = 0; i < d->nr_tls; i++)
		if (clang_getCursorKind(d->tls[i].cur) == CXCursor_FunctionDecl &&
		    clang_isCursorDefinition(d->tls[i].cur) && !strcmp(d->tls[i].name, fn))
			return &d->tls[i];
	return NULL;
}

static int crange(const struct detect *d, CXCursor c, struct range *r)
{
	CXSourceRange ext = clang_getCursorExtent(c);
	return detect_main_offset(d, clang_getRangeStart(ext), &r->start) &&
	       detect_main_offset(d, clang_getRangeEnd(ext), &r->end);
}

/* Whether the cursor's text is (partly) produced by a macro expansion. */
static int in_macro(CXCursor c)
{
	CXSourceRange ext = clang_getCursorExtent(c);
	CXSourceLocation ends[2] = { clang_getRangeStart(ext), clang_getRangeEnd(ext) };
	int i;

	for (i = 0; i < 2; i++) {
		CXFile f1, f2;
		unsigned o1, o2;
		clang_getExpansionLocation(ends[i], &f1, NULL, NULL, &o1);
		clang_getSpellingLocation(ends[i], &f2, NULL, NULL, &o2);
		if (o1 != o2 || !f1 || !f2 || !clang_File_isEqual(f1, f2))
			return 1;
	}
	return 0;
}

struct kids {
	CXCursor c[8];
	unsigned n;
};

static enum CXChildVisitResult kids_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct kids *k = data;
	if (k->n < ARRAY_SIZE(k->c))
		k->c[k->n] = c;
	k->n++;
	return CXChildVisit_Continue;
}

/* The first children of c (k->n counts them all). */
static void kids_of(CXCursor c, struct kids *k)
{
	k->n = 0;
	clang_visitChildren(c, kids_visit, k);
}

/* Strip parentheses and implicit conversions (UnexposedExpr with one child). */
static CXCursor strip(CXCursor c)
{
	for (;;) {
		enum CXCursorKind kind = clang_getCursorKind(c);
		struct kids k;
		if (kind != CXCursor_ParenExpr && kind != CXCursor_UnexposedExpr)
			return c;
		kids_of(c, &k);
		if (k.n != 1)
			return c;
		c = k.c[0];
	}
}

/* The variable a cursor names after strip(), or NULL (caller frees). */
static char *var_name(CXCursor c)
{
	CXCursor ref;
	enum CXCursorKind rk;

	c = strip(c);
	if (clang_getCursorKind(c) != CXCursor_DeclRefExpr || in_macro(c))
		return NULL;
	ref = clang_getCursorReferenced(c);
	rk = clang_getCursorKind(ref);
	if (rk != CXCursor_VarDecl && rk != CXCursor_ParmDecl)
		return NULL;
	return detect_cxstr(clang_getCursorSpelling(c));
}

static int type_is_array(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_Pointer || t.kind == CXType_ConstantArray ||
	       t.kind == CXType_IncompleteArray || t.kind == CXType_VariableArray;
}

/* Whether the variable named is an array (its address is its elements'). */
static int is_array_var(CXCursor c)
{
	CXType t = clang_getCanonicalType(clang_getCursorType(strip(c)));
	return t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray ||
	       t.kind == CXType_VariableArray;
}

/* Split an ArraySubscriptExpr into its base and index (either order). */
static int subscript_parts(CXCursor c, CXCursor *ret_base, CXCursor *ret_index)
{
	struct kids k;

	kids_of(c, &k);
	if (k.n != 2)
		return -1;
	if (!type_is_array(clang_getCursorType(k.c[0])) &&
	    type_is_array(clang_getCursorType(k.c[1]))) {
		*ret_base = k.c[1];
		*ret_index = k.c[0];
	} else {
		*ret_base = k.c[0];
		*ret_index = k.c[1];
	}
	return 0;
}

static size_t skip_blank(const struct strbuf *t, size_t p)
{
	while (p < t->len) {
		if (t->buf[p] == ' ' || t->buf[p] == '\t' || t->buf[p] == '\n' ||
		    t->buf[p] == '\r')
			p++;
		else if (t->buf[p] == '/' && p + 1 < t->len && t->buf[p + 1] == '*') {
			const char *e = strstr(t->buf + p + 2, "*/");
			p = e ? (size_t)(e - t->buf) + 2 : t->len;
		} else if (t->buf[p] == '/' && p + 1 < t->len && t->buf[p + 1] == '/') {
			while (p < t->len && t->buf[p] != '\n')
				p++;
		} else
			break;
	}
	return p;
}

static size_t with_semicolon(const struct detect *d, size_t end)
{
	size_t p = skip_blank(&d->text, end);
	return p < d->text.len && d->text.buf[p] == ';' ? p + 1 : end;
}

/* ---- for headers ---- */

struct find_at {
	const struct detect *d;
	size_t start, end;      /* end SIZE_MAX: match on start only */
	enum CXCursorKind kind; /* CXCursor_FirstInvalid: any statement */
	CXCursor found;
};

static enum CXChildVisitResult find_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct find_at *f = data;
	struct range r;

	if (!crange(f->d, c, &r) || r.start > f->start || r.end < f->start)
		return CXChildVisit_Continue;
	if (r.start == f->start &&
	    (f->end == (size_t)-1 || r.end == f->end || with_semicolon(f->d, r.end) == f->end) &&
	    (f->kind == CXCursor_FirstInvalid ? clang_isStatement(clang_getCursorKind(c)) ||
						    clang_isExpression(clang_getCursorKind(c))
					      : clang_getCursorKind(c) == f->kind)) {
		f->found = c;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

static CXCursor find_cursor(const struct detect *d, const char *fn, size_t start,
			    size_t end, enum CXCursorKind kind)
{
	const struct toplevel *tl = fn_named(d, fn);
	struct find_at f = { d, start, end, kind, clang_getNullCursor() };

	if (tl)
		clang_visitChildren(tl->cur, find_visit, &f);
	return f.found;
}

static void for_init(const struct detect *d, CXCursor init, struct kfor *f)
{
	enum CXCursorKind kind = clang_getCursorKind(init);
	struct kids k;

	if (kind == CXCursor_DeclStmt) {
		struct kids v;
		kids_of(init, &k);
		if (k.n != 1 || clang_getCursorKind(k.c[0]) != CXCursor_VarDecl)
			return;
		kids_of(k.c[0], &v);
		if (!v.n || v.n > ARRAY_SIZE(v.c) ||
		    !clang_isExpression(clang_getCursorKind(v.c[v.n - 1])) ||
		    !crange(d, v.c[v.n - 1], &f->lo))
			return;
		f->var = detect_cxstr(clang_getCursorSpelling(k.c[0]));
		f->declared = 1;
	} else if (kind == CXCursor_BinaryOperator &&
		   bin_op(init) == CXBinaryOperator_Assign) {
		kids_of(init, &k);
		if (k.n != 2 || !crange(d, k.c[1], &f->lo))
			return;
		f->var = var_name(k.c[0]);
	}
}

static long for_step(CXCursor inc, const char *var)
{
	enum CXCursorKind kind = clang_getCursorKind(inc);
	struct kids k;
	char *name;
	long step = 0;

	kids_of(inc, &k);
	if (!k.n)
		return 0;
	name = var_name(k.c[0]);
	if (!name || strcmp(name, var))
		goto out;
	if (kind == CXCursor_UnaryOperator) {
		enum CXUnaryOperatorKind op = un_op(inc);
		if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PreInc)
			step = 1;
		else if (op == CXUnaryOperator_PostDec || op == CXUnaryOperator_PreDec)
			step = -1;
	} else if (kind == CXCursor_CompoundAssignOperator && k.n == 2) {
		enum CXBinaryOperatorKind op = bin_op(inc);
		CXEvalResult ev = clang_Cursor_Evaluate(k.c[1]);
		if (ev && clang_EvalResult_getKind(ev) == CXEval_Int) {
			long v = (long)clang_EvalResult_getAsLongLong(ev);
			step = op == CXBinaryOperator_AddAssign ? v :
			       op == CXBinaryOperator_SubAssign ? -v : 0;
		}
		if (ev)
			clang_EvalResult_dispose(ev);
	}
out:
	free(name);
	return step;
}

static int for_cond(const struct detect *d, CXCursor cond, struct kfor *f, CXType vt)
{
	static const struct { enum CXBinaryOperatorKind k; const char *s; } ops[] = {
		{ CXBinaryOperator_LT, "<" }, { CXBinaryOperator_LE, "<=" },
		{ CXBinaryOperator_GT, ">" }, { CXBinaryOperator_GE, ">=" },
		{ CXBinaryOperator_NE, "!=" },
	};
	enum CXBinaryOperatorKind op;
	struct kids k;
	char *name;
	size_t i;
	int ok;

	if (clang_getCursorKind(cond) != CXCursor_BinaryOperator)
		return 0;
	op = bin_op(cond);
	kids_of(cond, &k);
	if (k.n != 2 || !crange(d, k.c[1], &f->hi))
		return 0;
	/* v must be compared as itself: no conversion to a wider common type */
	if (!clang_equalTypes(clang_getCanonicalType(clang_getCursorType(k.c[0])),
			      clang_getCanonicalType(vt)))
		return 0;
	name = var_name(k.c[0]);
	ok = name && !strcmp(name, f->var);
	free(name);
	for (i = 0; ok && i < ARRAY_SIZE(ops); i++)
		if (ops[i].k == op) {
			strcpy(f->op, ops[i].s);
			return 1;
		}
	return 0;
}

int detect_for(const struct detect *d, const char *fn, size_t stmt_start, struct kfor *ret)
{
	CXCursor c = find_cursor(d, fn, stmt_start, (size_t)-1, CXCursor_ForStmt);
	CXType vt;
	struct kids k;
	struct range r;
	size_t p;

	memset(ret, 0, sizeof(*ret));
	if (clang_Cursor_isNull(c))
		return -1;
	kids_of(c, &k);
	if (k.n != 4 || in_macro(k.c[0]) || in_macro(k.c[1]) || in_macro(k.c[2]))
		return 0;
	for_init(d, k.c[0], ret);
	if (!ret->var)
		return 0;
	if (ret->declared) {
		struct kids v;
		kids_of(k.c[0], &v);
		vt = clang_getCursorType(v.c[0]);
	} else {
		struct kids a;
		kids_of(k.c[0], &a);
		vt = clang_getCursorType(strip(a.c[0]));
	}
	ret->type = detect_cxstr(clang_getTypeSpelling(vt));
	vt = clang_getCanonicalType(vt);
	ret->is_unsigned = vt.kind >= CXType_Char_U && vt.kind <= CXType_UInt128;
	ret->is_integer = ret->is_unsigned || (vt.kind >= CXType_Char_S && vt.kind <= CXType_Int128);
	ret->size = (unsigned)clang_Type_getSizeOf(vt);
	ret->step = for_step(k.c[2], ret->var);
	if (!for_cond(d, k.c[1], ret, vt) || !ret->step || !crange(d, c, &r) ||
	    !crange(d, k.c[2], &ret->header)) {
		kfor_release(ret);
		return 0;
	}
	for (p = r.start; p < d->text.len && d->text.buf[p] != '('; p++)
		;
	ret->header.start = p;
	p = skip_blank(&d->text, ret->header.end);
	if (p >= d->text.len || d->text.buf[p] != ')') {
		kfor_release(ret);
		return 0;
	}
	ret->header.end = p + 1;
	return 0;
}

void kfor_release(struct kfor *f)
{
	free(f->var);
	free(f->type);
	memset(f, 0, sizeof(*f));
}

/* ---- statement lists ---- */

struct stmt_list {
	const struct detect *d;
	struct kstmt *s;
	size_t nr, alloc;
};

static void stmt_assignment(const struct detect *d, CXCursor c, struct kstmt *s)
{
	enum CXCursorKind kind = clang_getCursorKind(c);
	struct kids k;
	CXCursor lhs, base, index;
	char *op;

	if (kind != CXCursor_BinaryOperator && kind != CXCursor_CompoundAssignOperator)
		return;
	if (kind == CXCursor_BinaryOperator &&
	    bin_op(c) != CXBinaryOperator_Assign)
		return;
	kids_of(c, &k);
	if (k.n != 2 || !crange(d, k.c[0], &s->lhs) || !crange(d, k.c[1], &s->rhs))
		return;
	op = bin_op_spelling(c);
	if (strlen(op) < sizeof(s->op))
		strcpy(s->op, op);
	free(op);
	s->lhs_var = var_name(k.c[0]);
	lhs = strip(k.c[0]);
	if (clang_getCursorKind(lhs) == CXCursor_ArraySubscriptExpr &&
	    !subscript_parts(lhs, &base, &index) && crange(d, index, &s->lhs_index))
		s->lhs_base = var_name(base);
}

static void stmt_add(struct stmt_list *l, CXCursor c)
{
	enum CXCursorKind kind = clang_getCursorKind(c);
	struct kstmt *s;
	struct kids k;

	ALLOC_GROW(l->s, l->nr + 1, l->alloc);
	s = &l->s[l->nr++];
	memset(s, 0, sizeof(*s));
	crange(l->d, c, &s->r);
	if (in_macro(c))
		return;
	if (kind == CXCursor_DeclStmt) {
		s->kind = KST_DECL;
		kids_of(c, &k);
		if (k.n == 1 && clang_getCursorKind(k.c[0]) == CXCursor_VarDecl) {
			struct kids v;
			s->name = detect_cxstr(clang_getCursorSpelling(k.c[0]));
			s->type = detect_cxstr(clang_getTypeSpelling(clang_getCursorType(k.c[0])));
			kids_of(k.c[0], &v);
			if (v.n && v.n <= ARRAY_SIZE(v.c) &&
			    clang_isExpression(clang_getCursorKind(v.c[v.n - 1])))
				crange(l->d, v.c[v.n - 1], &s->init);
		}
	} else if (kind == CXCursor_ForStmt)
		s->kind = KST_FOR;
	else if (kind == CXCursor_CompoundStmt)
		s->kind = KST_COMPOUND;
	else if (kind == CXCursor_NullStmt)
		s->kind = KST_NULL;
	else if (clang_isExpression(kind)) {
		s->kind = KST_EXPR;
		s->r.end = with_semicolon(l->d, s->r.end);
		stmt_assignment(l->d, c, s);
	}
}

static enum CXChildVisitResult stmt_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	stmt_add(data, c);
	return CXChildVisit_Continue;
}

int detect_stmts(const struct detect *d, const char *fn, struct range r,
		 struct kstmt **ret, size_t *ret_nr)
{
	CXCursor c = find_cursor(d, fn, r.start, r.end, CXCursor_FirstInvalid);
	struct stmt_list l = { d, NULL, 0, 0 };

	if (clang_Cursor_isNull(c))
		return -1;
	if (clang_getCursorKind(c) == CXCursor_CompoundStmt && !in_macro(c))
		clang_visitChildren(c, stmt_visit, &l);
	else
		stmt_add(&l, c);
	*ret = l.s;
	*ret_nr = l.nr;
	return 0;
}

void detect_stmts_free(struct kstmt *s, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(s[i].name);
		free(s[i].type);
		free(s[i].lhs_var);
		free(s[i].lhs_base);
	}
	free(s);
}

/* ---- facts ---- */

struct fwalk {
	const struct detect *d;
	struct range r;
	struct kfacts *f;
	size_t alloc_writes, alloc_acc;
	unsigned loops, switches;
	struct strvec locals;
};

static void node(CXCursor c, struct fwalk *w);

static enum CXChildVisitResult inside_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	node(c, data);
	return CXChildVisit_Continue;
}

static void push_once(struct strvec *v, const char *s)
{
	if (strvec_find(v, s) < 0)
		strvec_push(v, s);
}

static void add_write(struct fwalk *w, CXCursor ref)
{
	char *name = var_name(ref);
	struct kvar *v;

	if (!name) {
		w->f->flags |= KF_OPAQUE;
		return;
	}
	if (kfacts_written(w->f, name)) {
		free(name);
		return;
	}
	ALLOC_GROW(w->f->writes, w->f->nr_writes + 1, w->alloc_writes);
	v = &w->f->writes[w->f->nr_writes++];
	v->name = name;
	v->type = detect_cxstr(clang_getTypeSpelling(
		clang_getCanonicalType(clang_getCursorType(strip(ref)))));
	v->local = strvec_find(&w->locals, name) >= 0;
}

static void add_access(struct fwalk *w, CXCursor c, int load, int store)
{
	CXCursor base, index;
	struct kaccess *a;

	ALLOC_GROW(w->f->acc, w->f->nr_acc + 1, w->alloc_acc);
	a = &w->f->acc[w->f->nr_acc++];
	memset(a, 0, sizeof(*a));
	a->load = load;
	a->store = store;
	crange(w->d, c, &a->r);
	if (subscript_parts(c, &base, &index) < 0) {
		w->f->flags |= KF_UNKNOWN_ACCESS;
		return;
	}
	crange(w->d, index, &a->index);
	a->base = var_name(base);
	if (!a->base)
		w->f->flags |= KF_UNKNOWN_ACCESS;
	clang_visitChildren(c, inside_visit, w);
}

/* An lvalue that is written (and read too when `load`). */
static void lvalue(CXCursor c, struct fwalk *w, int load)
{
	CXCursor s = strip(c);
	enum CXCursorKind kind = clang_getCursorKind(s);

	if (kind == CXCursor_DeclRefExpr) {
		add_write(w, s);
		node(s, w);
	} else if (kind == CXCursor_ArraySubscriptExpr)
		add_access(w, s, load, 1);
	else {
		w->f->flags |= kind == CXCursor_UnaryOperator || kind == CXCursor_MemberRefExpr
				       ? KF_DEREF : KF_OPAQUE;
		node(s, w);
	}
}

static void operator_node(CXCursor c, struct fwalk *w)
{
	enum CXCursorKind kind = clang_getCursorKind(c);
	struct kids k;

	kids_of(c, &k);
	if (kind == CXCursor_UnaryOperator && k.n == 1) {
		enum CXUnaryOperatorKind op = un_op(c);
		if (op >= CXUnaryOperator_PostInc && op <= CXUnaryOperator_PreDec) {
			lvalue(k.c[0], w, 1);
			return;
		}
		if (op == CXUnaryOperator_AddrOf &&
		    clang_getCursorKind(strip(k.c[0])) == CXCursor_DeclRefExpr &&
		    !is_array_var(k.c[0])) {
			/* &x lets x change behind the names; &a[i] and &array do not */
			w->f->flags |= KF_ADDR;
			add_write(w, k.c[0]);
		}
		if (op == CXUnaryOperator_Deref)
			w->f->flags |= KF_DEREF;
	} else if (k.n == 2 && (kind == CXCursor_CompoundAssignOperator ||
				bin_op(c) == CXBinaryOperator_Assign)) {
		lvalue(k.c[0], w, kind == CXCursor_CompoundAssignOperator);
		node(k.c[1], w);
		return;
	}
	clang_visitChildren(c, inside_visit, w);
}

static void var_node(CXCursor c, struct fwalk *w)
{
	char *name = detect_cxstr(clang_getCursorSpelling(c));
	CXType t = clang_getCursorType(c);

	push_once(&w->locals, name);
	if (clang_isVolatileQualifiedType(t))
		w->f->flags |= KF_OPAQUE;
	free(name);
	clang_visitChildren(c, inside_visit, w);
}

static void ref_node(CXCursor c, struct fwalk *w)
{
	char *name = var_name(c);

	if (name) {
		push_once(&w->f->refs, name);
		if (clang_isVolatileQualifiedType(clang_getCursorType(c)))
			w->f->flags |= KF_OPAQUE;
	}
	free(name);
}

static void nested(CXCursor c, struct fwalk *w, unsigned *counter)
{
	(*counter)++;
	clang_visitChildren(c, inside_visit, w);
	(*counter)--;
}

static void node(CXCursor c, struct fwalk *w)
{
	enum CXCursorKind kind = clang_getCursorKind(c);

	if (in_macro(c))
		w->f->flags |= KF_OPAQUE;
	switch (kind) {
	case CXCursor_ForStmt: case CXCursor_WhileStmt: case CXCursor_DoStmt:
		nested(c, w, &w->loops);
		return;
	case CXCursor_SwitchStmt:
		nested(c, w, &w->switches);
		return;
	case CXCursor_BreakStmt:
		if (!w->loops && !w->switches)
			w->f->flags |= KF_BREAK;
		return;
	case CXCursor_ContinueStmt:
		if (!w->loops)
			w->f->flags |= KF_CONTINUE;
		return;
	case CXCursor_GotoStmt: case CXCursor_IndirectGotoStmt: case CXCursor_LabelStmt:
		w->f->flags |= KF_GOTO;
		break;
	case CXCursor_ReturnStmt:
		w->f->flags |= KF_RETURN;
		break;
	case CXCursor_AsmStmt: case CXCursor_MSAsmStmt: case CXCursor_StmtExpr:
		w->f->flags |= KF_OPAQUE;
		break;
	case CXCursor_MemberRefExpr:
		w->f->flags |= KF_DEREF;
		break;
	case CXCursor_VarDecl:
		var_node(c, w);
		return;
	case CXCursor_DeclRefExpr:
		ref_node(c, w);
		return;
	case CXCursor_CallExpr: {
		char *name = detect_cxstr(clang_getCursorSpelling(c));
		push_once(&w->f->calls, name);
		free(name);
		break;
	}
	case CXCursor_ArraySubscriptExpr:
		add_access(w, c, 1, 0);
		return;
	case CXCursor_UnaryOperator: case CXCursor_BinaryOperator:
	case CXCursor_CompoundAssignOperator:
		operator_node(c, w);
		return;
	default:
		break;
	}
	clang_visitChildren(c, inside_visit, w);
}

/* Descend to the cursors inside the range. */
static enum CXChildVisitResult search_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct fwalk *w = data;
	struct range r;

	if (!crange(w->d, c, &r) || r.end <= w->r.start || r.start >= w->r.end)
		return CXChildVisit_Continue;
	if (r.start >= w->r.start && r.end <= w->r.end) {
		node(c, w);
		return CXChildVisit_Continue;
	}
	return CXChildVisit_Recurse;
}

int detect_facts(const struct detect *d, const char *fn, struct range r, struct kfacts *ret)
{
	const struct toplevel *tl = fn_named(d, fn);
	struct fwalk w;

	memset(ret, 0, sizeof(*ret));
	strvec_init(&ret->refs);
	strvec_init(&ret->calls);
	strvec_init(&ret->decls);
	if (!tl)
		return -1;
	memset(&w, 0, sizeof(w));
	w.d = d;
	w.r = r;
	w.f = ret;
	w.locals = ret->decls;
	clang_visitChildren(tl->cur, search_visit, &w);
	ret->decls = w.locals;
	return 0;
}

const struct kvar *kfacts_written(const struct kfacts *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nr_writes; i++)
		if (!strcmp(f->writes[i].name, name))
			return &f->writes[i];
	return NULL;
}

void kfacts_release(struct kfacts *f)
{
	size_t i;

	for (i = 0; i < f->nr_writes; i++) {
		free(f->writes[i].name);
		free(f->writes[i].type);
	}
	free(f->writes);
	for (i = 0; i < f->nr_acc; i++)
		free(f->acc[i].base);
	free(f->acc);
	strvec_clear(&f->refs);
	strvec_clear(&f->calls);
	strvec_clear(&f->decls);
	memset(f, 0, sizeof(*f));
}

/* ---- parameters ---- */

struct parm_list {
	const struct detect *d;
	struct kparm *p;
	size_t nr, alloc;
};

static enum CXChildVisitResult parm_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct parm_list *l = data;
	struct kparm *p;
	char *name;

	if (clang_getCursorKind(c) != CXCursor_ParmDecl)
		return CXChildVisit_Continue;
	ALLOC_GROW(l->p, l->nr + 1, l->alloc);
	p = &l->p[l->nr++];
	memset(p, 0, sizeof(*p));
	crange(l->d, c, &p->r);
	p->name_at = p->r.end;
	name = detect_cxstr(clang_getCursorSpelling(c));
	if (*name && !detect_main_offset(l->d, clang_getCursorLocation(c), &p->name_at))
		p->name_at = p->r.end;
	if (*name)
		p->name = name;
	else
		free(name);
	return CXChildVisit_Continue;
}

int detect_params(const struct detect *d, const char *fn, struct kparm **ret,
		  size_t *ret_nr)
{
	const struct toplevel *tl = fn_named(d, fn);
	struct parm_list l = { d, NULL, 0, 0 };

	if (!tl)
		return -1;
	clang_visitChildren(tl->cur, parm_visit, &l);
	*ret = l.p;
	*ret_nr = l.nr;
	return 0;
}

void detect_params_free(struct kparm *p, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(p[i].name);
	free(p);
}
