/* libdeflate 1.25's run-time CPU detection on x86 (libdeflate/lib/x86/cpu_features.c),
 * as released, under bale's names: it picks the decompressor's BMI2 loop and
 * CRC-32's PCLMULQDQ or VPCLMULQDQ code. Empty elsewhere. */
#include "BaleNames.h"
#include "libdeflate/lib/x86/cpu_features.c"
