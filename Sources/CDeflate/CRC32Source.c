/* libdeflate 1.25's CRC-32 (libdeflate/lib/crc32.c), as released, under bale's names. */
#include "BaleNames.h"
#include "libdeflate/lib/crc32.c"
