// What SHA256Pair.c, SHA256Sixteen.c and SHA256Many.c share: the
// constants, the cores, the padding. Not part of the module's interface
// (include/CSystem.h has what Swift calls); x86-64 only.
#ifndef BALE_SHA256_LANES_H
#define BALE_SHA256_LANES_H
#include <stddef.h>
#include <stdint.h>

/// FIPS 180-4's round constants and initial state.
extern const uint32_t bale_sha256_k[64];
extern const uint32_t bale_sha256_h0[8];

/// SHA-NI: `blocks` 64-byte blocks of one message (`x1`), or of each of
/// two (`x2`), into their states (SHA256Pair.c).
void bale_sha256_x1(uint32_t state[8], const uint8_t *data, size_t blocks);
void bale_sha256_x2(uint32_t sa[8], uint32_t sb[8], const uint8_t *da, const uint8_t *db, size_t blocks);

/// AVX-512: `blocks` blocks of each of sixteen messages, lane `i`'s from
/// `at[i]`, into `state[word][i]` (SHA256Sixteen.c). Only where
/// `bale_sha256_sixteen_available()` (CSystem.h).
void bale_sha256_x16(uint32_t state[8][16], const uint8_t *const at[16], size_t blocks);

/// The padded end of a message of `total_length` bytes into `tail`, from
/// its last partial block (`partial_length` bytes at `partial`): 1 or 2
/// blocks (returned). `bale_sha256_output` writes a state as the digest.
size_t bale_sha256_pad(const uint8_t *partial, size_t partial_length, uint64_t total_length, uint8_t tail[128]);
void bale_sha256_output(const uint32_t state[8], uint8_t *digest);
#endif
