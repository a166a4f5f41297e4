#ifndef BALE_CFUZZSUPPORT_H
#define BALE_CFUZZSUPPORT_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point for a program that has its own main: runs the
/// fuzzer with the command line's options, calling `test` on each input.
/// (SwiftPM gives every executable its own main, so libFuzzer's main is
/// not linked in; the targets call this from theirs.)
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));

/// A new anonymous in-memory file (memfd_create), close-on-exec; -1 on failure.
int fuzz_memory_file(void);

#endif
