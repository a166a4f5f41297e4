// SHA-256 on the CPU's SHA instructions (SHA-NI), one message or two at
// a time, their rounds interleaved: the cores `bale_sha256_many`
// (SHA256Many.c) runs two lanes on, and the block-by-block calls
// `FilePairHasher` uses for two large files side by side.
//
// Why two: one message's SHA-256 is a chain, each 4-round step
// (sha256rnds2) waiting for the one before, so on one message the SHA
// unit mostly waits for its own results. A second, independent message
// fills those waits: a C loop on an AMD EPYC hashed 2.7-3.0 GB/s a core
// two messages at a time against OpenSSL's 1.35-1.57 GB/s one at a time,
// for messages of 5 KB to 1 MB. On an Intel Xeon whose SHA unit takes
// more cycles per step, the pair gains less (1.70 GB/s against 1.42):
// there sixteen messages on AVX-512 go faster (SHA256Sixteen.c).
//
// The rounds are the FIPS 180-4 ones, written as Intel's SHA extensions
// lay them out: the state in two registers (ABEF, CDGH), the message
// schedule four words at a time (sha256msg1, sha256msg2), four rounds per
// pair of sha256rnds2. The tests compare every length from 0 to 130 bytes
// and pages and more with sha256sum (SumPairTests, SHA256LanesTests); the
// padding is the standard one (0x80, zeros, the length in bits,
// big-endian: `bale_sha256_pad`).
#include <stdint.h>
#include <string.h>
#include "CSystem.h"
#include "SHA256Lanes.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

static int ask_cpu(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int ssse3 = (ecx >> 9) & 1, sse41 = (ecx >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const int sha = (ebx >> 29) & 1;
    return ssse3 && sse41 && sha;
}

/// -1: not yet asked.
static int has_pair = -1;

int bale_sha256_pair_available(void) {
    // Asked once: in a virtual machine each cpuid is a trip to the
    // hypervisor, and `bale_sha256_many` asks at every batch (asked each
    // time, 1.5% of `bale sum`'s samples).
    int has = __atomic_load_n(&has_pair, __ATOMIC_RELAXED);
    if (has < 0) {
        has = ask_cpu();
        __atomic_store_n(&has_pair, has, __ATOMIC_RELAXED);
    }
    return has;
}

const uint32_t bale_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
const uint32_t bale_sha256_h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#define TARGET __attribute__((target("sha,sse4.1,ssse3")))

// state as ABEF / CDGH registers
TARGET static inline void load_state(const uint32_t s[8], __m128i *abef, __m128i *cdgh) {
    __m128i tmp = _mm_loadu_si128((const __m128i *)&s[0]);
    __m128i s1 = _mm_loadu_si128((const __m128i *)&s[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);
    s1 = _mm_shuffle_epi32(s1, 0x1B);
    *abef = _mm_alignr_epi8(tmp, s1, 8);
    *cdgh = _mm_blend_epi16(s1, tmp, 0xF0);
}
TARGET static inline void store_state(uint32_t s[8], __m128i abef, __m128i cdgh) {
    __m128i tmp = _mm_shuffle_epi32(abef, 0x1B);
    __m128i s1 = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&s[0], _mm_blend_epi16(tmp, s1, 0xF0));
    _mm_storeu_si128((__m128i *)&s[4], _mm_alignr_epi8(s1, tmp, 8));
}

#define MASK _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL)

// One 4-round group for one lane: w[i&3] is the schedule word group i.
#define GROUP(i, w, s0, s1) do { \
    if ((i) >= 4) { \
        __m128i x = _mm_sha256msg1_epu32(w[(i) & 3], w[((i) + 1) & 3]); \
        x = _mm_add_epi32(x, _mm_alignr_epi8(w[((i) + 3) & 3], w[((i) + 2) & 3], 4)); \
        w[(i) & 3] = _mm_sha256msg2_epu32(x, w[((i) + 3) & 3]); \
    } \
    __m128i m = _mm_add_epi32(w[(i) & 3], _mm_loadu_si128((const __m128i *)&bale_sha256_k[4 * (i)])); \
    s1 = _mm_sha256rnds2_epu32(s1, s0, m); \
    m = _mm_shuffle_epi32(m, 0x0E); \
    s0 = _mm_sha256rnds2_epu32(s0, s1, m); \
} while (0)

