#define _GNU_SOURCE
#include <sys/mman.h>

#include "CFuzzSupport.h"

int fuzz_memory_file(void) {
    return memfd_create("bale-fuzz", MFD_CLOEXEC);
}
