/* The host target's descriptor: this machine's CPU. */
#include "hostinfo.h"
#include "judge.h"
#include "target.h"

const struct target target_host = {
	.name = "host",
	.prompts_dir = "host",
	.description = "this machine's CPU, measured for real",
	.policy_version = JUDGE_POLICY_VERSION,
	.fingerprint = hostinfo_fingerprint,
	.fingerprint_json = hostinfo_json,
	.evaluate = host_evaluate,
};
