#include "cache_hmac.h"
#include "log.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

void cache_hmac_sha256(const char *key, const void *data, size_t len,
		       unsigned char out[CACHE_HMAC_SIZE])
{
	unsigned int n = CACHE_HMAC_SIZE;
	static const unsigned char empty[1];

	if (!HMAC(EVP_sha256(), key, (int)strlen(key),
		  len ? data : empty, len, out, &n) || n != CACHE_HMAC_SIZE)
		BUG("HMAC-SHA256 failed");
}

int cache_hmac_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
	return !CRYPTO_memcmp(a, b, n);
}
