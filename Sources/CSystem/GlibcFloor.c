/*
 * GlibcFloor.c - keeps the oldest C library the release binary runs on at
 * glibc 2.34 (RHEL and Rocky 9, Ubuntu 22.04, Debian 12), not 2.35 or 2.36.
 *
 * A binary asks for each glibc function by a version, the newest the
 * build machine's glibc had when it was linked, and will not start on a
 * C library older than the newest one asked for. Built here on Debian 12
 * (glibc 2.36), bale asks for nothing newer than 2.34 but for one
 * function: hypotf, whose 2.35 version only changed how errors are
 * reported (no SVID error handling); the Swift runtime's Glibc module
 * (libswiftGlibc.a, linked in by --static-swift-stdlib) refers to it, and
 * bale never calls it. For that one symbol, a batch node on RHEL 9 would
 * refuse the binary.
 *
 * So the bale executable is linked with `--wrap=hypotf` (Package.swift):
 * every reference to hypotf goes to __wrap_hypotf below, which computes it
 * in double precision with sqrt (a glibc 2.2.5 function, and an
 * instruction here): the squares of two floats cannot overflow a double,
 * and the result rounded to float is hypotf's. (Binding the call to
 * hypotf@GLIBC_2.2.5 with .symver does not work under --wrap: the linker
 * wraps that reference too, and the function called itself.)
 * SelfContainedTests checks the floor of the built binary.
 */
#include <math.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>
#include <stdint.h>

float __wrap_hypotf(float x, float y);
float __wrap_hypotf(float x, float y) {
    if (isinf(x) || isinf(y)) return INFINITY;   /* even when the other is NaN, as C says */
    double dx = x, dy = y;
    return (float)sqrt(dx * dx + dy * dy);
}

/*
 * arc4random (glibc 2.36): libstdc++'s std::random_device asks for it, and
 * bale links libstdc++ statically (Package.swift says why), so the binary
 * would ask for glibc 2.36. The executable is linked with
 * `--wrap=arc4random`: the calls come here, to getrandom (glibc 2.25),
 * which is what glibc's arc4random reads from too. bale never calls it.
 */
uint32_t __wrap_arc4random(void);
uint32_t __wrap_arc4random(void) {
    uint32_t value;
    unsigned char *bytes = (unsigned char *)&value;
    size_t got = 0;
    while (got < sizeof value) {
        ssize_t n = getrandom(bytes + got, sizeof value - got, 0);
        if (n > 0) got += (size_t)n;
        else if (n < 0 && errno != EINTR) abort();   /* no getrandom (Linux < 3.17): never here */
    }
    return value;
}
