/* libdeflate 1.14's allocation helpers (libdeflate/lib/utils.c), which the compressor calls, under bale's names. */
#include "BaleNames.h"
#include "libdeflate/lib/utils.c"
