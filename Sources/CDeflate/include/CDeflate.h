/*
 * CDeflate - libdeflate 1.25, built from a copy of its source with one
 * change to the compressor: the deflate bale's workers write at levels
 * 2-12, the inflate of bale's own members (whose sizes are known), and
 * CRC-32.
 *
 * Why a copy of the compressor: libdeflate chooses each block's type by
 * exact cost, so over data that does not compress (the .gz files inside a
 * tar) it writes Huffman-coded blocks that save 1-2% of their size, where
 * zlib and GNU gzip write stored blocks. Inflating those blocks costs a
 * table lookup per byte instead of a memcpy: bale's own gzip of the
 * bench's text tree took ~1.4x the CPU to inflate that GNU gzip's file of
 * the same tree did, whichever inflater. No option of libdeflate's
 * reaches that choice, so the copy stores a block whose coding would save
 * less than 1.5% (libdeflate/lib/deflate_compress.c, "bale:").
 *
 * Why the decompressor and CRC-32 from the copy too, not Debian's
 * libdeflate.a (1.14 in bookworm): 1.25's inflate took 6% less CPU on
 * bale's members, and its CRC-32 (VPCLMULQDQ where the CPU has it) less
 * than half (README, "Choices behind the figures"). They are libdeflate
 * 1.25 as released (MIT licence: libdeflate/COPYING).
 *
 * The functions are libdeflate's own (libdeflate.h documents them),
 * renamed bale_libdeflate_... (BaleNames.h).
 */
#ifndef CDEFLATE_H
#define CDEFLATE_H

#include <stddef.h>
#include <stdint.h>

struct bale_libdeflate_compressor;
struct bale_libdeflate_decompressor;

/* libdeflate_alloc_compressor: a compressor for level 1-12, or NULL. */
struct bale_libdeflate_compressor *bale_libdeflate_alloc_compressor(int compression_level);

/* libdeflate_deflate_compress: raw deflate of `in` into `out`; 0 if it does not fit. */
size_t bale_libdeflate_deflate_compress(struct bale_libdeflate_compressor *compressor,
                                        const void *in, size_t in_nbytes,
                                        void *out, size_t out_nbytes_avail);

/* libdeflate_deflate_compress_bound: the most `in_nbytes` can take. */
size_t bale_libdeflate_deflate_compress_bound(struct bale_libdeflate_compressor *compressor, size_t in_nbytes);

/* libdeflate_free_compressor. */
void bale_libdeflate_free_compressor(struct bale_libdeflate_compressor *compressor);

/* libdeflate_result, under bale's names (the same values). */
enum bale_libdeflate_result {
    BALE_LIBDEFLATE_SUCCESS = 0,            /* decompressed */
    BALE_LIBDEFLATE_BAD_DATA = 1,           /* not valid deflate */
    BALE_LIBDEFLATE_SHORT_OUTPUT = 2,       /* fewer bytes than asked for */
    BALE_LIBDEFLATE_INSUFFICIENT_SPACE = 3, /* more bytes than the output holds */
};

/* libdeflate_alloc_decompressor: a decompressor, or NULL. */
struct bale_libdeflate_decompressor *bale_libdeflate_alloc_decompressor(void);

/* libdeflate_deflate_decompress_ex: raw inflate of `in` into `out`, with
 * how many bytes of each were used. */
enum bale_libdeflate_result bale_libdeflate_deflate_decompress_ex(
    struct bale_libdeflate_decompressor *decompressor,
    const void *in, size_t in_nbytes, void *out, size_t out_nbytes_avail,
    size_t *actual_in_nbytes_ret, size_t *actual_out_nbytes_ret);

/* libdeflate_free_decompressor. */
void bale_libdeflate_free_decompressor(struct bale_libdeflate_decompressor *decompressor);

/* libdeflate_crc32: gzip's CRC-32 of `buffer`, continuing from `crc` (0 to start). */
uint32_t bale_libdeflate_crc32(uint32_t crc, const void *buffer, size_t len);

/* The version of libdeflate this is a copy of ("1.25"), for `bale --version`. */
const char *bale_libdeflate_version(void);

#endif
