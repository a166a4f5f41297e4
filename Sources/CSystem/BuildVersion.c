/* bale's build version, for `bale --version`.
 *
 * It lives in a header that `make` writes (only when it changes) and git
 * ignores, rather than in a -D flag: a flag that changes with every commit
 * would rebuild every module, and a plain `swift build` would need it.
 * Only this file includes the header, and `make` touches this file when
 * the header changes (the build cannot see a header appear that was
 * missing), so a new version recompiles this one file. Without the header
 * (a plain `swift build`, the sources without git) the version is
 * "unknown". */
#include "CSystem.h"

#if __has_include("BuildVersion.h")
#include "BuildVersion.h"
#endif
#ifndef BALE_BUILD_VERSION
#define BALE_BUILD_VERSION "unknown"
#endif

const char *bale_build_version(void) { return BALE_BUILD_VERSION; }
