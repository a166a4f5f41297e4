/*
 * BaleNames.h - the names bale gives libdeflate when it is built from the
 * copy in libdeflate/ (see CDeflate.h for why).
 *
 * The copy's every external symbol is renamed here (bale_libdeflate_...),
 * so that it never clashes with a libdeflate some other library brings
 * into the process, and a call site says plainly which one it reaches.
 * Included first by each file that compiles part of the copy; CDeflate.h
 * declares for Swift the functions bale calls, under the same names.
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

#define libdeflate_decompressor          bale_libdeflate_decompressor
#define libdeflate_alloc_decompressor    bale_libdeflate_alloc_decompressor
#define libdeflate_alloc_decompressor_ex bale_libdeflate_alloc_decompressor_ex
#define libdeflate_deflate_decompress    bale_libdeflate_deflate_decompress
#define libdeflate_deflate_decompress_ex bale_libdeflate_deflate_decompress_ex
#define libdeflate_free_decompressor     bale_libdeflate_free_decompressor
#define libdeflate_crc32                 bale_libdeflate_crc32
#define libdeflate_x86_cpu_features      bale_libdeflate_x86_cpu_features
#define libdeflate_init_x86_cpu_features bale_libdeflate_init_x86_cpu_features
#define libdeflate_arm_cpu_features      bale_libdeflate_arm_cpu_features
#define libdeflate_init_arm_cpu_features bale_libdeflate_init_arm_cpu_features

#endif
