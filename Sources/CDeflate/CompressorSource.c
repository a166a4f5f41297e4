/* libdeflate 1.25's compressor (libdeflate/lib/deflate_compress.c, with bale's one change), under bale's names. */
#include "BaleNames.h"
#include "libdeflate/lib/deflate_compress.c"
