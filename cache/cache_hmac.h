#ifndef ACCC_CACHE_HMAC_H
#define ACCC_CACHE_HMAC_H
/*
 * HMAC-SHA256, the one place in cache/ that includes OpenSSL (libcrypto,
 * which libcurl's OpenSSL flavour already loads).
 */
#include <stddef.h>

#define CACHE_HMAC_SIZE 32

/* out = HMAC-SHA256(key, data).  An empty key is allowed. */
void cache_hmac_sha256(const char *key, const void *data, size_t len,
		       unsigned char out[CACHE_HMAC_SIZE]);
/* Compare two digests in constant time: 1 equal, 0 not. */
int cache_hmac_equal(const unsigned char *a, const unsigned char *b, size_t n);

#endif
