#ifndef ACCC_TEST_PORT_H
#define ACCC_TEST_PORT_H
/*
 * Start a test server (ch set up by the caller) that prints the port it
 * listens on as its first line.  Returns the port, or -1 (the child, if
 * started, is the caller's to stop).
 */
#include "run.h"
#include "strbuf.h"

#include <stdlib.h>
#include <unistd.h>

__attribute__((unused)) static int start_reading_port(struct child *ch)
{
	struct strbuf line = STRBUF_INIT;
	int fds[2], port;
	char c;

	if (pipe(fds) < 0)
		return -1;
	ch->out_fd = fds[1];
	ch->stdin_null = 1;
	if (child_start(ch) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	close(fds[1]);
	while (read(fds[0], &c, 1) == 1 && c != '\n' && line.len < 16)
		strbuf_addch(&line, c);
	close(fds[0]);
	port = atoi(line.buf);
	strbuf_release(&line);
	return port > 0 ? port : -1;
}

#endif
