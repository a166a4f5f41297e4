// SHA-256 of sixteen messages at once on AVX-512: one 32-bit lane of each
// 512-bit register per message, the rounds written out in plain vector
// operations, for `bale_sha256_many` (SHA256Many.c) where the CPU's SHA
// instructions are slow or missing.
//
// Why: on an Intel Xeon (this project's machine since 2026-12-07) the
// SHA unit takes ~3 cycles a step, and two messages interleaved on it
// (SHA256Pair.c) reach 1.70 GB/s a core where OpenSSL reaches 1.42; in
// `bale sum` of the text corpus that pair was 44% of the CPU samples.
// Sixteen messages side by side in vector lanes do not wait on one unit:
// 2.7-2.9 GB/s a core in a C loop (clang and gcc, 16 × 20 KB), close to
// Intel's own multi-buffer code (libipsec-mb's AVX-512 manager, 3.1-3.2
// GB/s on the same loop), which cannot be used for bale's files: it takes
// each message whole in one job and refuses those above 64 KiB ("Invalid
// authentication message length"), where half of the text corpus's bytes
// are. On CPUs with AVX-512 but no SHA instructions at all (Intel's
// Skylake and Cascade Lake servers) the gain over OpenSSL is larger still.
// On a CPU whose SHA unit is fast (AMD's: the pair at 2.7-3.0 GB/s) the
// pair stays: `bale_sha256_many` times both once and takes the faster.
//
// The rounds are FIPS 180-4's: Σ and σ from rotations (vprord), Ch and
// Maj in one ternary-logic instruction each, the message schedule sixteen
// words in registers. Each lane's block is loaded as one register and the
// sixteen transposed (a word of every message per register), after a
// byte swap to big-endian words. The tests compare every length from 0 to
// 130 bytes and mixes of many lengths with libcrypto (SHA256LanesTests).
#include <stdint.h>
#include "SHA256Lanes.h"

#if defined(__x86_64__)
#include <immintrin.h>

int bale_sha256_sixteen_available(void) {
    // The compiler's check includes the operating system's: the ZMM
    // registers saved on context switches (XCR0).
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
}

#define TARGET __attribute__((target("avx512f,avx512bw")))
#define ROR(x, n) _mm512_ror_epi32((x), (n))
#define XOR3(a, b, c) _mm512_ternarylogic_epi32((a), (b), (c), 0x96)
#define CH(e, f, g) _mm512_ternarylogic_epi32((e), (f), (g), 0xCA)   /* e ? f : g */
#define MAJ(a, b, c) _mm512_ternarylogic_epi32((a), (b), (c), 0xE8)  /* the majority */
#define ADD(a, b) _mm512_add_epi32((a), (b))

/// The sixteen lanes' next block as sixteen words: `w[j]` holds word `j`
/// of every lane's block (a 16 × 16 transpose of 32-bit words: pairs,
/// then quadruples, then 128-bit quarters twice).
TARGET static inline void load_words(const uint8_t *const at[16], size_t offset, __m512i w[16]) {
    const __m512i swap = _mm512_broadcast_i32x4(_mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3));
    __m512i r[16], t[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_shuffle_epi8(_mm512_loadu_si512(at[i] + offset), swap);
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    // r[4q + c]: in its 128-bit quarter l, word 4l + c of lanes 4q..4q+3.
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
        r[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
        r[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
        r[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    for (int c = 0; c < 4; c++) {
        t[c] = _mm512_shuffle_i32x4(r[c], r[c + 4], 0x88);        // words c, c + 8 of lanes 0-7
        t[c + 4] = _mm512_shuffle_i32x4(r[c], r[c + 4], 0xdd);    // words c + 4, c + 12 of lanes 0-7
        t[c + 8] = _mm512_shuffle_i32x4(r[c + 8], r[c + 12], 0x88);
        t[c + 12] = _mm512_shuffle_i32x4(r[c + 8], r[c + 12], 0xdd);
    }
    for (int c = 0; c < 4; c++) {
        w[c] = _mm512_shuffle_i32x4(t[c], t[c + 8], 0x88);
        w[c + 8] = _mm512_shuffle_i32x4(t[c], t[c + 8], 0xdd);
        w[c + 4] = _mm512_shuffle_i32x4(t[c + 4], t[c + 12], 0x88);
        w[c + 12] = _mm512_shuffle_i32x4(t[c + 4], t[c + 12], 0xdd);
    }
}

TARGET void bale_sha256_x16(uint32_t state[8][16], const uint8_t *const at[16], size_t blocks) {
    __m512i a = _mm512_loadu_si512(state[0]), b = _mm512_loadu_si512(state[1]);
    __m512i c = _mm512_loadu_si512(state[2]), d = _mm512_loadu_si512(state[3]);
    __m512i e = _mm512_loadu_si512(state[4]), f = _mm512_loadu_si512(state[5]);
    __m512i g = _mm512_loadu_si512(state[6]), h = _mm512_loadu_si512(state[7]);
    for (size_t block = 0; block < blocks; block++) {
        __m512i w[16];
        load_words(at, 64 * block, w);
        const __m512i a0 = a, b0 = b, c0 = c, d0 = d, e0 = e, f0 = f, g0 = g, h0 = h;
        _Pragma("GCC unroll 64")
        for (int i = 0; i < 64; i++) {
            if (i >= 16) {
                const __m512i w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];
                const __m512i s0 = XOR3(ROR(w15, 7), ROR(w15, 18), _mm512_srli_epi32(w15, 3));
                const __m512i s1 = XOR3(ROR(w2, 17), ROR(w2, 19), _mm512_srli_epi32(w2, 10));
                w[i & 15] = ADD(ADD(w[i & 15], s0), ADD(w[(i - 7) & 15], s1));
            }
            const __m512i t1 = ADD(ADD(h, XOR3(ROR(e, 6), ROR(e, 11), ROR(e, 25))),
                                   ADD(CH(e, f, g), ADD(w[i & 15], _mm512_set1_epi32((int)bale_sha256_k[i]))));
            const __m512i t2 = ADD(XOR3(ROR(a, 2), ROR(a, 13), ROR(a, 22)), MAJ(a, b, c));
            h = g; g = f; f = e; e = ADD(d, t1);
            d = c; c = b; b = a; a = ADD(t1, t2);
        }
        a = ADD(a, a0); b = ADD(b, b0); c = ADD(c, c0); d = ADD(d, d0);
        e = ADD(e, e0); f = ADD(f, f0); g = ADD(g, g0); h = ADD(h, h0);
    }
    _mm512_storeu_si512(state[0], a); _mm512_storeu_si512(state[1], b);
    _mm512_storeu_si512(state[2], c); _mm512_storeu_si512(state[3], d);
    _mm512_storeu_si512(state[4], e); _mm512_storeu_si512(state[5], f);
    _mm512_storeu_si512(state[6], g); _mm512_storeu_si512(state[7], h);
}

#else
#include <stdlib.h>
int bale_sha256_sixteen_available(void) { return 0; }
void bale_sha256_x16(uint32_t state[8][16], const uint8_t *const at[16], size_t blocks) { abort(); }
#endif
