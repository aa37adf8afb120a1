#ifndef ACCC_TARGET_H
#define ACCC_TARGET_H
/*
 * The target registry: one descriptor per hardware target.  The judge issue
 * fills in the interface (fingerprint, build, harness, sandboxed runs,
 * feedback); the driver and the pragma checker need the names now.
 */

/* NULL-terminated list of target names a pragma may name. */
extern const char *const target_names[];

#endif
