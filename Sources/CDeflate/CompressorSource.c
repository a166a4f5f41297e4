/* libdeflate 1.25's compressor (libdeflate/lib/deflate_compress.c, with bale's one change), under bale's names. */
#include "BaleNames.h"
#include "libdeflate/lib/deflate_compress.c"

/* The copy's version ("1.25"), for `bale --version`: Debian's libdeflate.h,
 * which BaleCore imports for inflating, names the other library's. */
const char *bale_libdeflate_compressor_version(void) { return LIBDEFLATE_VERSION_STRING; }
