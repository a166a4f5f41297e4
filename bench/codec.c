/*
 * bench/codec.c — the codec alone, on one core: the ceiling bale's workers
 * are measured against in the scaling report of bench/run.sh.
 *
 * Reads FILE into memory, then does exactly the CPU work a bale worker does
 * for each chunk, one chunk after another on this one thread: compress the
 * chunk as one whole raw-deflate stream and take its CRC-32. No pipes, no
 * processes, no I/O: what is left is the codec. Prints one line:
 *
 *     <codec> <level> <seconds> <MB/s> <compressed bytes>
 *
 * The settings match bale's (Sources/BaleCore/Codec): libdeflate at the
 * level asked for; zlib with windowBits -15, memLevel 8, and at level 6
 * bale's deflateTune(4, 16, 128, 64).
 *
 * Usage: codec libdeflate|zlib LEVEL CHUNK_BYTES FILE
 */
#include <libdeflate.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: codec libdeflate|zlib LEVEL CHUNK_BYTES FILE\n"); return 2; }
    int zlib = strcmp(argv[1], "zlib") == 0;
    int level = atoi(argv[2]);
    size_t chunk = strtoul(argv[3], NULL, 10);
    FILE *f = fopen(argv[4], "rb");
    if (!f || chunk == 0) { perror(argv[4]); return 1; }
    fseek(f, 0, SEEK_END);
    size_t size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc(size ? size : 1);
    if (fread(data, 1, size, f) != size) { perror("read"); return 1; }
    fclose(f);

    size_t room = chunk + chunk / 8 + 65536;   /* above either library's bound */
    unsigned char *out = malloc(room);
    memset(out, 0, room);                       /* touch it before timing */
    size_t total = 0;
    unsigned long crc = 0;
    double start;

    if (zlib) {
        z_stream s;
        memset(&s, 0, sizeof s);
        if (deflateInit2(&s, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 1;
        start = now();
        for (size_t at = 0; at < size; at += chunk) {
            size_t n = size - at < chunk ? size - at : chunk;
            deflateReset(&s);
            if (level == 6) deflateTune(&s, 4, 16, 128, 64);
            s.next_in = data + at; s.avail_in = n;
            s.next_out = out; s.avail_out = room;
            if (deflate(&s, Z_FINISH) != Z_STREAM_END) return 1;
            total += room - s.avail_out;
            crc ^= crc32_z(0, data + at, n);
        }
        deflateEnd(&s);
    } else {
        struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
        if (!c) return 1;
        start = now();
        for (size_t at = 0; at < size; at += chunk) {
            size_t n = size - at < chunk ? size - at : chunk;
            size_t written = libdeflate_deflate_compress(c, data + at, n, out, room);
            if (written == 0) return 1;
            total += written;
            crc ^= libdeflate_crc32(0, data + at, n);
        }
        libdeflate_free_compressor(c);
    }
    double seconds = now() - start;
    printf("%s %d %.3f %.1f %zu\n", argv[1], level, seconds, size / seconds / 1e6, total + (crc & 0));
    return 0;
}
