/* libdeflate 1.25's decompressor (libdeflate/lib/deflate_decompress.c), as released, under bale's names. */
#include "BaleNames.h"
#include "libdeflate/lib/deflate_decompress.c"

/* CDeflate.h declares the results under bale's names: the same values. */
_Static_assert(LIBDEFLATE_SUCCESS == 0 && LIBDEFLATE_BAD_DATA == 1 && LIBDEFLATE_SHORT_OUTPUT == 2 &&
               LIBDEFLATE_INSUFFICIENT_SPACE == 3, "libdeflate_result's values");
