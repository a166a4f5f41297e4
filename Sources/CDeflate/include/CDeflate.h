/*
 * CDeflate - libdeflate's compressor, built from a copy of its source
 * with one change, for the deflate bale's workers write at levels 2-12.
 *
 * Why a copy, when Debian's libdeflate.a is linked anyway (for inflating):
 * libdeflate chooses each block's type by exact cost, so over data that
 * does not compress (the .gz files inside a tar) it writes Huffman-coded
 * blocks that save 1-2% of their size, where zlib and GNU gzip write
 * stored blocks. Inflating those blocks costs a table lookup per byte
 * instead of a memcpy: bale's own gzip of the bench's text tree took
 * ~1.4x the CPU to inflate that GNU gzip's file of the same tree did,
 * whichever inflater. No option of libdeflate's reaches that choice, so
 * the copy stores a block whose coding would save less than 1.5%
 * (libdeflate/lib/deflate_compress.c, "bale:"). Everything else is
 * libdeflate 1.25 as released (MIT licence: libdeflate/COPYING); the
 * README ("Choices behind the figures") has the measurements.
 *
 * The functions are libdeflate's own (libdeflate.h documents them),
 * renamed bale_libdeflate_... (BaleNames.h).
 */
#ifndef CDEFLATE_H
#define CDEFLATE_H

#include <stddef.h>

struct bale_libdeflate_compressor;

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

/* The version of libdeflate this compressor is a copy of ("1.25"). */
const char *bale_libdeflate_compressor_version(void);

#endif
