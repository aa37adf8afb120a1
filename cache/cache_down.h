#ifndef ACCC_CACHE_DOWN_H
#define ACCC_CACHE_DOWN_H
/*
 * Servers remembered as down, across processes.  A server (an LLM endpoint,
 * a team-cache remote) that refused a connection, could not be resolved or
 * timed out is marked in <dir>/down/<hash of its URL> until a time; every
 * accc process of the build skips it until then, so a build pays one
 * timeout, not one per compile.  A marker is text:
 *
 *	accc-down 1
 *	<until: seconds since the epoch>
 *	<the URL, without userinfo>
 *	<why, one line>
 *
 * Markers are best effort: one that cannot be read or written is ignored
 * (logged), and a stale one only ends sooner than it said.
 */
#include "strbuf.h"

/*
 * Whether `url` is marked down under `dir` now; `why` (may be NULL) gets
 * the marker's reason and how long it still holds.  0 when `seconds` (the
 * configured memory, down_for) is 0 or less: remembering is off.
 */
int cache_down_check(const char *dir, long seconds, const char *url, struct strbuf *why);
/* Mark `url` down for `seconds` from now (nothing when seconds <= 0). */
void cache_down_mark(const char *dir, long seconds, const char *url, const char *why);

#endif
