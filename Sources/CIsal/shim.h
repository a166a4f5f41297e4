#ifndef BALE_CISAL_SHIM_H
#define BALE_CISAL_SHIM_H
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>
#include <stdint.h>

/* What Swift cannot import from ISA-L's headers: macros that are
 * expressions (the level buffers' suggested sizes), and the version, which
 * lives in isa-l.h beside every other ISA-L header and which the library
 * cannot be asked at run time. */

/* ISA-L's suggested level buffer size for compression level 1–3
 * (ISAL_DEF_LVLn_DEFAULT); 0 for level 0, which needs none. */
static inline uint32_t bale_isal_level_buffer_size(uint32_t level) {
    switch (level) {
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    case 3: return ISAL_DEF_LVL3_DEFAULT;
    default: return 0;
    }
}

/* The version of the ISA-L headers bale was built with, e.g. "2.30.0". */
#define BALE_ISAL_STRING2(x) #x
#define BALE_ISAL_STRING(x) BALE_ISAL_STRING2(x)
#if __has_include(<isa-l.h>)
#include <isa-l.h>
static const char *const bale_isal_version =
    BALE_ISAL_STRING(ISAL_MAJOR_VERSION) "." BALE_ISAL_STRING(ISAL_MINOR_VERSION) "." BALE_ISAL_STRING(ISAL_PATCH_VERSION);
#else
static const char *const bale_isal_version = "unknown";
#endif
#endif
