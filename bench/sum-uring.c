/* sum-uring.c: the io_uring trial behind the README's "sum with io_uring"
 * paragraph (issue 18). Not part of bale, not built by make: it needs
 * liburing (`apt-get install liburing-dev`).
 *
 * It hashes (SHA-256, libcrypto) every file named in a list, one per line,
 * on one thread, in one of four ways, so that the kernel's share of
 * `bale sum`'s small files can be weighed against batching its calls:
 *   0  open, fstat, read, fstat, close one by one (what a worker does);
 *   1  64 files a submission, each an openat into a ring-only ("direct")
 *      descriptor linked to its read and its close: no fstat possible;
 *   2  ordinary descriptors: 64 openat in one submission, then per file
 *      statx of the descriptor, read, statx, close, linked, in a second;
 *   3  as 2 without the two statx.
 * Files are read into 256 KiB a file; a larger one's rest is left unhashed in
 * modes 1-3 (the trees measured hold few), so compare CPU, not digests.
 *
 *   find TREE -type f > files.txt
 *   cc -O2 -o sum-uring bench/sum-uring.c -luring -lcrypto
 *   perf stat -e task-clock ./sum-uring 0 files.txt   (then 1, 2, 3)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <liburing.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { BATCH = 64 };
static const size_t fileBuffer = 256 << 10;

static unsigned hash(const unsigned char *bytes, long length) {
    unsigned char digest[32];
    unsigned int size;
    EVP_Digest(bytes, length < 0 ? 0 : (size_t)length, digest, &size, EVP_sha256(), NULL);
    return digest[0];
}

static void drain(struct io_uring *ring, long *lengths, int *fds) {
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(ring, head, cqe) {
        unsigned k = cqe->user_data >> 2, step = cqe->user_data & 3;
        if (fds && step == 3) fds[k] = cqe->res;
        if (lengths && step == 1) lengths[k] = cqe->res;
        seen++;
    }
    io_uring_cq_advance(ring, seen);
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: sum-uring MODE LIST\n"); return 2; }
    int mode = atoi(argv[1]);
    FILE *list = fopen(argv[2], "r");
    if (!list) { perror(argv[2]); return 2; }
    char line[4096], **paths = NULL;
    int count = 0, capacity = 0;
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\n")] = 0;
        if (count == capacity) paths = realloc(paths, sizeof *paths * (capacity = capacity * 2 + 1024));
        paths[count++] = strdup(line);
    }
    unsigned char *buffer = aligned_alloc(4096, fileBuffer * BATCH);
    unsigned long long total = 0;
    const int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY;
    if (mode == 0) {
        for (int i = 0; i < count; i++) {
            int fd = open(paths[i], flags | O_CLOEXEC);
            if (fd < 0) continue;
            struct stat before, after;
            fstat(fd, &before);
            size_t got = 0;
            for (;;) {
                ssize_t r = read(fd, buffer + got, fileBuffer - got);
                if (r <= 0) break;
                got += (size_t)r;
                if (got >= (size_t)before.st_size || got == fileBuffer) break;
            }
            fstat(fd, &after);
            close(fd);
            total += hash(buffer, (long)got);
        }
        printf("%llu\n", total);
        return 0;
    }
    struct io_uring ring;
    if (io_uring_queue_init(BATCH * 4, &ring, 0) < 0) { fprintf(stderr, "io_uring unavailable\n"); return 1; }
    if (mode == 1) {
        int slots[BATCH];
        for (int k = 0; k < BATCH; k++) slots[k] = -1;
        io_uring_register_files(&ring, slots, BATCH);
    }
    long lengths[BATCH];
    int fds[BATCH];
    struct statx before[BATCH], after[BATCH];
    for (int first = 0; first < count; first += BATCH) {
        int n = count - first < BATCH ? count - first : BATCH, submitted = 0;
        for (int k = 0; k < n; k++) lengths[k] = -1;
        if (mode == 1) {
            for (int k = 0; k < n; k++) {
                struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
                io_uring_prep_openat_direct(sqe, AT_FDCWD, paths[first + k], flags, 0, k);
                sqe->flags |= IOSQE_IO_LINK;
                sqe->user_data = k * 4 + 0;
                sqe = io_uring_get_sqe(&ring);
                io_uring_prep_read(sqe, k, buffer + k * fileBuffer, fileBuffer, 0);
                /* A hard link: a short read (every small file's) must not cancel the close. */
                sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK;
                sqe->user_data = k * 4 + 1;
                sqe = io_uring_get_sqe(&ring);
                io_uring_prep_close_direct(sqe, k);
                sqe->user_data = k * 4 + 2;
                submitted += 3;
            }
            io_uring_submit_and_wait(&ring, submitted);
            drain(&ring, lengths, NULL);
        } else {
            for (int k = 0; k < n; k++) {
                struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
                io_uring_prep_openat(sqe, AT_FDCWD, paths[first + k], flags | O_CLOEXEC, 0);
                sqe->user_data = k * 4 + 3;
            }
            io_uring_submit_and_wait(&ring, n);
            drain(&ring, NULL, fds);
            for (int k = 0; k < n; k++) {
                if (fds[k] < 0) continue;
                struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
                if (mode == 2) io_uring_prep_statx(sqe, fds[k], "", AT_EMPTY_PATH, STATX_BASIC_STATS, &before[k]);
                else io_uring_prep_nop(sqe);
                sqe->flags |= IOSQE_IO_HARDLINK;
                sqe->user_data = k * 4 + 0;
                sqe = io_uring_get_sqe(&ring);
                io_uring_prep_read(sqe, fds[k], buffer + k * fileBuffer, fileBuffer, 0);
                sqe->flags |= IOSQE_IO_HARDLINK;
                sqe->user_data = k * 4 + 1;
                sqe = io_uring_get_sqe(&ring);
                if (mode == 2) io_uring_prep_statx(sqe, fds[k], "", AT_EMPTY_PATH, STATX_BASIC_STATS, &after[k]);
                else io_uring_prep_nop(sqe);
                sqe->flags |= IOSQE_IO_HARDLINK;
                sqe->user_data = k * 4 + 2;
                sqe = io_uring_get_sqe(&ring);
                io_uring_prep_close(sqe, fds[k]);
                sqe->user_data = k * 4 + 2;
                submitted += 4;
            }
            io_uring_submit_and_wait(&ring, submitted);
            drain(&ring, lengths, NULL);
        }
        for (int k = 0; k < n; k++) total += hash(buffer + k * fileBuffer, lengths[k]);
    }
    printf("%llu\n", total);
    return 0;
}
