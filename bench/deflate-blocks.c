/*
 * bench/deflate-blocks.c — what a gzip file's deflate data is made of, to
 * see why one compressor's output inflates faster than another's of the
 * same size (README, Performance: the `gunzip` bullet).
 *
 * Decodes every member's blocks (no output is kept, no CRC is checked) and
 * counts: blocks by type, bytes in stored blocks, literals and matches per
 * byte of data, and the dynamic-Huffman blocks whose coded size is close to
 * their data's (the ones a stored block would replace cheaply): for each
 * threshold, how many bytes and literals they hold and how many bytes
 * storing them would add. An inflater copies a stored block with memcpy but
 * decodes a literal at a time, so literals per byte is what its speed
 * follows.
 *
 * Usage: deflate-blocks FILE.gz
 * Build: cc -O2 -o deflate-blocks bench/deflate-blocks.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t *in;
static size_t in_length, in_pos;
static uint64_t bit_buffer;
static int bit_count;

static unsigned bits(int n) {
    if (n == 0) return 0;
    while (bit_count < n) {
        if (in_pos >= in_length) { fprintf(stderr, "deflate-blocks: the data ends early\n"); exit(1); }
        bit_buffer |= (uint64_t)in[in_pos++] << bit_count;
        bit_count += 8;
    }
    unsigned value = bit_buffer & ((1u << n) - 1);
    bit_buffer >>= n;
    bit_count -= n;
    return value;
}

/* Bits consumed so far. */
static uint64_t bit_position(void) { return in_pos * 8 - bit_count; }

/* A canonical Huffman code, decoded a bit at a time (as zlib's puff.c). */
struct huffman { short count[16]; short symbol[320]; };

static void build(struct huffman *h, const uint8_t *lengths, int n) {
    short offsets[16];
    memset(h->count, 0, sizeof h->count);
    for (int i = 0; i < n; i++) h->count[lengths[i]]++;
    h->count[0] = 0;
    offsets[1] = 0;
    for (int i = 1; i < 15; i++) offsets[i + 1] = offsets[i] + h->count[i];
    for (int i = 0; i < n; i++) if (lengths[i]) h->symbol[offsets[lengths[i]]++] = i;
}

static int decode(const struct huffman *h) {
    int code = 0, first = 0, index = 0;
    for (int length = 1; length < 16; length++) {
        code |= bits(1);
        int count = h->count[length];
        if (code - count < first) return h->symbol[index + (code - first)];
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    fprintf(stderr, "deflate-blocks: an invalid code\n");
    exit(1);
}

static const short length_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                      35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const short length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                       3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const short distance_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                         6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

#define THRESHOLDS 6
static const double threshold[THRESHOLDS] = {0.95, 0.97, 0.98, 0.985, 0.99, 0.995};

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: deflate-blocks FILE.gz\n"); return 64; }
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 1; }
    fseek(file, 0, SEEK_END);
    in_length = ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *data = malloc(in_length);
    if (fread(data, 1, in_length, file) != in_length) { perror(argv[1]); return 1; }
    in = data;

    uint64_t members = 0, blocks = 0, stored = 0, fixed = 0, stored_bytes = 0;
    uint64_t out = 0, literals = 0, matches = 0, match_bytes = 0;
    double near_blocks[THRESHOLDS] = {0}, near_raw[THRESHOLDS] = {0}, near_coded[THRESHOLDS] = {0},
           near_literals[THRESHOLDS] = {0};
    while (in_pos + 18 <= in_length && in[in_pos] == 0x1f && in[in_pos + 1] == 0x8b) {
        members++;
        int flags = in[in_pos + 3];
        in_pos += 10;
        if (flags & 4) in_pos += 2 + (in[in_pos] | in[in_pos + 1] << 8);
        if (flags & 8) while (in[in_pos++]) {}
        if (flags & 16) while (in[in_pos++]) {}
        if (flags & 2) in_pos += 2;
        bit_buffer = 0;
        bit_count = 0;
        int last;
        do {
            uint64_t start = bit_position(), out_before = out, literals_before = literals;
            last = bits(1);
            int type = bits(2);
            blocks++;
            if (type == 0) {
                bit_buffer = 0;
                bit_count = 0;
                int length = in[in_pos] | in[in_pos + 1] << 8;
                in_pos += 4 + length;
                out += length;
                stored++;
                stored_bytes += length;
                continue;
            }
            struct huffman literal_code, distance_code;
            uint8_t lengths[320];
            if (type == 1) {
                fixed++;
                for (int i = 0; i < 288; i++) lengths[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
                build(&literal_code, lengths, 288);
                for (int i = 0; i < 30; i++) lengths[i] = 5;
                build(&distance_code, lengths, 30);
            } else {
                static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
                int literal_count = bits(5) + 257, distance_count = bits(5) + 1, code_count = bits(4) + 4;
                uint8_t code_lengths[19] = {0};
                for (int i = 0; i < code_count; i++) code_lengths[order[i]] = bits(3);
                struct huffman length_code;
                build(&length_code, code_lengths, 19);
                for (int i = 0; i < literal_count + distance_count;) {
                    int symbol = decode(&length_code);
                    if (symbol < 16) { lengths[i++] = symbol; continue; }
                    int value = 0, repeat;
                    if (symbol == 16) { value = lengths[i - 1]; repeat = 3 + bits(2); }
                    else if (symbol == 17) repeat = 3 + bits(3);
                    else repeat = 11 + bits(7);
                    while (repeat--) lengths[i++] = value;
                }
                build(&literal_code, lengths, literal_count);
                build(&distance_code, lengths + literal_count, distance_count);
            }
            for (;;) {
                int symbol = decode(&literal_code);
                if (symbol < 256) { literals++; out++; continue; }
                if (symbol == 256) break;
                symbol -= 257;
                int length = length_base[symbol] + bits(length_extra[symbol]);
                bits(distance_extra[decode(&distance_code)]);
                matches++;
                match_bytes += length;
                out += length;
            }
            if (type == 2) {
                double coded = (bit_position() - start) / 8.0, raw = out - out_before;
                for (int t = 0; t < THRESHOLDS; t++) {
                    if (coded > threshold[t] * raw) {
                        near_blocks[t]++;
                        near_raw[t] += raw;
                        near_coded[t] += coded;
                        near_literals[t] += literals - literals_before;
                    }
                }
            }
        } while (!last);
        bit_buffer = 0;
        bit_count = 0;
        in_pos += 8;
    }
    printf("%s: %llu members, %llu blocks (%llu stored, %llu fixed), %llu bytes of data\n", argv[1],
           (unsigned long long)members, (unsigned long long)blocks, (unsigned long long)stored,
           (unsigned long long)fixed, (unsigned long long)out);
    printf("  in stored blocks %.1f MB; literals %.4f a byte, matches %.4f a byte, average match %.1f\n",
           stored_bytes / 1e6, (double)literals / out, (double)matches / out, (double)match_bytes / matches);
    for (int t = 0; t < THRESHOLDS; t++) {
        /* A stored block: 5 bytes of header per 65,535 bytes of data. */
        double stored_size = near_raw[t] + 5 * (near_blocks[t] + near_raw[t] / 65535);
        printf("  dynamic blocks coded in more than %.1f%% of their data: %.0f, %.2f MB of data, %.2f M literals;"
               " stored, they would add %.0f KB\n", threshold[t] * 100, near_blocks[t], near_raw[t] / 1e6,
               near_literals[t] / 1e6, (stored_size - near_coded[t]) / 1e3);
    }
    return 0;
}
