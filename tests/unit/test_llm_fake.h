#ifndef ACCC_TEST_LLM_FAKE_H
#define ACCC_TEST_LLM_FAKE_H
/*
 * Start and stop tests/fake/llm_server.py from a unit test, and read its
 * request log.  Header-only, one per test binary.
 */
#include "fs.h"
#include "run.h"
#include "test_port.h"
#include "strbuf.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct fake {
	struct child ch;
	int port;
	char *url;  /* http://127.0.0.1:PORT */
	char *log;  /* its request log */
};

/* 0 when python3 is there, else 77 after printing why. */
__attribute__((unused)) static int fake_available(void)
{
	struct strbuf sb = STRBUF_INIT;
	int ok = find_in_path(&sb, "python3", NULL, NULL, NULL) == 0;

	strbuf_release(&sb);
	if (!ok)
		printf("skip: python3 not found (it runs the fake LLM server)\n");
	return ok ? 0 : 77;
}

__attribute__((unused)) static void fake_stop(struct fake *f)
{
	if (f->ch.pid > 0) {
		/*
		 * SIGTERM lets it write its exit line; the timeout is the net.
		 * A child's timeout runs from its start, so the net is 60 s
		 * from now: a fixed 5 s had passed already whenever the test
		 * ran longer than that (a loaded machine, ASan), and the
		 * server was killed before it could write that line.
		 */
		kill(f->ch.pid, SIGTERM);
		f->ch.timeout_ms = (long)((now_s() - f->ch.wall_s) * 1000.0) + 60000;
		child_finish(&f->ch);
		f->ch.pid = 0;
	}
	child_release(&f->ch);
	free(f->url);
	f->url = NULL;
}

/*
 * Start the server with the script file `script` (or NULL), logging to
 * `log`; `env` ("NAME=value" strings, NULL-terminated, or NULL) is added to
 * its environment.  0, or -1.
 */
__attribute__((unused)) static int fake_start(struct fake *f, const char *script,
					      const char *log, const char *const *env)
{
	const char *src = getenv("ACCC_SRC");

	memset(f, 0, sizeof(*f));
	child_init(&f->ch);
	strvec_push(&f->ch.args, "python3");
	strvec_pushf(&f->ch.args, "%s/tests/fake/llm_server.py", src ? src : ".");
	strvec_push(&f->ch.args, "--lifetime");
	strvec_push(&f->ch.args, "120");
	if (script) {
		strvec_push(&f->ch.args, "--script");
		strvec_push(&f->ch.args, script);
	}
	strvec_push(&f->ch.args, "--log");
	strvec_push(&f->ch.args, log);
	for (; env && *env; env++)
		strvec_push(&f->ch.env, *env);
	f->log = xstrdup(log);
	f->port = start_reading_port(&f->ch);
	if (f->port <= 0) {
		fake_stop(f);
		return -1;
	}
	f->url = xstrfmt("http://127.0.0.1:%d", f->port);
	return 0;
}

__attribute__((unused)) static void fake_free(struct fake *f)
{
	fake_stop(f);
	free(f->log);
	f->log = NULL;
}

/* A port nothing listens on (bound, then closed). */
__attribute__((unused)) static int fake_closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Statistics over the log lines whose `field` contains `value` (NULL:
 * every request line). */
struct fake_stats {
	int requests;
	int max_inflight;  /* max of "inflight" at arrival over those lines */
	int status_200;
	int status_err;    /* status >= 400 */
};

static int fake_line_matches(const cJSON *o, const char *field, const char *value)
{
	const cJSON *it;
	char num[32];

	if (!cJSON_GetObjectItemCaseSensitive(o, "seq"))
		return 0; /* the exit line */
	if (!field)
		return 1;
	it = cJSON_GetObjectItemCaseSensitive(o, field);
	if (cJSON_IsString(it))
		return strstr(it->valuestring, value) != NULL;
	if (cJSON_IsNumber(it)) {
		snprintf(num, sizeof(num), "%d", it->valueint);
		return !strcmp(num, value);
	}
	return 0;
}

__attribute__((unused)) static struct fake_stats fake_log_stats(const char *log,
								 const char *field,
								 const char *value)
{
	struct fake_stats st = { 0 };
	struct strbuf sb = STRBUF_INIT;
	char *save = NULL, *line;

	if (strbuf_read_file(&sb, log, 64u << 20) < 0)
		return st;
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cJSON *o = cJSON_Parse(line);
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(o, "inflight");
		const cJSON *status = cJSON_GetObjectItemCaseSensitive(o, "status");
		if (o && fake_line_matches(o, field, value)) {
			st.requests++;
			if (cJSON_IsNumber(in) && in->valueint > st.max_inflight)
				st.max_inflight = in->valueint;
			if (cJSON_IsNumber(status) && status->valueint == 200)
				st.status_200++;
			if (cJSON_IsNumber(status) && status->valueint >= 400)
				st.status_err++;
		}
		cJSON_Delete(o);
	}
	strbuf_release(&sb);
	return st;
}

/*
 * Requests logged for `field` ~ `value`, waiting up to `timeout_s` for
 * `want` of them: a request the server is still sleeping on is logged when
 * it answers.
 */
__attribute__((unused)) static int fake_wait_requests(const char *log, const char *field,
						      const char *value, int want,
						      double timeout_s)
{
	double until = now_s() + timeout_s;
	int got;

	while ((got = fake_log_stats(log, field, value).requests) < want && now_s() < until)
		usleep(50000);
	return got;
}

/* Whether any regular file under `dir` contains `needle`; names the first
 * such file on stdout.  (In C, not grep: a command line is logged.) */
static const char *tree_needle;
static int tree_found;

static int tree_visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct strbuf sb = STRBUF_INIT;

	if (type == FTW_F && strbuf_read_file(&sb, path, 256u << 20) == 0 &&
	    memmem(sb.buf, sb.len, tree_needle, strlen(tree_needle))) {
		if (!tree_found)
			printf("found '%s' in: %s\n", tree_needle, path);
		tree_found = 1;
	}
	strbuf_release(&sb);
	return 0;
}

__attribute__((unused)) static int tree_contains(const char *dir, const char *needle)
{
	tree_needle = needle;
	tree_found = 0;
	if (nftw(dir, tree_visit, 16, FTW_PHYS) < 0)
		return -1;
	return tree_found;
}

#endif
