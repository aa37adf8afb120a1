#ifndef ACCC_CACHE_H
#define ACCC_CACHE_H
/*
 * The kernel cache: what the rest of accc calls.
 *
 *	struct cache_config cfg = CACHE_CONFIG_INIT;
 *	cfg.dir = ...;                       (the driver fills it from config)
 *	struct cache *c = cache_open(&cfg);
 *	if (cache_get(c, key, &entry) != CACHE_MISS) ... use entry.source ...
 *	else ... search ..., cache_put(c, key, &winner);
 *	cache_free(c);
 *
 * Lookups go to the local store first, then to each remote in order; a
 * remote hit is written to the local store.  A put writes locally and pushes
 * to every writable remote.  Nothing here fails a build: an unusable entry is
 * a miss (logged and counted), a broken remote is skipped for the rest of the
 * process, and one that refused or timed out by every process for
 * `down_for_s` (counted as remote_down_skip).  cache/ reads no configuration and no environment itself.
 */
#include "cache_entry.h"
#include "cache_key.h"
#include "cache_stats.h"
#include "cache_store.h"

enum cache_verify_policy {
	CACHE_VERIFY_REMOTE = 0,  /* re-check entries from a remote before first use */
	CACHE_VERIFY_ALWAYS,      /* re-check every entry at every use */
	CACHE_VERIFY_NEVER,
};

/*
 * The correctness check of an entry on this machine (the target's, provided
 * by the driver).  Returns 0 correct, -1 wrong (the entry is dropped and
 * counted as verify_fail), 1 cannot tell now (the entry is used unverified).
 */
typedef int (*cache_verify_fn)(const struct cache_entry *e, void *data);

struct cache_config {
	const char *dir;              /* local store root (required) */
	long long max_size;           /* bytes; 0 = unlimited */
	const char *remotes;          /* "URL[|read-only|connect-timeout=MS|timeout=MS] ..." */
	long connect_timeout_ms;      /* defaults for every remote; 0 = 500 */
	long transfer_timeout_ms;     /* 0 = 5000 */
	long down_for_s;              /* remember a remote that refused or timed
				       * out for this long (cache_down.h); 0: no */
	const char *bearer_token;     /* secrets: never logged */
	const char *user;
	const char *password;
	const char *signing_key;      /* sign what is stored when set */
	int require_signature;        /* refuse unsigned or badly signed remote entries */
	enum cache_verify_policy verify;
	cache_verify_fn verify_fn;    /* NULL: entries needing a check are returned
				       * without CACHE_ENTRY_VERIFIED */
	void *verify_data;
};
#define CACHE_CONFIG_INIT { NULL, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, 0, \
			    CACHE_VERIFY_REMOTE, NULL, NULL }

struct cache;

/* Returns the cache, or NULL (logged) for an unusable configuration: no
 * directory, or a malformed remote spec. */
struct cache *cache_open(const struct cache_config *cfg);
void cache_free(struct cache *c);

enum cache_hit {
	CACHE_MISS = 0,
	CACHE_HIT_LOCAL,
	CACHE_HIT_REMOTE,
};

/*
 * Look key up.  On a hit `ret` (initialized by the caller, released first)
 * holds the entry; ret->flags says whether it came from a remote and whether
 * it has been verified here.
 */
enum cache_hit cache_get(struct cache *c, const char *key, struct cache_entry *ret);
/*
 * Store `e` as key's entry locally (signed when a signing key is set) and
 * push it to the writable remotes.  Returns 0 when stored locally, -1 (logged)
 * otherwise; push failures are counted, not returned.
 */
int cache_put(struct cache *c, const char *key, const struct cache_entry *e);
/* Remove key locally.  Returns 1 removed, 0 there was none, -1 error. */
int cache_remove(struct cache *c, const char *key);
/* Bump a named counter (any name: searches, llm_calls, tokens, ...). */
void cache_count(struct cache *c, const char *name, long long delta);

const struct cache_store *cache_local(const struct cache *c);
size_t cache_remote_count(const struct cache *c);

/* What a whole-cache operation did. */
struct cache_report {
	long checked, ok, dropped;        /* verify */
	long corrupt, version, signature; /* why dropped or refused */
	long sent, present, received;     /* push / pull / export / import */
	long failed;                      /* remote or file errors */
};

/* Check every local entry; drop and count the bad ones. */
int cache_verify_all(struct cache *c, struct cache_report *rep);
/*
 * Send every local entry that a writable remote lacks (HEAD, then PUT),
 * signed when a signing key is set and the entry is not.  Returns 0, or -1
 * when a remote failed (the others are still served).
 */
int cache_push(struct cache *c, struct cache_report *rep);
/*
 * Fetch from the remotes what the local store lacks: the given keys, or when
 * keys is empty everything a listing of each "<url>/<ab>/" names (nginx
 * autoindex, WebDAV, S3-style listings).  Entries are checked as on a remote
 * hit and stored as foreign, unverified.  Returns 0, or -1 when a remote
 * failed.
 */
int cache_pull(struct cache *c, const struct strvec *keys, struct cache_report *rep);

/*
 * One file holding the whole local cache, for hand-over without a server:
 * a zstd stream of "ACCCBNDL", version, then (key, size, raw entry) records
 * and an end record.  Import checks every entry like a remote one and marks
 * it as foreign (CACHE_ENTRY_REMOTE).  path "-" is stdout / stdin.
 */
int cache_export(struct cache *c, const char *path, struct cache_report *rep);
int cache_import(struct cache *c, const char *path, struct cache_report *rep);

#endif
