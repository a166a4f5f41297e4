#ifndef BALE_CCRYPTO_SHIM_H
#define BALE_CCRYPTO_SHIM_H
/* The system's libcrypto (Debian's libssl-dev): SHA-256 through the EVP
   interface, which uses the CPU's SHA instructions where it has them. */
#include <openssl/evp.h>

/* EVP_DigestUpdate in the shape of CSystem's `bale_consumer`, so a
   mapped file is hashed under its SIGBUS guard (bale_guarded_consume)
   with only C frames between the guard and the read that may fault. */
static inline void bale_digest_update(void *context, const void *bytes, size_t count) {
    EVP_DigestUpdate((EVP_MD_CTX *)context, bytes, count);
}
#endif
