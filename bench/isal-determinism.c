/*
 * isal-determinism: does ISA-L give the same bytes for the same chunk, every
 * time? bale's promise that its output depends only on the input, the codec
 * and the level (never on -p) rests on each codec being a function of its
 * input. This program is that question with nothing of bale in it: it
 * compresses the first eight 4 MiB chunks of FILE with isal_deflate_stateless
 * at ISA-L's level 2 (bale's -1) from a cleared level buffer of the default
 * size, exactly as bale's IsalCompressor does, and prints each chunk's
 * compressed length and CRC-32. Run it again and again (bench/isal-determinism.sh):
 * every line should be the same. With `-l`, libdeflate's level 1 instead, as
 * the control.
 */
#include <isa-l.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 4 << 20, CHUNKS = 8 };

int main(int argc, char **argv) {
    int control = argc == 3 && strcmp(argv[1], "-l") == 0;
    if (argc != 2 + control) {
        fprintf(stderr, "usage: isal-determinism [-l] FILE (of at least 32 MiB)\n");
        return 2;
    }
    FILE *file = fopen(argv[1 + control], "rb");
    uint8_t *input = malloc((size_t)CHUNK * CHUNKS);
    if (!file || !input || fread(input, 1, (size_t)CHUNK * CHUNKS, file) != (size_t)CHUNK * CHUNKS) {
        fprintf(stderr, "isal-determinism: cannot read 32 MiB of %s\n", argv[1 + control]);
        return 2;
    }
    size_t room = CHUNK + CHUNK / 16 + 8192;
    uint8_t *output = malloc(room);
    uint32_t levelSize = ISAL_DEF_LVL2_DEFAULT;
    uint8_t *levelBuffer = malloc(levelSize);
    struct libdeflate_compressor *deflater = control ? libdeflate_alloc_compressor(1) : NULL;
    for (int chunk = 0; chunk < CHUNKS; chunk++) {
        uint8_t *data = input + (size_t)chunk * CHUNK;
        size_t length;
        if (control) {
            length = libdeflate_deflate_compress(deflater, data, CHUNK, output, room);
        } else {
            memset(levelBuffer, 0, levelSize);
            struct isal_zstream stream;
            memset(&stream, 0, sizeof stream);
            isal_deflate_stateless_init(&stream);
            stream.next_in = data;
            stream.avail_in = CHUNK;
            stream.next_out = output;
            stream.avail_out = (uint32_t)room;
            stream.level = 2;
            stream.level_buf = levelBuffer;
            stream.level_buf_size = levelSize;
            stream.end_of_stream = 1;
            stream.gzip_flag = IGZIP_DEFLATE;
            if (isal_deflate_stateless(&stream) != COMP_OK) {
                fprintf(stderr, "isal-determinism: isal_deflate_stateless failed\n");
                return 1;
            }
            length = stream.total_out;
        }
        printf("%zu/%08x ", length, crc32_gzip_refl(0, output, length));
    }
    printf("\n");
    return 0;
}
