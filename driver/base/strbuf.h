#ifndef ACCC_STRBUF_H
#define ACCC_STRBUF_H
/*
 * A growable byte string, always NUL-terminated (buf[len] == '\0'), which may
 * also hold NUL bytes inside.  STRBUF_INIT is a valid empty string whose buf
 * points at a static "" until the first growth; strbuf_release() frees and
 * re-initializes.  Modelled on git's strbuf.
 */
#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
/* Hand the buffer to the caller (caller frees) and re-initialize sb. */
char *strbuf_detach(struct strbuf *sb, size_t *ret_len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addchars(struct strbuf *sb, int c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Replace bytes [pos, pos+len) with data. */
void strbuf_splice(struct strbuf *sb, size_t pos, size_t len,
		   const void *data, size_t dlen);
void strbuf_trim(struct strbuf *sb);
/* Append `s` quoted for a POSIX shell (for traces and messages). */
void strbuf_addquoted(struct strbuf *sb, const char *s);
/* Append a JSON string literal (with quotes) for `len` bytes of `s`. */
void strbuf_addjson(struct strbuf *sb, const char *s, size_t len);

/*
 * Append the whole content of `path`.  Returns 0, or -1 with errno set when
 * the file cannot be read or is larger than `cap` bytes (errno EFBIG).
 */
int strbuf_read_file(struct strbuf *sb, const char *path, size_t cap);
/* Append everything readable from fd until EOF, at most cap bytes (the rest
 * is read and dropped).  Returns 0, or -1 on a read error. */
int strbuf_read_fd(struct strbuf *sb, int fd, size_t cap);

int starts_with(const char *s, const char *prefix);
int ends_with(const char *s, const char *suffix);
/* If s starts with prefix, set *ret_rest to what follows and return 1. */
int skip_prefix(const char *s, const char *prefix, const char **ret_rest);

#endif
