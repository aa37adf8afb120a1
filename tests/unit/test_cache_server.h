#ifndef ACCC_TEST_CACHE_SERVER_H
#define ACCC_TEST_CACHE_SERVER_H
/*
 * Servers for the remote-cache tests, all on 127.0.0.1: a real nginx with
 * WebDAV PUT (locations: / open, /basic/ basic auth alice:pa55word, /bearer/
 * token "s3cr3t-token", /error/ always 500), and the misbehaving
 * test_cache_fake_server.py.  Header-only, one per test binary.
 */
#include "fs.h"
#include "run.h"
#include "test_port.h"
#include "strbuf.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct strbuf nginx_bin = STRBUF_INIT;
static const char *nginx_prefix; /* set by nginx_setup(): conf, data, logs, tmp */

struct server {
	struct child ch;
	int port;
	char *url;      /* http://127.0.0.1:PORT */
	int tls_port;   /* nginx only, when a certificate could be made */
	char *tls_url;  /* https://127.0.0.1:TLS_PORT, or NULL */
};
#define SERVER_INIT { CHILD_INIT, 0, NULL, 0, NULL }
static int nginx_has_cert; /* nginx_setup made <prefix>/cert.pem, key.pem */

__attribute__((unused)) static int free_port(void)
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

__attribute__((unused)) static int port_open(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)port);
	ok = fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a));
	if (fd >= 0)
		close(fd);
	return ok;
}

__attribute__((unused)) static void server_stop(struct server *s)
{
	if (s->ch.pid > 0) {
		kill(s->ch.pid, SIGKILL);
		child_finish(&s->ch);
		s->ch.pid = 0;
	}
	child_release(&s->ch);
	free(s->url);
	free(s->tls_url);
	s->url = s->tls_url = NULL;
}

__attribute__((unused)) static void write_nginx_conf(const char *conf, int port, int tls_port)
{
	const char *top = nginx_prefix;
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb,
		"daemon off;\nmaster_process off;\nworker_processes 1;\n"
		"error_log %s/logs/error.log;\npid %s/logs/nginx.pid;\n"
		"events { worker_connections 64; }\n"
		"http {\n access_log %s/logs/access.log;\n", top, top, top);
	strbuf_addf(&sb,
		" client_body_temp_path %s/tmp/body;\n proxy_temp_path %s/tmp/proxy;\n"
		" fastcgi_temp_path %s/tmp/fcgi;\n uwsgi_temp_path %s/tmp/uwsgi;\n"
		" scgi_temp_path %s/tmp/scgi;\n", top, top, top, top, top);
	strbuf_addf(&sb,
		" server {\n  listen 127.0.0.1:%d;\n  root %s/data;\n"
		"  client_max_body_size 64m;\n"
		"  location / { dav_methods PUT DELETE; create_full_put_path on;\n"
		"   dav_access user:rw group:r all:r; autoindex on; autoindex_format json; }\n"
		"  location /basic/ { auth_basic \"accc\"; auth_basic_user_file %s/htpasswd;\n"
		"   dav_methods PUT; create_full_put_path on; autoindex on; }\n"
		"  location /bearer/ {\n"
		"   if ($http_authorization != \"Bearer s3cr3t-token\") { return 401; }\n"
		"   dav_methods PUT; create_full_put_path on; }\n"
		"  location /error/ { return 500; }\n"
		" }\n", port, top, top);
	if (tls_port)
		strbuf_addf(&sb,
			" server {\n  listen 127.0.0.1:%d ssl;\n  root %s/data;\n"
			"  ssl_certificate %s/cert.pem;\n  ssl_certificate_key %s/key.pem;\n"
			"  location / { dav_methods PUT; create_full_put_path on; }\n"
			" }\n", tls_port, top, top, top);
	strbuf_addstr(&sb, "}\n");
	write_file(conf, sb.buf, sb.len);
	strbuf_release(&sb);
}

/* Start nginx on a free port; 0, or -1 after a few tries. */
__attribute__((unused)) static int nginx_start(struct server *s)
{
	const char *top = nginx_prefix;
	char *conf = xstrfmt("%s/conf/nginx.conf", top);
	int ret = -1;

	for (int attempt = 0; attempt < 5 && ret < 0; attempt++) {
		double until;
		s->port = free_port();
		s->tls_port = nginx_has_cert ? free_port() : 0;
		if (s->tls_port == s->port)
			continue;
		write_nginx_conf(conf, s->port, s->tls_port);
		child_init(&s->ch);
		strvec_push(&s->ch.args, nginx_bin.buf);
		strvec_pushf(&s->ch.args, "-p%s", top);
		strvec_pushf(&s->ch.args, "-c%s", conf);
		strvec_pushf(&s->ch.args, "-e%s/logs/error.log", top);
		s->ch.stdin_null = 1;
		if (child_start(&s->ch) < 0)
			break;
		/* a bound for a hung start, not a timing: a loaded machine only
		 * makes the wait longer, never the test fail */
		for (until = now_s() + 60; now_s() < until && !port_open(s->port);)
			usleep(10000);
		if (port_open(s->port) && (!s->tls_port || port_open(s->tls_port))) {
			s->url = xstrfmt("http://127.0.0.1:%d", s->port);
			if (s->tls_port)
				s->tls_url = xstrfmt("https://127.0.0.1:%d", s->tls_port);
			ret = 0;
		} else {
			server_stop(s);
		}
	}
	free(conf);
	return ret;
}