TARGET void bale_sha256_x1(uint32_t state[8], const uint8_t *data, size_t blocks) {
    __m128i s0, s1; load_state(state, &s0, &s1);
    const __m128i mask = MASK;
    while (blocks--) {
        __m128i a0 = s0, a1 = s1, w[4];
        for (int j = 0; j < 4; j++) w[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * j)), mask);
        GROUP(0,w,s0,s1); GROUP(1,w,s0,s1); GROUP(2,w,s0,s1); GROUP(3,w,s0,s1);
        GROUP(4,w,s0,s1); GROUP(5,w,s0,s1); GROUP(6,w,s0,s1); GROUP(7,w,s0,s1);
        GROUP(8,w,s0,s1); GROUP(9,w,s0,s1); GROUP(10,w,s0,s1); GROUP(11,w,s0,s1);
        GROUP(12,w,s0,s1); GROUP(13,w,s0,s1); GROUP(14,w,s0,s1); GROUP(15,w,s0,s1);
        s0 = _mm_add_epi32(s0, a0); s1 = _mm_add_epi32(s1, a1);
        data += 64;
    }
    store_state(state, s0, s1);
}

#define GROUP2(i) GROUP(i, wa, a0, a1); GROUP(i, wb, b0, b1)
TARGET void bale_sha256_x2(uint32_t sa[8], uint32_t sb[8], const uint8_t *da, const uint8_t *db, size_t blocks) {
    __m128i a0, a1, b0, b1; load_state(sa, &a0, &a1); load_state(sb, &b0, &b1);
    const __m128i mask = MASK;
    while (blocks--) {
        __m128i pa0 = a0, pa1 = a1, pb0 = b0, pb1 = b1, wa[4], wb[4];
        for (int j = 0; j < 4; j++) {
            wa[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(da + 16 * j)), mask);
            wb[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(db + 16 * j)), mask);
        }
        GROUP2(0); GROUP2(1); GROUP2(2); GROUP2(3); GROUP2(4); GROUP2(5); GROUP2(6); GROUP2(7);
        GROUP2(8); GROUP2(9); GROUP2(10); GROUP2(11); GROUP2(12); GROUP2(13); GROUP2(14); GROUP2(15);
        a0 = _mm_add_epi32(a0, pa0); a1 = _mm_add_epi32(a1, pa1);
        b0 = _mm_add_epi32(b0, pb0); b1 = _mm_add_epi32(b1, pb1);
        da += 64; db += 64;
    }
    store_state(sa, a0, a1); store_state(sb, b0, b1);
}

// The padded end of a message of `total_length` bytes: its last partial
// block (`partial_length` bytes at `partial`, no more than
// `total_length % 64`), 0x80, zeros, the bit length; 1 or 2 blocks
// (returned).
size_t bale_sha256_pad(const uint8_t *partial, size_t partial_length, uint64_t total_length, uint8_t tail[128]) {
    const size_t rest = (size_t)(total_length % 64), blocks = rest < 56 ? 1 : 2;
    memset(tail, 0, 128);
    memcpy(tail, partial, partial_length < rest ? partial_length : rest);
    tail[rest] = 0x80;
    const uint64_t bits = total_length * 8;
    for (int i = 0; i < 8; i++) tail[64 * blocks - 1 - i] = (uint8_t)(bits >> (8 * i));
    return blocks;
}

void bale_sha256_output(const uint32_t s[8], uint8_t *digest) {
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(s[i] >> 24); digest[4 * i + 1] = (uint8_t)(s[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(s[i] >> 8); digest[4 * i + 3] = (uint8_t)s[i];
    }
}

// Two long messages side by side (`FilePairHasher`: two large files, each
// read a window at a time): the same rounds, exposed block by block, with
// the state between calls kept by the caller.

void bale_sha256_start(uint32_t state[8]) { memcpy(state, bale_sha256_h0, 32); }

void bale_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
    if (blocks > 0) bale_sha256_x1(state, data, blocks);
}

void bale_sha256_blocks_pair(uint32_t a[8], const uint8_t *da, uint32_t b[8], const uint8_t *db, size_t blocks) {
    if (blocks > 0) bale_sha256_x2(a, b, da, db, blocks);
}

void bale_sha256_finish(uint32_t state[8], const uint8_t *rest, size_t rest_length, uint64_t total_length,
                        uint8_t digest[32]) {
    // `rest` holds the message's last `total_length % 64` bytes.
    uint8_t tail[128];
    const size_t blocks = bale_sha256_pad(rest, rest_length, total_length, tail);
    bale_sha256_x1(state, tail, blocks);
    bale_sha256_output(state, digest);
}

#else
// Elsewhere there are no SHA-NI lanes: `bale_sha256_pair_available` says
// so, and bale hashes with libcrypto; the rest is never called.
#include <stdlib.h>
int bale_sha256_pair_available(void) { return 0; }
void bale_sha256_start(uint32_t state[8]) { abort(); }
void bale_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) { abort(); }
void bale_sha256_blocks_pair(uint32_t a[8], const uint8_t *da, uint32_t b[8], const uint8_t *db, size_t blocks) { abort(); }
void bale_sha256_finish(uint32_t state[8], const uint8_t *rest, size_t rest_length, uint64_t total_length,
                        uint8_t digest[32]) { abort(); }
#endif
