/* libdeflate 1.25's allocation helpers (libdeflate/lib/utils.c), which the compressor calls, under bale's names. */
#include "BaleNames.h"
#include "libdeflate/lib/utils.c"
