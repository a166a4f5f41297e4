/* libdeflate 1.25's compressor (libdeflate/lib/deflate_compress.c, with bale's one change), under bale's names. */
#include "BaleNames.h"
#include "libdeflate/lib/deflate_compress.c"

/* The copy's version ("1.25"), for `bale --version`. */
const char *bale_libdeflate_version(void) { return LIBDEFLATE_VERSION_STRING; }
