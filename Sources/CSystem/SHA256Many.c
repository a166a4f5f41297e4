// `bale_sha256_many`: the SHA-256 of each of a batch of whole messages
// (`bale sum`'s small files, read into one buffer by `FileBatchHasher`),
// hashed side by side in lanes, each lane taking the next message as soon
// as its own is done: sixteen lanes on AVX-512 (SHA256Sixteen.c) or two
// on the SHA instructions (SHA256Pair.c), whichever this CPU runs faster.
//
// Which: the two are timed once per process, at the first batch, on 64
// KiB each (best of three after two untimed: 0.32 ms in all, the first
// touch of the 64 KiB included), and sixteen lanes are used while enough
// of them have a message to beat the pair: with the rates
// r16 (sixteen lanes together) and r2 (the pair), while more than
// 16 × r2 / r16 lanes are busy. At a batch's end the lanes run dry one
// by one, and the last messages are handed to the pair, each with the
// state its lane reached (the state is the same for both). On the Intel
// Xeon of bale's benchmarks: r16 2.7-2.9 GB/s, r2 1.7, so sixteen lanes
// while 10 or more are busy. On the AMD EPYC of bale's earlier
// benchmarks the pair ran 2.7-3.0 GB/s and Intel's own sixteen AVX-512
// lanes (libipsec-mb) 1.2: the pair should win there (these lanes were
// not timed on it; the timing decides). A CPU with AVX-512 but no SHA
// instructions runs sixteen lanes to the last message; one with neither
// never gets here (`bale_sha256_many_available`).
//
// A lane's message is hashed in two segments: its whole 64-byte blocks
// in place, then its padded end (1 or 2 blocks, `bale_sha256_pad`) from
// the lane's own buffer. Each call of a core runs as many blocks as the
// shortest segment among the busy lanes has left; a lane with no message
// is given a busy lane's bytes, and its result is dropped.
#include <stdint.h>
#include <string.h>
#include <time.h>
#include "CSystem.h"
#include "SHA256Lanes.h"

#if defined(__x86_64__)

/// One lane: the message it hashes and where it is.
struct lane {
    int message;            // index, or -1 when the lane has no message left
    const uint8_t *at;      // the next block
    size_t blocks;          // blocks left in this segment (the message's whole blocks, then its padded end)
    int in_end;             // 1 while hashing the padded end
    uint32_t state[8];      // (in a sixteen-lane run: in the run's state while the lane is there)
    uint8_t end[128];
    size_t end_blocks;
};

/// The batch: the messages, the next one to hand out, where digests go.
struct batch {
    const uint8_t *const *messages;
    const size_t *lengths;
    int count;
    int next;
    uint8_t *digests;
};

/// Gives `lane` the batch's next message, if any; skips to its padded end when it has no whole block.
static void take(struct lane *lane, struct batch *batch) {
    if (batch->next >= batch->count) { lane->message = -1; lane->blocks = 0; return; }
    const int index = batch->next++;
    lane->message = index;
    memcpy(lane->state, bale_sha256_h0, 32);
    const size_t length = batch->lengths[index];
    lane->at = batch->messages[index];
    lane->blocks = length / 64;
    lane->end_blocks = bale_sha256_pad(lane->at + 64 * lane->blocks, length % 64, length, lane->end);
    lane->in_end = 0;
    if (lane->blocks == 0) { lane->at = lane->end; lane->blocks = lane->end_blocks; lane->in_end = 1; }
}

/// After a segment of `lane` ended: on to its padded end, or its digest out and the next message.
static void advance(struct lane *lane, struct batch *batch) {
    if (!lane->in_end) {
        lane->at = lane->end;
        lane->blocks = lane->end_blocks;
        lane->in_end = 1;
        return;
    }
    bale_sha256_output(lane->state, batch->digests + 32 * (size_t)lane->message);
    take(lane, batch);
}

/// The next of `lanes[*waiting..<count]` with a message, or NULL.
static struct lane *next_busy(struct lane *lanes, int count, int *waiting) {
    while (*waiting < count) {
        struct lane *lane = &lanes[(*waiting)++];
        if (lane->message >= 0) return lane;
    }
    return NULL;
}

/// Two lanes on the SHA instructions until the batch is done: first the
/// busy ones of `lanes` (each from where it is), then, as each runs dry,
/// the batch's messages still waiting.
static void run_pair(struct lane *lanes, int count, struct batch *batch) {
    int waiting = 0;
    struct lane *a = next_busy(lanes, count, &waiting), *b = next_busy(lanes, count, &waiting);
    while (a && b) {
        const size_t blocks = a->blocks < b->blocks ? a->blocks : b->blocks;
        bale_sha256_x2(a->state, b->state, a->at, b->at, blocks);
        a->at += 64 * blocks; a->blocks -= blocks;
        b->at += 64 * blocks; b->blocks -= blocks;
        if (a->blocks == 0) { advance(a, batch); if (a->message < 0) a = next_busy(lanes, count, &waiting); }
        if (b->blocks == 0) { advance(b, batch); if (b->message < 0) b = next_busy(lanes, count, &waiting); }
    }
    struct lane *last = a ? a : b;
    while (last) {
        bale_sha256_x1(last->state, last->at, last->blocks);
        last->blocks = 0;
        advance(last, batch);
        if (last->message < 0) last = next_busy(lanes, count, &waiting);
    }
}

static void to_run(uint32_t state[8][16], int lane, const uint32_t from[8]) {
    for (int word = 0; word < 8; word++) state[word][lane] = from[word];
}
static void from_run(uint32_t state[8][16], int lane, uint32_t to[8]) {
    for (int word = 0; word < 8; word++) to[word] = state[word][lane];
}

