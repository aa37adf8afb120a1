#ifndef ACCC_PRAGMA_INT_H
#define ACCC_PRAGMA_INT_H
/* Shared by pragma.c and pragma_check.c only. */
#include "pragma.h"

/* Fill *err (message formatted, at `offset`) and return -1. */
int pragma_fail(struct pragma_error *err, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
