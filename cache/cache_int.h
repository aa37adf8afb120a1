#ifndef ACCC_CACHE_INT_H
#define ACCC_CACHE_INT_H
/* Shared by cache.c, cache_sync.c and cache_bundle.c only. */
#include "cache.h"
#include "cache_remote.h"

struct cache {
	struct cache_store store;
	struct cache_remote **remotes;
	size_t remotes_nr;
	char *signing_key;
	int require_signature;
	enum cache_verify_policy verify;
	cache_verify_fn verify_fn;
	void *verify_data;
};

enum cache_accept {
	ACCEPT_OK = 0,
	ACCEPT_CORRUPT,
	ACCEPT_VERSION,
	ACCEPT_SIGNATURE,
	ACCEPT_VERIFY,
	ACCEPT_IO,
};

/*
 * Check bytes that came from elsewhere (a remote, a bundle) as key's entry:
 * decode, signature when required, and with `use_now` the verify policy (a
 * lookup about to use the entry; pull and import leave the check to the
 * first use); then store them marked CACHE_ENTRY_REMOTE.  The reason of a
 * refusal is counted in delta (not consumed).  ret (may be NULL) receives the
 * entry when accepted, and also on ACCEPT_IO (sound but not stored).
 */
enum cache_accept cache_accept_foreign(struct cache *c, const char *key,
				       struct strbuf *raw, int use_now,
				       struct cache_entry *ret,
				       struct cache_stats *delta);
/* Add the report's counters for a refusal reason. */
void cache_report_refusal(struct cache_report *rep, enum cache_accept why);

#endif
