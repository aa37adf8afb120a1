#include "cache_down.h"
#include "fs.h"
#include "http.h"
#include "log.h"
#include "xalloc.h"

#include <xxhash.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DOWN_MAGIC "accc-down 1\n"

/* <dir>/down/<xxh128 of the URL without userinfo>; `shown` gets that URL. */
static char *marker_path(const char *dir, const char *url, struct strbuf *shown)
{
	XXH128_hash_t h;

	http_url_for_log(shown, url);
	h = XXH3_128bits(shown->buf, shown->len);
	return xstrfmt("%s/down/%016llx%016llx", dir, (unsigned long long)h.high64,
		       (unsigned long long)h.low64);
}

int cache_down_check(const char *dir, long seconds, const char *url, struct strbuf *why)
{
	struct strbuf sb = STRBUF_INIT, shown = STRBUF_INIT;
	char *path, *p, *end;
	long long until;
	int down = 0;

	if (seconds <= 0 || !dir || !*dir)
		return 0;
	path = marker_path(dir, url, &shown);
	if (strbuf_read_file(&sb, path, 4096) < 0 || !starts_with(sb.buf, DOWN_MAGIC))
		goto out;
	p = sb.buf + strlen(DOWN_MAGIC);
	errno = 0;
	until = strtoll(p, &end, 10);
	if (errno || end == p || *end != '\n')
		goto out;
	/* a marker from a longer setting than today's holds only `seconds` */
	if (until > (long long)time(NULL) + seconds)
		until = (long long)time(NULL) + seconds;
	down = until > (long long)time(NULL);
	if (down && why) {
		const char *reason = strchr(end + 1, '\n'); /* past the URL */
		reason = reason && reason[1] ? reason + 1 : "failed\n";
		strbuf_reset(why);
		strbuf_addf(why, "%.*s, for %llds more", (int)strcspn(reason, "\n"), reason,
			    until - (long long)time(NULL));
	}
out:
	free(path);
	strbuf_release(&sb);
	strbuf_release(&shown);
	return down;
}

void cache_down_mark(const char *dir, long seconds, const char *url, const char *why)
{
	struct strbuf sb = STRBUF_INIT, shown = STRBUF_INIT;
	char *path, *sub;

	if (seconds <= 0 || !dir || !*dir)
		return;
	path = marker_path(dir, url, &shown);
	sub = xstrfmt("%s/down", dir);
	strbuf_addf(&sb, DOWN_MAGIC "%lld\n%s\n", (long long)time(NULL) + seconds, shown.buf);
	strbuf_add(&sb, why, strcspn(why, "\n"));
	strbuf_addch(&sb, '\n');
	if (mkdir_p(sub, 0755) < 0 || write_file_atomic(path, sb.buf, sb.len, 0644) < 0)
		log_msg("cannot remember '%s' as down in %s", shown.buf, sub);
	else
		log_msg("'%s' remembered as down for %ld s: %s", shown.buf, seconds, why);
	free(sub);
	free(path);
	strbuf_release(&sb);
	strbuf_release(&shown);
}
