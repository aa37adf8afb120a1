#ifndef ACCC_JUDGE_H
#define ACCC_JUDGE_H
/*
 * The host target's judge (EVALUATION.md on this machine's CPU).  Called as
 * target_list[0]->evaluate (target_host), or directly:
 *
 *   struct target_options opt;
 *   struct target_result res[n];
 *   target_options_init(&opt);
 *   opt.lock_dir = "<ACCC_DIR>/locks";
 *   if (host_evaluate(&kernel, cands, n, &opt, res) < 0)
 *           ... the original itself fails: fall back, res[] say why ...
 *   ... res[i].verdict, res[i].reason, res[i].timing.speedup ...
 *   target_result_release(&res[i]) for each i;
 *
 * What it does, in order:
 * 1. Builds, in parallel (opt.jobs): the harness (generated from the
 *    clauses), the reference unit, and for each candidate: include check,
 *    preprocessing, checks on the preprocessed text, the object, its
 *    symbol/section checks against the reference's object, a disassembly
 *    check where system-call bytes appear, the link.  All in the sandbox.
 * 2. Under the machine's measurement lock (judge_time.c): picks shapes
 *    (the args shapes, a tiny one, two ragged ones, one unseen one, all
 *    within the assume clauses, chosen with a secret seed), makes random
 *    inputs for two trials per shape plus one timing trial per args shape,
 *    and computes the reference outputs in the reference's own process.
 * 3. Per candidate: checks every trial (fresh buffers, poisoned outputs, a
 *    second run with another poison for determinism, a third at the same
 *    addresses with new inputs, two more whose inputs differ from the one
 *    before in one element, and on generated shapes the wide-magnitude
 *    regime), runs its -fsanitize=undefined build on the small shapes,
 *    then times it interleaved with the reference, over three pairs of
 *    fresh processes (address-layout effects become spread, not speedup),
 *    every timed call on inputs of its own, with sampled calls replayed
 *    against the reference; or counts its instructions under valgrind.
 *
 * Verdicts and what they carry are in target.h; reasons are one line that
 * names the shape ("n=17 m=3 (ragged)").  Nothing a candidate prints is
 * parsed; it comes back, capped, in `detail` of a failed verdict.
 *
 * Tolerance, floating-point outputs: |y - r| <= atol + rtol |r| per element
 * and ||y - r||_2 <= rtol ||r||_2 + atol_given sqrt(N) over the buffer.
 * rtol: tol()'s, else max(base, 8 eps sqrt(K)) with base 1e-4 (float),
 * 1e-10 (double), 1e-12 (long double), eps the type's epsilon, and K the
 * reduction length estimated as flops / (2 outputs) when flops() is given,
 * else inputs / outputs.  atol: tol()'s second value when non-zero, else
 * rtol * max|r| over the buffer (so values that cancel to near zero are
 * judged against the buffer's scale).  Integers and bools: exact.  A NaN or
 * infinity where the reference has a finite value fails; where the
 * reference has NaN or infinity, the same class is required.  Elements the
 * reference itself never writes are not compared.
 */
#include "target.h"

/* Raise whenever the judge gets stricter: it is part of every cache key, so
 * stored winners are re-judged. */
#define JUDGE_POLICY_VERSION 2

int host_evaluate(const struct target_kernel *k, const char *const *cands, size_t n,
		  const struct target_options *opt, struct target_result *res);

#endif
