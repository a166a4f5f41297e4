#ifndef BALE_CLIBDEFLATE_SHIM_H
#define BALE_CLIBDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