/// Sixteen lanes on AVX-512 until the batch is done, or until no message
/// waits and `handover` lanes or fewer are busy: those go on in pairs.
static void run_sixteen(struct batch *batch, int handover) {
    struct lane lanes[16];
    uint32_t state[8][16] __attribute__((aligned(64)));
    for (int i = 0; i < 16; i++) {
        take(&lanes[i], batch);
        to_run(state, i, lanes[i].message >= 0 ? lanes[i].state : bale_sha256_h0);
    }
    for (;;) {
        int busy = 0;
        size_t blocks = SIZE_MAX;
        const uint8_t *some = NULL;
        for (int i = 0; i < 16; i++) {
            if (lanes[i].message < 0) continue;
            busy++;
            if (lanes[i].blocks < blocks) blocks = lanes[i].blocks;
            some = lanes[i].at;
        }
        if (busy == 0) return;
        if (busy <= handover && batch->next >= batch->count) {
            for (int i = 0; i < 16; i++) if (lanes[i].message >= 0) from_run(state, i, lanes[i].state);
            run_pair(lanes, 16, batch);
            return;
        }
        const uint8_t *at[16];
        for (int i = 0; i < 16; i++) at[i] = lanes[i].message >= 0 ? lanes[i].at : some;
        bale_sha256_x16(state, at, blocks);
        for (int i = 0; i < 16; i++) {
            struct lane *lane = &lanes[i];
            if (lane->message < 0) continue;
            lane->at += 64 * blocks;
            lane->blocks -= blocks;
            if (lane->blocks > 0) continue;
            if (lane->in_end) {
                from_run(state, i, lane->state);
                advance(lane, batch);
                if (lane->message >= 0) to_run(state, i, lane->state);
            } else {
                advance(lane, batch);
            }
        }
    }
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/// Times both cores on 64 KiB (see the top): the number of busy lanes at
/// or below which the pair is the faster; 16 when it always is, 0 when
/// there is no pair.
static int measure_handover(void) {
    static uint8_t bytes[16 * 4096] __attribute__((aligned(64)));
    const uint8_t *at[16];
    for (int i = 0; i < 16; i++) at[i] = bytes + 4096 * i;
    uint32_t state[8][16] __attribute__((aligned(64)));
    memset(state, 0, sizeof state);
    uint32_t a[8] = {0}, b[8] = {0};
    double sixteen = 1e9, pair = 1e9;
    for (int round = 0; round < 5; round++) {
        // The first two rounds untimed: caches, and the cores' clock
        // settling for wide vector work.
        double start = now();
        bale_sha256_x16(state, at, 64);
        double took = now() - start;
        if (round >= 2 && took < sixteen) sixteen = took;
        start = now();
        bale_sha256_x2(a, b, bytes, bytes + 8 * 4096, 512);
        took = now() - start;
        if (round >= 2 && took < pair) pair = took;
    }
    // Rates are bytes ÷ time, the same bytes: r2 / r16 = sixteen / pair.
    const double lanes = 16.0 * sixteen / pair;
    return lanes >= 16.0 ? 16 : (int)lanes;
}

/// -1: not yet measured.
static int measured_handover = -1;

static int handover(void) {
    if (!bale_sha256_pair_available()) return 0;
    int lanes = __atomic_load_n(&measured_handover, __ATOMIC_RELAXED);
    if (lanes < 0) {
        lanes = measure_handover();   // two threads measuring at once both store a fair answer
        __atomic_store_n(&measured_handover, lanes, __ATOMIC_RELAXED);
    }
    return lanes;
}

int bale_sha256_many_available(void) {
    return bale_sha256_pair_available() || bale_sha256_sixteen_available();
}

/// The busy lanes at or below which the pair takes over from sixteen
/// lanes: 16, the pair from the start (no AVX-512, or the pair faster).
static int sixteen_handover(void) {
    return bale_sha256_sixteen_available() ? handover() : 16;
}

int bale_sha256_many_lanes(void) {
    if (!bale_sha256_many_available()) return 0;
    return sixteen_handover() >= 16 ? 2 : 16;
}

void bale_sha256_many_on(int lanes, int handover_at, const uint8_t *const *messages, const size_t *lengths,
                         int count, uint8_t *digests) {
    struct batch batch = {messages, lengths, count, 0, digests};
    if (lanes == 16) {
        run_sixteen(&batch, handover_at);
        return;
    }
    struct lane pair[2];
    take(&pair[0], &batch);
    take(&pair[1], &batch);
    run_pair(pair, 2, &batch);
}

void bale_sha256_many(const uint8_t *const *messages, const size_t *lengths, int count, uint8_t *digests) {
    const int at = sixteen_handover();
    // No more messages than the hand-over: the pair from the start.
    bale_sha256_many_on(at < 16 && count > at ? 16 : 2, at, messages, lengths, count, digests);
}

#else
// Elsewhere there are no lanes: `bale_sha256_many_available` says so, and
// bale hashes with libcrypto; the rest is never called.
#include <stdlib.h>
int bale_sha256_many_available(void) { return 0; }
int bale_sha256_many_lanes(void) { return 0; }
void bale_sha256_many_on(int lanes, int handover_at, const uint8_t *const *messages, const size_t *lengths,
                         int count, uint8_t *digests) { abort(); }
void bale_sha256_many(const uint8_t *const *messages, const size_t *lengths, int count, uint8_t *digests) { abort(); }
#endif
