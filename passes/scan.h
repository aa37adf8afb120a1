#ifndef ACCC_SCAN_H
#define ACCC_SCAN_H
/*
 * The fast path's only question: do the source's bytes contain the word
 * "autocomp" at all?  A file without it cannot hold a kernel (the pragma,
 * _Pragma("autocomp ...") or a macro producing it must be spelled in the
 * main file), so it goes to the real compiler without libclang.
 *
 * Returns 1 when found, 0 when not, -1 when the file cannot be read (the
 * caller passes it through: the compiler will say what is wrong).
 */
int scan_file_for_pragma(const char *path);
/* The same over a buffer. */
int scan_buffer_for_pragma(const char *buf, unsigned long len);

#endif
