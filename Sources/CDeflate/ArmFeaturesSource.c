/* libdeflate 1.25's run-time CPU detection on ARM (libdeflate/lib/arm/cpu_features.c),
 * as released, under bale's names: it picks CRC-32's PMULL code. Empty elsewhere. */
#include "BaleNames.h"
#include "libdeflate/lib/arm/cpu_features.c"