/* Start the fake server in `mode`; 0 or -1. */
__attribute__((unused)) static int fake_start(struct server *s, const char *mode, const char *delay)
{
	const char *src = getenv("ACCC_SRC");

	child_init(&s->ch);
	strvec_push(&s->ch.args, "python3");
	strvec_pushf(&s->ch.args, "%s/tests/unit/test_cache_fake_server.py",
		     src ? src : ".");
	strvec_push(&s->ch.args, mode);
	if (delay)
		strvec_push(&s->ch.args, delay);
	s->port = start_reading_port(&s->ch);
	if (s->port <= 0) {
		server_stop(s);
		return -1;
	}
	s->url = xstrfmt("http://127.0.0.1:%d", s->port);
	return 0;
}


/*
 * Check for nginx with WebDAV, python3 and openssl; make the nginx prefix
 * under `prefix` with an htpasswd for alice:pa55word.  Returns 0, or 77 after
 * printing why the test is skipped.
 */
__attribute__((unused)) static int nginx_setup(const char *prefix)
{
	struct child ch = CHILD_INIT;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *path;
	int ok;

	if (find_in_path(&nginx_bin, "nginx", "/usr/sbin:/usr/local/sbin:/usr/bin:/sbin",
			 NULL, NULL) < 0) {
		printf("skip: nginx not installed (Debian package 'nginx')\n");
		return 77;
	}
	strvec_push(&ch.args, nginx_bin.buf);
	strvec_push(&ch.args, "-V");
	child_capture(&ch, &out, &err, 1 << 16);
	child_release(&ch);
	ok = strstr(err.buf, "http_dav_module") != NULL;
	strbuf_release(&out);
	strbuf_release(&err);
	if (!ok) {
		printf("skip: %s lacks the WebDAV module (install Debian 'nginx')\n",
		       nginx_bin.buf);
		return 77;
	}
	if (find_in_path(&out, "python3", NULL, NULL, NULL) < 0) {
		printf("skip: python3 not found (for the fake server)\n");
		return 77;
	}
	strbuf_release(&out);
	nginx_prefix = prefix;
	for (const char *const *d = (const char *const[]){ "conf", "data", "logs", "tmp",
							  NULL }; *d; d++) {
		path = xstrfmt("%s/%s", prefix, *d);
		mkdir_p(path, 0755);
		free(path);
	}
	path = xstrfmt("%s/pw", prefix);
	write_file(path, "pa55word\n", 9); /* not on the command line: it is logged */
	child_init(&ch);
	strvec_push(&ch.args, "openssl");
	strvec_push(&ch.args, "passwd");
	strvec_push(&ch.args, "-apr1");
	strvec_push(&ch.args, "-in");
	strvec_push(&ch.args, path);
	free(path);
	if (child_capture(&ch, &out, NULL, 4096) != 0 || !out.len) {
		printf("skip: openssl passwd failed (Debian package 'openssl')\n");
		return 77;
	}
	strbuf_trim(&out);
	strbuf_splice(&out, 0, 0, "alice:", 6);
	strbuf_addch(&out, '\n');
	path = xstrfmt("%s/htpasswd", prefix);
	write_file(path, out.buf, out.len);
	free(path);
	child_release(&ch);
	strbuf_release(&out);
	/* a self-signed certificate for the TLS server; none: TLS untested */
	child_init(&ch);
		strvec_push(&ch.args, "openssl");
	strvec_push(&ch.args, "req");
	strvec_push(&ch.args, "-x509");
	strvec_push(&ch.args, "-newkey");
	strvec_push(&ch.args, "rsa:2048");
	strvec_push(&ch.args, "-nodes");
	strvec_push(&ch.args, "-days");
	strvec_push(&ch.args, "2");
	strvec_push(&ch.args, "-subj");
	strvec_push(&ch.args, "/CN=127.0.0.1");
	strvec_push(&ch.args, "-addext");
	strvec_push(&ch.args, "subjectAltName=IP:127.0.0.1");
	strvec_push(&ch.args, "-keyout");
	strvec_pushf(&ch.args, "%s/key.pem", prefix);
	strvec_push(&ch.args, "-out");
	strvec_pushf(&ch.args, "%s/cert.pem", prefix);
	ch.stdin_null = 1;
	ch.err_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	nginx_has_cert = child_run(&ch) == 0;
	close(ch.err_fd);
	child_release(&ch);
	return 0;
}

#endif
