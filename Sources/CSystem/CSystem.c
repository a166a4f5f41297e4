#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>
#include "CSystem.h"

int bale_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
int bale_syncfs(int fd) { return syncfs(fd); }

int bale_set_pipe_size(int fd, int bytes) { return fcntl(fd, F_SETPIPE_SZ, bytes); }

int bale_wifexited(int status) { return WIFEXITED(status); }
int bale_wexitstatus(int status) { return WEXITSTATUS(status); }
int bale_wifsignaled(int status) { return WIFSIGNALED(status); }
int bale_wtermsig(int status) { return WTERMSIG(status); }

#include <pthread.h>
int bale_name_this_thread(const char *name) { return pthread_setname_np(pthread_self(), name); }

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The signal handler may run on any thread at any moment, so the table is
 * a fixed array of heap strings swapped in and out atomically: the handler
 * only reads pointers and calls unlink, which is async-signal-safe. */
/* Enough for every output a job has open at once (gzip -r keeps a few
 * hundred between two syncfs calls); the handler's loop over it is cheap. */
#define BALE_TEMPORARY_SLOTS 4096
static char *bale_temporaries[BALE_TEMPORARY_SLOTS];

int bale_register_temporary(const char *path) {
    char *copy = strdup(path);
    if (copy == NULL) return -1;
    for (int slot = 0; slot < BALE_TEMPORARY_SLOTS; slot++) {
        char *expected = NULL;
        if (__atomic_compare_exchange_n(&bale_temporaries[slot], &expected, copy, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            return slot;
        }
    }
    free(copy);
    return -1;
}

void bale_unregister_temporary(int slot) {
    if (slot < 0 || slot >= BALE_TEMPORARY_SLOTS) return;
    char *old = __atomic_exchange_n(&bale_temporaries[slot], NULL, __ATOMIC_SEQ_CST);
    free(old);
}

/* Worker processes to end with bale, in the same kind of table. */
static pid_t bale_children[BALE_TEMPORARY_SLOTS];

int bale_register_child(pid_t pid) {
    for (int slot = 0; slot < BALE_TEMPORARY_SLOTS; slot++) {
        pid_t expected = 0;
        if (__atomic_compare_exchange_n(&bale_children[slot], &expected, pid, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            return slot;
        }
    }
    return -1;
}

void bale_unregister_child(int slot) {
    if (slot < 0 || slot >= BALE_TEMPORARY_SLOTS) return;
    __atomic_store_n(&bale_children[slot], 0, __ATOMIC_SEQ_CST);
}

/* Set once a signal is ending bale: no temporary file may be created after. */
static int bale_dying;
/* Creations of temporary files under way (between their check of
 * bale_dying and their open). */
static int bale_creating;

static void bale_cleanup_and_die(int sig) {
    __atomic_store_n(&bale_dying, 1, __ATOMIC_SEQ_CST);
    for (int slot = 0; slot < BALE_TEMPORARY_SLOTS; slot++) {
        pid_t pid = __atomic_load_n(&bale_children[slot], __ATOMIC_SEQ_CST);
        if (pid > 0) kill(pid, SIGKILL);
    }
    /* The other threads run on while this one cleans up: one may be
     * between registering a temporary name and creating the file. Emptying
     * the table then would miss the file it is about to create, and it
     * would be left behind when bale dies. So wait until the creations
     * under way are done (new ones see bale_dying and give up). The wait
     * is bounded (20 ms): if this very thread was interrupted inside a
     * creation, the count cannot drop, and that creation has made no file
     * yet, or made it registered. */
    struct timespec pause = { 0, 100000 };
    for (int i = 0; i < 200 && __atomic_load_n(&bale_creating, __ATOMIC_SEQ_CST) > 0; i++) {
        nanosleep(&pause, NULL);
    }
    for (int slot = 0; slot < BALE_TEMPORARY_SLOTS; slot++) {
        char *path = __atomic_load_n(&bale_temporaries[slot], __ATOMIC_SEQ_CST);
        if (path != NULL) unlink(path);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void bale_install_cleanup_handlers(void) {
    static const int handled[] = { SIGINT, SIGTERM, SIGHUP };
    sigset_t unblock;
    sigemptyset(&unblock);
    for (unsigned i = 0; i < sizeof handled / sizeof handled[0]; i++) {
        /* As gzip does: a signal the caller set to be ignored (nohup, a
         * background job of a non-interactive shell) stays ignored. */
        struct sigaction current;
        if (sigaction(handled[i], NULL, &current) == 0 && current.sa_handler == SIG_IGN) continue;
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = bale_cleanup_and_die;
        sigfillset(&action.sa_mask);
        sigaction(handled[i], &action, NULL);
        sigaddset(&unblock, handled[i]);
    }
    /* A parent may hand down a mask that blocks them (some runtimes block
     * signals in their threads): bale must still stop when told to. */
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* A file-size limit (ulimit -f, RLIMIT_FSIZE) must fail the write with
     * EFBIG, which bale reports and cleans up after, not kill bale with
     * SIGXFSZ and leave the temporary output behind. */
    signal(SIGXFSZ, SIG_IGN);
}

#include <errno.h>
#include <string.h>
#include <stdatomic.h>
#include <time.h>
static int bale_create_registered(char *template_path, unsigned int mode, int *slot);
/* Picks a name from the template, registers it for the signal handler,
 * then creates it with O_EXCL. In that order: a signal that arrives
 * between the two finds a name that is not there yet (unlink fails,
 * harmlessly), never a file that is there but unknown to the handler.
 * And counted in bale_creating, so that a handler running on another
 * thread waits for the file before it empties the table; once a signal
 * is ending bale, nothing is created (EINTR). */
int bale_create_temporary(char *template_path, unsigned int mode, int *slot) {
    __atomic_add_fetch(&bale_creating, 1, __ATOMIC_SEQ_CST);
    int fd = -1;
    if (__atomic_load_n(&bale_dying, __ATOMIC_SEQ_CST)) {
        errno = EINTR;
    } else {
        fd = bale_create_registered(template_path, mode, slot);
    }
    int error = errno;
    __atomic_sub_fetch(&bale_creating, 1, __ATOMIC_SEQ_CST);
    errno = error;
    return fd;
}

static int bale_create_registered(char *template_path, unsigned int mode, int *slot) {
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static _Atomic unsigned long counter;
    *slot = -1;
    size_t length = strlen(template_path);
    if (length < 6 || strcmp(template_path + length - 6, "XXXXXX") != 0) { errno = EINVAL; return -1; }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned long value = (unsigned long)now.tv_nsec * 2654435761UL ^ (unsigned long)getpid() << 20
                              ^ atomic_fetch_add(&counter, 0x9E3779B9UL);
        for (int i = 0; i < 6; i++) {
            template_path[length - 6 + i] = letters[value % 62];
            value /= 62;
        }
        int registered = bale_register_temporary(template_path);
        int fd = open(template_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode & 07777);
        if (fd >= 0) {
            *slot = registered;
            return fd;
        }
        int error = errno;
        bale_unregister_temporary(registered);
        errno = error;
        if (error != EEXIST) return -1;
    }
    errno = EEXIST;
    return -1;
}

#include <malloc.h>
void bale_keep_large_buffers_in_heap(int mmap_threshold, int trim_threshold) {
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
}
