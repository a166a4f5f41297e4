#ifndef BALE_CCRYPTO_SHIM_H
#define BALE_CCRYPTO_SHIM_H
/* The system's libcrypto (Debian's libssl-dev): SHA-256 through the EVP
   interface, which uses the CPU's SHA instructions where it has them. */
#include <openssl/evp.h>
#endif
