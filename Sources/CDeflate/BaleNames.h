/*
 * BaleNames.h - the names bale gives libdeflate's compressor when it is
 * built from the copy in libdeflate/ (see CDeflate.h for why).
 *
 * Debian's libdeflate.a is still linked for inflating and CRC-32, so the
 * copy's every external symbol is renamed here (bale_libdeflate_...):
 * the two never clash, and which one a call reaches is plain at the call
 * site. Included first by each file that compiles part of the copy.
 */
#ifndef BALE_NAMES_H
#define BALE_NAMES_H

/* Store what Huffman coding would shrink by less than 1.5% (libdeflate/lib/deflate_compress.c). */
#define BALE_STORED_PERMILLE 985

#define libdeflate_compressor            bale_libdeflate_compressor
#define libdeflate_alloc_compressor      bale_libdeflate_alloc_compressor
#define libdeflate_deflate_compress      bale_libdeflate_deflate_compress
#define libdeflate_deflate_compress_bound bale_libdeflate_deflate_compress_bound
#define libdeflate_free_compressor       bale_libdeflate_free_compressor
#define libdeflate_get_compression_level bale_libdeflate_get_compression_level
#define libdeflate_malloc                bale_libdeflate_malloc
#define libdeflate_free                  bale_libdeflate_free
#define libdeflate_aligned_malloc        bale_libdeflate_aligned_malloc
#define libdeflate_aligned_free          bale_libdeflate_aligned_free
#define libdeflate_set_memory_allocator  bale_libdeflate_set_memory_allocator
#define libdeflate_alloc_compressor_ex   bale_libdeflate_alloc_compressor_ex
#define libdeflate_default_malloc_func   bale_libdeflate_default_malloc_func
#define libdeflate_default_free_func     bale_libdeflate_default_free_func
#define libdeflate_assertion_failed      bale_libdeflate_assertion_failed

#endif
