#ifndef ACCC_TUNER_NEST_H
#define ACCC_TUNER_NEST_H
#include "tuner_ctx.h"

/* ---- tuner_nest.c: nests ---- */
void tuner_nest_plans(struct tctx *c, struct tplans *l);

#endif
