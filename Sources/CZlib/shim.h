#ifndef BALE_CZLIB_SHIM_H
#define BALE_CZLIB_SHIM_H
#include <zlib.h>
#endif
