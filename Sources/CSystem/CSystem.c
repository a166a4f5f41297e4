/* The few POSIX pieces Swift cannot import (pipe2, renameat2, F_SETPIPE_SZ,
 * F_DUPFD_CLOEXEC, memfd_create, O_PATH, syncfs, splice, preadv2, waitid with WNOWAIT, the wait-status macros),
 * and the signal handler that cleans up when a signal ends bale, with the
 * two tables it reads: temporary files to remove, worker processes to
 * kill. The handler is C because it must only make async-signal-safe
 * calls and touch memory that no other thread frees or rewrites under it;
 * Swift gives no such guarantee about anything it allocates. */
#define _GNU_SOURCE
#include <sys/uio.h>
#include <wctype.h>
#include <locale.h>
#include <sys/vfs.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/file.h>
#include <fnmatch.h>
#include <limits.h>
#include <malloc.h>
#include <sys/resource.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "CSystem.h"

int bale_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
int bale_syncfs(int fd) { return syncfs(fd); }
int bale_dup_cloexec(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 0); }
int bale_dup_cloexec_above(int fd, int lowest) { return fcntl(fd, F_DUPFD_CLOEXEC, lowest); }
int bale_open_path(int directory, const char *name, int flags) { return openat(directory, name, O_PATH | flags); }

int bale_memfd_create(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

int bale_set_pipe_size(int fd, int bytes) { return fcntl(fd, F_SETPIPE_SZ, bytes); }

ssize_t bale_splice_to_pipe(int file, int64_t *offset, int pipe, size_t count) {
    loff_t at = *offset;
    ssize_t moved = splice(file, &at, pipe, NULL, count, SPLICE_F_MOVE);
    *offset = at;
    return moved;
}
int bale_byte_is_cached(int file, int64_t offset) {
    char byte;
    struct iovec vector = { &byte, 1 };
    return preadv2(file, &vector, 1, (off_t)offset, RWF_NOWAIT) == 1;
}
int bale_o_path(void) { return O_PATH; }

int bale_wexitstatus(int status) { return WEXITSTATUS(status); }
int bale_wifsignaled(int status) { return WIFSIGNALED(status); }
int bale_wtermsig(int status) { return WTERMSIG(status); }

int bale_name_this_thread(const char *name) { return pthread_setname_np(pthread_self(), name); }

/* chmod of `name` in `dir` that never follows a symbolic link there (a
 * link gives EOPNOTSUPP, and nothing else does). Linux 6.6's fchmodat2
 * with AT_SYMLINK_NOFOLLOW needs no descriptor. Where it is not there
 * (ENOSYS on an older kernel, EPERM from a seccomp filter older than it),
 * the node is opened with O_PATH | O_NOFOLLOW, checked not to be a link,
 * and changed through /proc/self/fd (glibc's fchmodat with the flag, which
 * does the same, fails with ENOTSUP for everything before glibc 2.32);
 * without /proc, a directory or FIFO is opened itself (without waiting)
 * and changed with fchmod. */
int bale_chmod_nofollow(int dir, const char *name, mode_t mode) {
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
    if (syscall(SYS_fchmodat2, dir, name, mode, AT_SYMLINK_NOFOLLOW) == 0) return 0;
    if (errno == EOPNOTSUPP) return -1;
    int path = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (path < 0) return -1;
    struct stat info;
    if (fstat(path, &info) != 0) { int saved = errno; close(path); errno = saved; return -1; }
    if (S_ISLNK(info.st_mode)) { close(path); errno = EOPNOTSUPP; return -1; }
    char proc[40];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", path);
    int result = chmod(proc, mode);
    if (result != 0 && errno == ENOENT) {
        int node = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        struct stat again;
        if (node >= 0 && fstat(node, &again) == 0 && again.st_dev == info.st_dev && again.st_ino == info.st_ino) {
            result = fchmod(node, mode);
        }
        if (node >= 0) close(node);
    }
    int saved = errno;
    close(path);
    errno = saved;
    return result;
}

/* A worker's watch on bale. A worker learns that bale is gone from the
 * end of its request pipe, but only when it reads that pipe: one blocked
 * elsewhere (a `sum` worker opening a FIFO nobody writes, reading a slow
 * device) stayed after bale was killed with SIGKILL, which bale cannot
 * catch to kill its children (a probe helper). The kernel's parent-death
 * signal reaches it instead. It is sent when the *thread* that started the
 * worker ends, too, not only the process (workers are started by
 * whichever of bale's threads first needs them), so it is a signal the
 * worker handles, not SIGKILL: the handler ends the worker only when its
 * parent process is no longer the one it had (getppid gives the process,
 * not the thread); else it returns, and SA_RESTART resumes what it
 * interrupted. Were bale gone before the watch was set, the worker's
 * first read of its pipe finds the end, as before. */
static pid_t bale_watched_parent;
static void bale_parent_may_be_gone(int signal) {
    (void)signal;
    if (getppid() != bale_watched_parent) _exit(3);
}
int bale_end_with_parent(void) {
    bale_watched_parent = getppid();
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = bale_parent_may_be_gone;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGUSR2, &action, NULL) != 0) return -1;
    if (prctl(PR_SET_PDEATHSIG, SIGUSR2) != 0) return -1;
    if (getppid() != bale_watched_parent) _exit(3);
    return 0;
}

int bale_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    /* Older C libraries: every descriptor bale opens is close-on-exec
     * anyway; only what bale's own parent leaked to it would reach a worker. */
    (void)actions;
    (void)lowest;
    return 0;
#endif
}

/* Pauses a thread that must not go on because a signal handler is ending
 * the process (it took over an entry of a table this thread was about to
 * change); the process dies within moments, when the handler re-raises. */
static void bale_wait_for_the_end(void) {
    struct timespec pause = { 0, 1000000 };
    for (;;) nanosleep(&pause, NULL);
}

/* ---- The table of temporary files ----
 *
 * The signal handler may run on any thread at any moment, while other
 * threads create, rename and remove temporary files. So the table is
 * fixed: BALE_TEMPORARY_SLOTS slots, each with its own PATH_MAX buffer,
 * never allocated nor freed, and an atomic state:
 *
 *   FREE     unused; a creator claims it by compare-and-swap to FILLING;
 *   FILLING  its owner is writing the name (the handler skips it: the
 *            file is created only after the slot is LIVE);
 *   LIVE     the name is whole (published with a sequentially consistent
 *            store after it was written, so a handler that reads LIVE
 *            reads the whole name);
 *   CLEANING the handler took it (compare-and-swap from LIVE) and is
 *            removing the file. It never goes back to FREE, so its name is
 *            never rewritten while the handler reads it; an owner that
 *            finds its slot CLEANING waits for the process to end.
 *
 * Each slot names the file by a directory descriptor and a name relative
 * to it (AT_FDCWD and a path for `AtomicOutputFile`; the extracted file's
 * open directory and its leaf for `StagedFile`, whose path from the
 * current directory may be longer than PATH_MAX). The handler calls
 * unlinkat, which is async-signal-safe.
 *
 * The limit: BALE_TEMPORARY_SLOTS temporary files at once. bale keeps
 * very few (an archive or output being written, one large file being
 * extracted and one small file being written or replaced per writer
 * thread, one output of gzip -r at a time), so 1024 leaves a wide margin. When the table
 * is full, creating a temporary file fails with EMFILE ("Too many
 * open files"), which bale reports as an error naming the output,
 * as any other failure to create it: a temporary file is never created without being in the table. The table costs
 * 4 MiB of address space, of which only the slots used are ever touched;
 * the states are kept apart from the names so that the handler's scan
 * reads 4 KiB, not one page per slot. */
#define BALE_TEMPORARY_SLOTS 1024
enum { SLOT_FREE = 0, SLOT_FILLING = 1, SLOT_LIVE = 2, SLOT_CLEANING = 3 };
static int bale_temporary_state[BALE_TEMPORARY_SLOTS];
static int bale_temporary_directory[BALE_TEMPORARY_SLOTS];
static char bale_temporary_name[BALE_TEMPORARY_SLOTS][PATH_MAX];

/* The slots in use: all of them, or fewer for the tests of a full table
 * (BALE_TEST_TEMPORARY_SLOTS=N, read once as the program loads, before
 * any thread runs). */
static int bale_temporary_limit = BALE_TEMPORARY_SLOTS;

/* When this process began (CLOCK_REALTIME, as file times are kept), taken
 * as the program loads: a temporary file changed since is no killed run's
 * leftover (bale_started_after, AtomicOutputFile.removeIfAbandoned). */
static struct timespec bale_started_at;

__attribute__((constructor)) static void bale_note_start(void) {
    clock_gettime(CLOCK_REALTIME, &bale_started_at);
}

int bale_started_after(long long seconds, long nanoseconds) {
    return bale_started_at.tv_sec > seconds
        || (bale_started_at.tv_sec == seconds && bale_started_at.tv_nsec > nanoseconds);
}

__attribute__((constructor)) static void bale_read_temporary_limit(void) {
    const char *limit = getenv("BALE_TEST_TEMPORARY_SLOTS");
    if (limit != NULL && *limit != '\0') {
        long value = strtol(limit, NULL, 10);
        if (value >= 0 && value < BALE_TEMPORARY_SLOTS) bale_temporary_limit = (int)value;
    }
}


/* Puts `name` (relative to `directory`) in a free slot; returns the slot,
 * or -1 with errno set (EMFILE: the table is full; ENAMETOOLONG). */
static int bale_register_temporary(int directory, const char *name) {
    size_t length = strlen(name);
    if (length >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (int slot = 0; slot < bale_temporary_limit; slot++) {
        int expected = SLOT_FREE;
        if (__atomic_compare_exchange_n(&bale_temporary_state[slot], &expected, SLOT_FILLING, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            bale_temporary_directory[slot] = directory;
            memcpy(bale_temporary_name[slot], name, length + 1);
            __atomic_store_n(&bale_temporary_state[slot], SLOT_LIVE, __ATOMIC_SEQ_CST);
            return slot;
        }
    }
    errno = EMFILE;
    return -1;
}

void bale_unregister_temporary(int slot) {
    if (slot < 0 || slot >= BALE_TEMPORARY_SLOTS) return;
    int expected = SLOT_LIVE;
    if (__atomic_compare_exchange_n(&bale_temporary_state[slot], &expected, SLOT_FREE, 0,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        return;
    }
    if (expected == SLOT_CLEANING) bale_wait_for_the_end();
}

/* ---- The table of worker processes ----
 *
 * A slot holds 0 (free), a pid (a child to kill), or -1 (the handler took
 * it and is killing that child). A child is taken out of the table while
 * it is a zombie, before it is reaped (`bale_await_child`, then
 * `bale_reap_child`): until then its pid cannot be given to another
 * process, so the handler never kills a stranger that got a recycled pid. */
static pid_t bale_children[BALE_TEMPORARY_SLOTS];

int bale_register_child(pid_t pid) {
    for (int slot = 0; slot < BALE_TEMPORARY_SLOTS; slot++) {
        pid_t expected = 0;
        if (__atomic_compare_exchange_n(&bale_children[slot], &expected, pid, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            return slot;
        }
    }
    errno = EAGAIN;
    return -1;
}

int bale_await_child(pid_t pid) {
    /* WNOWAIT: the child stays a zombie, holding its pid. */
    siginfo_t info;
    int waited;
    do {
        memset(&info, 0, sizeof info);
        waited = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT);
    } while (waited != 0 && errno == EINTR);
    return waited;
}

int bale_reap_child(pid_t pid, int slot, int *status) {
    if (slot >= 0 && slot < BALE_TEMPORARY_SLOTS) {
        pid_t expected = pid;
        if (!__atomic_compare_exchange_n(&bale_children[slot], &expected, 0, 0,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) && expected == -1) {
            /* The handler is killing it (a zombie: harmless) and ending bale. */
            bale_wait_for_the_end();
        }
    }
    /* Out of the table: now it may be reaped and its pid reused. */
    pid_t reaped;
    do {
        reaped = waitpid(pid, status, 0);
    } while (reaped < 0 && errno == EINTR);
    return reaped < 0 ? -1 : 0;
}

/* ---- The handler ---- */

/* Set once a signal is ending bale: no temporary file may be created after. */
static int bale_dying;
/* Creations of temporary files under way (between their check of
 * bale_dying and their open). */
static int bale_creating;

/* The cleanup itself (see `bale_cleanup`). */
static void bale_cleanup_work(void) {
    __atomic_store_n(&bale_dying, 1, __ATOMIC_SEQ_CST);
    for (int slot = 0; slot < BALE_TEMPORARY_SLOTS; slot++) {
        pid_t pid = __atomic_load_n(&bale_children[slot], __ATOMIC_SEQ_CST);
        if (pid > 0 && __atomic_compare_exchange_n(&bale_children[slot], &pid, -1, 0,
                                                   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            kill(pid, SIGKILL);
        }
    }
    /* The other threads run on while this one cleans up: one may be
     * between registering a temporary name and creating the file, or
     * between creating a new file and registering it. Emptying the table
     * then would miss that file, and it would be left behind when bale
     * dies. So wait until the creations under way are done (new ones see
     * bale_dying and give up). This thread is inside none: a creation
     * blocks these signals on its own thread (bale_block_ending_signals),
     * so the wait ends as soon as the openat does; it is bounded (5 s)
     * for an openat that hangs (a dead NFS server), where the file, if
     * it ever comes, is left. Bounded at 20 ms before, a create slower
     * than that (a loaded or network file system) left its file. */
    struct timespec pause = { 0, 100000 };
    for (int i = 0; i < 50000 && __atomic_load_n(&bale_creating, __ATOMIC_SEQ_CST) > 0; i++) {
        nanosleep(&pause, NULL);
    }
    for (int slot = 0; slot < BALE_TEMPORARY_SLOTS; slot++) {
        int expected = SLOT_LIVE;
        if (__atomic_load_n(&bale_temporary_state[slot], __ATOMIC_SEQ_CST) == SLOT_LIVE
            && __atomic_compare_exchange_n(&bale_temporary_state[slot], &expected, SLOT_CLEANING, 0,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            unlinkat(bale_temporary_directory[slot], bale_temporary_name[slot], 0);
        }
    }
}

/* 0 before any cleanup, 1 while one runs, 2 once it is done. */
static int bale_cleanup_progress;

/* Kills the workers and removes the registered temporary files: what
 * bale does before it dies of a signal, or exits on an error it cannot
 * go on after (`bale_cleanup_and_exit`). */
static void bale_cleanup(void) {
    /* Two at once (a crash on one thread while another handles SIGTERM,
     * two threads crashing): the second must not let bale die before the
     * first has removed every file (it skips a slot the first is
     * removing). So it waits for the first to finish, a bounded wait (the
     * first may be this very thread, crashed again inside the cleanup). */
    int expected = 0;
    if (!__atomic_compare_exchange_n(&bale_cleanup_progress, &expected, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        struct timespec pause = { 0, 100000 };
        for (int i = 0; i < 1000 && __atomic_load_n(&bale_cleanup_progress, __ATOMIC_SEQ_CST) != 2; i++) {
            nanosleep(&pause, NULL);
        }
        return;
    }
    bale_cleanup_work();
    __atomic_store_n(&bale_cleanup_progress, 2, __ATOMIC_SEQ_CST);
}

/* The signals that end bale with its cleanup: the three a user or a shell
 * sends (SIGINT, SIGTERM, SIGHUP); SIGXCPU, which a CPU-time limit sends
 * (ulimit -t, Grid Engine's s_cpu, PBS's cput), as gzip handles it; and
 * SIGUSR1, SIGUSR2 and SIGALRM, whose default also ends a process, and
 * which batch systems send (Slurm's --signal=USR1@60 to a job's steps):
 * each left a killed run's temporary output behind, up to hundreds of MB
 * beside its target (a probe helper). bale dies of the signal all the
 * same, after the cleanup: the exit status is the shell's 128 + N. */
static const int bale_ending_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGXCPU, SIGUSR1, SIGUSR2, SIGALRM };
#define BALE_ENDING_SIGNALS (sizeof bale_ending_signals / sizeof bale_ending_signals[0])

static void bale_cleanup_and_die(int sig) {
    bale_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

__attribute__((noreturn)) void bale_cleanup_and_exit(int status) {
    bale_cleanup();
    _exit(status);
}

/* A crash (a fault, a trap, an abort) must not leave a temporary output
 * behind either: a run that died half-way through writing `s.gz` left
 * `.s.gz.bale-XXXXXX` beside it until the next run. The Swift runtime
 * can crash where bale cannot step in: under `ulimit -v`, instantiating
 * generic metadata dereferenced a failed allocation (SIGSEGV, on a
 * thread of bale's). So the crash handler runs the same cleanup, then
 * calls whatever handled the signal before (the Swift runtime's
 * backtracer, in a build that has one), so that its report is printed
 * as it would have been, and then dies of the signal with the default
 * action: a previous handler may return (the backtracer does, for a
 * signal sent with kill), and bale must not run on with its workers
 * killed and its outputs removed. A fault that was not raised faults
 * again on return, now with the default action.
 * Each crash signal's previous handler is kept apart: crashes may
 * arrive on different threads. */
static const int bale_crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT };
#define BALE_CRASH_SIGNALS (int)(sizeof bale_crash_signals / sizeof bale_crash_signals[0])
static struct sigaction bale_crash_previous[BALE_CRASH_SIGNALS];

static void bale_cleanup_after_crash(int sig, siginfo_t *info, void *context) {
    int i = 0;
    while (i < BALE_CRASH_SIGNALS && bale_crash_signals[i] != sig) i++;
    /* A crash signal the caller set to be ignored stays ignored when it
     * is sent (kill, raise: si_code <= 0), as gzip ignores it; a real
     * fault cannot be ignored, and is cleaned up after. */
    if (i < BALE_CRASH_SIGNALS && bale_crash_previous[i].sa_handler == SIG_IGN
        && !(bale_crash_previous[i].sa_flags & SA_SIGINFO) && info != NULL && info->si_code <= 0) {
        return;
    }
    bale_cleanup();
    if (i < BALE_CRASH_SIGNALS) {
        struct sigaction previous = bale_crash_previous[i];
        /* It runs with the mask it asked for, not this handler's (which
         * blocks every signal): the Swift backtracer signals the other
         * threads to stop them, and cut its report short when it could
         * not. */
        sigset_t mask = previous.sa_mask;
        if (!(previous.sa_flags & SA_NODEFER)) sigaddset(&mask, sig);
        pthread_sigmask(SIG_SETMASK, &mask, NULL);
        if (previous.sa_flags & SA_SIGINFO) {
            if (previous.sa_sigaction != NULL) previous.sa_sigaction(sig, info, context);
        } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN
                   && previous.sa_handler != SIG_ERR) {
            previous.sa_handler(sig);
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void bale_install_crash_handlers(void) {
    /* A stack overflow faults with no stack left to run a handler on: the
     * main thread gets a stack of its own for signals (other threads'
     * overflows die as before, without the cleanup), unless the Swift
     * runtime set one up already for its backtracer. */
    static char alternate[64 * 1024];
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
        stack_t stack = { .ss_sp = alternate, .ss_size = sizeof alternate, .ss_flags = 0 };
        sigaltstack(&stack, NULL);
    }
    for (int i = 0; i < BALE_CRASH_SIGNALS; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = bale_cleanup_after_crash;
        action.sa_flags = SA_ONSTACK | SA_SIGINFO;
        sigfillset(&action.sa_mask);
        sigaction(bale_crash_signals[i], &action, &bale_crash_previous[i]);
    }
    /* The faults are unblocked, should the parent have blocked them: a
     * fault while its signal is blocked kills bale at once, with no
     * cleanup. (So a SIGSEGV sent with kill to a bale whose parent blocked
     * it is taken, where gzip would leave it pending.) SIGABRT and SIGTRAP
     * keep the mask bale was given, as in gzip (a test runner blocks
     * SIGABRT): abort() unblocks SIGABRT itself. */
    static const int faults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
    sigset_t unblock;
    sigemptyset(&unblock);
    for (unsigned i = 0; i < sizeof faults / sizeof faults[0]; i++) sigaddset(&unblock, faults[i]);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
}

int bale_is_dying(void) {
    return __atomic_load_n(&bale_dying, __ATOMIC_SEQ_CST);
}

int bale_signal_is_ignored(int sig) {
    struct sigaction current;
    return sigaction(sig, NULL, &current) == 0 && current.sa_handler == SIG_IGN;
}

void bale_install_cleanup_handlers(void) {
    sigset_t unblock;
    sigemptyset(&unblock);
    for (unsigned i = 0; i < BALE_ENDING_SIGNALS; i++) {
        /* As gzip does: a signal the caller set to be ignored (nohup, a
         * background job of a non-interactive shell) stays ignored. */
        if (bale_signal_is_ignored(bale_ending_signals[i])) continue;
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = bale_cleanup_and_die;
        sigfillset(&action.sa_mask);
        sigaction(bale_ending_signals[i], &action, NULL);
        sigaddset(&unblock, bale_ending_signals[i]);
    }
    /* A parent may hand down a mask that blocks them (some runtimes block
     * signals in their threads): bale must still stop when told to. */
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
    bale_install_crash_handlers();
}

void bale_ignore_write_signals(void) {
    /* A write to a closed pipe must fail with EPIPE, which bale reports
     * (exit 141 for standard output, a failed worker for a worker's pipe),
     * not kill bale with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    /* A file-size limit (ulimit -f, RLIMIT_FSIZE) must fail the write with
     * EFBIG, which bale reports and cleans up after, not kill bale with
     * SIGXFSZ and leave the temporary output behind. */
    signal(SIGXFSZ, SIG_IGN);
}

/* ---- Creating temporary files ---- */

static int bale_create_registered(int directory, char *template_name, unsigned int mode, int *slot);

/* Blocks, on the calling thread, the signals whose handler removes the
 * registered files (`bale_ending_signals`), for a creation and its
 * registration; the mask before goes to `previous`. The handler, run on
 * a thread inside one, could not wait for it: between an openat and the
 * registration (a signal is taken as a system call returns: right there)
 * it found the file made but not in the table, and left it (see
 * bale_create_new_file_at). Blocked, the signal goes to another thread.
 * Two rt_sigprocmask calls a file, ~0.3 us. */
static void bale_block_ending_signals(sigset_t *previous) {
    sigset_t ending;
    sigemptyset(&ending);
    for (unsigned i = 0; i < BALE_ENDING_SIGNALS; i++) sigaddset(&ending, bale_ending_signals[i]);
    pthread_sigmask(SIG_BLOCK, &ending, previous);
}

/* BALE_TEST_CREATE_PAUSE_MS=N: a new file waits N ms once made, before it
 * is registered (the window a signal found; InterruptionTests), read once
 * as the program loads. */
static long bale_test_create_pause_ms;

__attribute__((constructor)) static void bale_read_create_pause(void) {
    const char *pause = getenv("BALE_TEST_CREATE_PAUSE_MS");
    if (pause != NULL && *pause != '\0') bale_test_create_pause_ms = strtol(pause, NULL, 10);
}

/* Every temporary file bale makes is created here, in one handshake with
 * the handler: counted in bale_creating, so that a handler running on
 * another thread waits for the file before it empties the table; and
 * once a signal is ending bale, nothing is created (EINTR). */
int bale_create_temporary_at(int directory, char *template_name, unsigned int mode, int *slot) {
    sigset_t previous;
    bale_block_ending_signals(&previous);
    __atomic_add_fetch(&bale_creating, 1, __ATOMIC_SEQ_CST);
    int fd = -1;
    *slot = -1;
    if (__atomic_load_n(&bale_dying, __ATOMIC_SEQ_CST)) {
        errno = EINTR;
    } else {
        fd = bale_create_registered(directory, template_name, mode, slot);
    }
    int error = errno;
    __atomic_sub_fetch(&bale_creating, 1, __ATOMIC_SEQ_CST);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    errno = error;
    return fd;
}

/* A new file under its final name (see CSystem.h): the same handshake
 * with the handler as a temporary file's, but created before it is
 * registered, as its name may be a file already there.
 *
 * The signals that end bale are blocked on this thread from before the
 * create until the file is registered (bale_block_ending_signals): run
 * on this thread between the two, the handler found the file made but
 * not in the table, and `unpack` interrupted by SIGTERM left an empty
 * file under its name, 1 run in 20 (a probe helper), which a second run
 * with --skip-old-files kept, exit 0. */
int bale_create_new_file_at(int directory, const char *name, unsigned int mode, int *slot) {
    sigset_t previous;
    bale_block_ending_signals(&previous);
    __atomic_add_fetch(&bale_creating, 1, __ATOMIC_SEQ_CST);
    int fd = -1;
    *slot = -1;
    if (__atomic_load_n(&bale_dying, __ATOMIC_SEQ_CST)) {
        errno = EINTR;
    } else {
        fd = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
        if (fd >= 0) {
            if (bale_test_create_pause_ms > 0) {
                struct timespec pause = { bale_test_create_pause_ms / 1000, (bale_test_create_pause_ms % 1000) * 1000000 };
                nanosleep(&pause, NULL);
            }
            int registered = bale_register_temporary(directory, name);
            *slot = registered;
        }
    }
    int error = errno;
    __atomic_sub_fetch(&bale_creating, 1, __ATOMIC_SEQ_CST);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    errno = fd >= 0 ? 0 : error;
    return fd;
}

/* An output that must not replace a file that appeared under its name
 * after bale looked (gzip without -f): the kernel refuses for us, so
 * there is no window between a check and the rename. Each fallback is
 * taken only when the call before it is unsupported by the file system
 * (EINVAL, ENOSYS, EPERM for link() on vfat), never when it refused. */
int bale_rename_noreplace_at(int directory, const char *from, const char *to) {
    if (renameat2(directory, from, directory, to, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return -1;
    if (linkat(directory, from, directory, to, 0) == 0) {
        /* The output is in place. Should this unlink fail (it follows a
         * link() in the same directory, so only an I/O error could), the
         * output keeps a second name, the temporary one, which is left. */
        unlinkat(directory, from, 0);
        return 0;
    }
    if (errno != EPERM && errno != ENOTSUP && errno != ENOSYS) return -1;
    struct stat existing;
    if (fstatat(directory, to, &existing, AT_SYMLINK_NOFOLLOW) == 0) {
        errno = EEXIST;
        return -1;
    }
    return renameat(directory, from, directory, to);
}

/* Picks a name from the template, registers it for the signal handler,
 * then creates it with O_EXCL. In that order: a signal that arrives
 * between the two finds a name that is not there yet (unlinkat fails,
 * harmlessly), never a file that is there but unknown to the handler.
 * A full table is an error before anything is created. */
static const char bale_name_letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* The three check letters of a temporary name: FNV-1a (64 bits) of the
 * name's last component up to them (".NAME.bale-" and the three random
 * letters), in base 62. See bale_is_temporary_name. */
static void bale_check_letters(const char *name, size_t length_before_check, char check[3]) {
    const char *base = name;
    for (size_t i = 0; i < length_before_check; i++) if (name[i] == '/') base = name + i + 1;
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char *p = base; p < name + length_before_check; p++) {
        hash ^= (unsigned char)*p;
        hash *= 0x100000001b3ULL;
    }
    for (int i = 0; i < 3; i++) {
        check[i] = bale_name_letters[hash % 62];
        hash /= 62;
    }
}

/* A temporary name's six letters are three random ones and three that
 * check them against the rest of the name, so that a later `gzip -r`
 * removes what a killed run left only when it is bale's own: a file of
 * the user's that merely has the form (.notes.gz.bale-backup) fails the
 * check but for one chance in 62^3 (238,328), and is left alone. */
int bale_is_temporary_name(const char *name, size_t length) {
    static const char marker[] = ".bale-";
    size_t marker_length = sizeof marker - 1;
    if (length < 1 + marker_length + 6 || name[0] != '.') return 0;
    if (memcmp(name + length - 6 - marker_length, marker, marker_length) != 0) return 0;
    for (size_t i = length - 6; i < length; i++) {
        if (!memchr(bale_name_letters, name[i], sizeof bale_name_letters - 1)) return 0;
    }
    char check[3];
    bale_check_letters(name, length - 3, check);
    return memcmp(check, name + length - 3, 3) == 0;
}

static int bale_create_registered(int directory, char *template_name, unsigned int mode, int *slot) {
    static _Atomic unsigned long counter;
    size_t length = strlen(template_name);
    if (length < 6 || strcmp(template_name + length - 6, "XXXXXX") != 0) { errno = EINVAL; return -1; }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned long value = (unsigned long)now.tv_nsec * 2654435761UL ^ (unsigned long)getpid() << 20
                              ^ atomic_fetch_add(&counter, 0x9E3779B9UL);
        for (int i = 0; i < 3; i++) {
            template_name[length - 6 + i] = bale_name_letters[value % 62];
            value /= 62;
        }
        bale_check_letters(template_name, length - 3, template_name + length - 3);
        int registered = bale_register_temporary(directory, template_name);
        if (registered < 0) return -1;
        int fd = openat(directory, template_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode & 07777);
        if (fd >= 0) {
            /* Locked at once, every one of them (an output, an extracted
             * file, a staged name), for as long as the descriptor lives:
             * another run that meets the name takes it for a live run's
             * and leaves it (AtomicOutputFile.removeIfAbandoned). Locked
             * only by the caller, an extracted file was never locked, and
             * a `gunzip -r` beside an `unpack` removed it mid-write. A file
             * system without flock leaves it unlocked. */
            (void)flock(fd, LOCK_EX | LOCK_NB);
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

const int bale_fnm_leading_dir = FNM_LEADING_DIR;

void bale_keep_large_buffers_in_heap(int mmap_threshold, int trim_threshold) {
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
}

int bale_one_arena_under_address_space_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
    return mallopt(M_ARENA_MAX, 1);
}

ssize_t bale_getdents(int fd, void *buffer, size_t count) { return getdents64(fd, buffer, count); }

long bale_filesystem_type(int fd) {
    struct statfs system;
    if (fstatfs(fd, &system) != 0) return -1;
    return (long)system.f_type;
}

/* The CPUs the affinity mask allows: a batch system that binds a task to
   4 of a node's 64 cores gives it 4, and one worker per core of the whole
   node (the online count) put 16 processes on each. The mask is asked
   with sets of growing size, for machines of more CPUs than a cpu_set_t
   holds (EINVAL). */
static int bale_affinity_cpus(void) {
    for (size_t cpus = 1024; cpus <= 65536; cpus *= 2) {
        cpu_set_t *set = CPU_ALLOC(cpus);
        if (set == NULL) break;
        size_t size = CPU_ALLOC_SIZE(cpus);
        if (sched_getaffinity(0, size, set) == 0) {
            int count = CPU_COUNT_S(size, set);
            CPU_FREE(set);
            if (count > 0) return count;
            break;
        }
        CPU_FREE(set);
        if (errno != EINVAL) break;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

/* The CPU time a cgroup's quota allows, in CPUs (2.5: 250 ms a 100 ms
   period), the least over the process's cgroup and its ancestors; 0 when
   no quota applies or none can be read. A container run with `--cpus 2`
   (cgroup v2's cpu.max, v1's cpu.cfs_quota_us) on a 64-core host sees all
   64 in its affinity, and one worker per core put 64 processes on the
   time of 2: each with its buffers, and each chunk slowed 32 times. The
   hierarchies are found in /proc/self/mountinfo (v2 at /sys/fs/cgroup, or
   beside v1 at /sys/fs/cgroup/unified) and the process's place in each
   in /proc/self/cgroup; a mount of a cgroup below the root (a
   container's own) is followed from its root. */
static double bale_read_quota(const char *directory, int v2) {
    char path[PATH_MAX + 32];
    double quota = -1, period = -1;
    if (v2) {
        snprintf(path, sizeof path, "%s/cpu.max", directory);
        FILE *file = fopen(path, "re");
        if (file == NULL) return 0;
        char first[32];
        if (fscanf(file, "%31s %lf", first, &period) == 2 && strcmp(first, "max") != 0) quota = atof(first);
        fclose(file);
    } else {
        snprintf(path, sizeof path, "%s/cpu.cfs_quota_us", directory);
        FILE *file = fopen(path, "re");
        if (file == NULL) return 0;
        if (fscanf(file, "%lf", &quota) != 1) quota = -1;
        fclose(file);
        snprintf(path, sizeof path, "%s/cpu.cfs_period_us", directory);
        file = fopen(path, "re");
        if (file == NULL) return 0;
        if (fscanf(file, "%lf", &period) != 1) period = -1;
        fclose(file);
    }
    return quota > 0 && period > 0 ? quota / period : 0;
}

/* True when `list` (comma-separated) holds `word`. */
static int bale_list_holds(const char *list, const char *word) {
    size_t length = strlen(word);
    for (const char *at = list; at != NULL && *at; ) {
        const char *comma = strchr(at, ',');
        size_t part = comma ? (size_t)(comma - at) : strlen(at);
        if (part == length && strncmp(at, word, length) == 0) return 1;
        at = comma ? comma + 1 : NULL;
    }
    return 0;
}

/* Calls `visit` with each directory of the process's cgroup and of its
   ancestors, up to each mount's root, in the hierarchies that hold
   `controller` (v1's, e.g. "N:cpu,cpuacct:PATH") and in v2's ("0::PATH"),
   as `bale_cgroup_cpu_limit` says. */
static void bale_cgroup_walk(const char *controller, void (*visit)(const char *directory, int v2, void *context),
                             void *context) {
    char v1_path[PATH_MAX] = "", v2_path[PATH_MAX] = "";
    int has_v1 = 0, has_v2 = 0;
    char line[PATH_MAX + 256];
    FILE *file = fopen("/proc/self/cgroup", "re");
    if (file == NULL) return;
    while (fgets(line, sizeof line, file) != NULL) {
        line[strcspn(line, "\n")] = 0;
        char *first = strchr(line, ':');
        char *second = first ? strchr(first + 1, ':') : NULL;
        if (second == NULL) continue;
        *second = 0;
        if (strcmp(line, "0:") == 0) {
            snprintf(v2_path, sizeof v2_path, "%s", second + 1);
            has_v2 = 1;
        } else if (bale_list_holds(first + 1, controller)) {
            snprintf(v1_path, sizeof v1_path, "%s", second + 1);
            has_v1 = 1;
        }
    }
    fclose(file);
    /* Where the hierarchies are mounted, and which cgroup each mount shows. */
    file = fopen("/proc/self/mountinfo", "re");
    if (file == NULL) return;
    while (fgets(line, sizeof line, file) != NULL) {
        /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE SOURCE SUPEROPTIONS */
        char root[PATH_MAX], point[PATH_MAX], type[64], options[512];
        char *dash = strstr(line, " - ");
        if (dash == NULL) continue;
        if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2) continue;
        if (sscanf(dash + 3, "%63s %*s %511s", type, options) != 2) continue;
        int v2 = strcmp(type, "cgroup2") == 0;
        if (!(v2 && has_v2) && !(strcmp(type, "cgroup") == 0 && has_v1 && bale_list_holds(options, controller))) continue;
        const char *place = v2 ? v2_path : v1_path;
        /* The process's cgroup below the mount's root; a mount that does
           not show it (another container's, a sibling) is passed. */
        size_t root_length = strcmp(root, "/") == 0 ? 0 : strlen(root);
        if (strncmp(place, root, root_length) != 0 || (place[root_length] != '/' && place[root_length] != 0)) continue;
        char directory[2 * PATH_MAX];
        snprintf(directory, sizeof directory, "%s%s", point, place + root_length);
        /* The cgroup, then each ancestor up to the mount point. */
        size_t floor = strlen(point), end = strlen(directory);
        while (end > floor && directory[end - 1] == '/') directory[--end] = 0;
        while (1) {
            visit(directory, v2, context);
            if (end <= floor) break;
            char *slash = strrchr(directory, '/');
            if (slash == NULL || (size_t)(slash - directory) < floor) break;
            *slash = 0;
            end = (size_t)(slash - directory);
        }
    }
    fclose(file);
}

static void bale_least_quota(const char *directory, int v2, void *context) {
    double *limit = context;
    double here = bale_read_quota(directory, v2);
    if (here > 0 && (*limit == 0 || here < *limit)) *limit = here;
}

double bale_cgroup_cpu_limit(void) {
    double limit = 0;
    bale_cgroup_walk("cpu", bale_least_quota, &limit);
    return limit;
}

/* The tasks (processes and threads) a pids cgroup allows, the least over
   the process's cgroup and its ancestors (`pids.max`, v1 or v2); 0 when
   none is set ("max") or none can be read: a container's --pids-limit. */
static void bale_least_tasks(const char *directory, int v2, void *context) {
    (void)v2;
    long *limit = context;
    char path[2 * PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/pids.max", directory);
    FILE *file = fopen(path, "re");
    if (file == NULL) return;
    long here = 0;
    if (fscanf(file, "%ld", &here) == 1 && here > 0 && (*limit == 0 || here < *limit)) *limit = here;
    fclose(file);
}

long bale_cgroup_task_limit(void) {
    long limit = 0;
    bale_cgroup_walk("pids", bale_least_tasks, &limit);
    return limit;
}

/* The CPUs bale may use: its affinity, and no more than a cgroup's CPU
   quota allows (rounded up, at least one). */
int bale_usable_cpus(void) {
    int cpus = bale_affinity_cpus();
    double quota = bale_cgroup_cpu_limit();
    if (quota > 0) {
        int allowed = (int)quota;
        if (allowed < quota) allowed += 1;
        if (allowed < 1) allowed = 1;
        if (allowed < cpus) cpus = allowed;
    }
    return cpus;
}

/* prctl and snprintf are variadic, which Swift cannot call. */
void bale_set_thread_name(const char *name) {
    (void)prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

void bale_format_percent(double value, char *out, size_t size) {
    snprintf(out, size, "%5.1f%%", value);
}

int bale_is_printable(uint32_t c, void *locale) {
    return iswprint_l((wint_t)c, (locale_t)locale) != 0;
}

/* How many threads of `stack` bytes could run at once beside those that
   run now, counted up to `wanted`: each is started and waits until the
   last has been tried, then all are let go and joined. A limit on tasks
   (`ulimit -u`, a pids cgroup) or on the address space (their stacks)
   shows here before a stage that cannot run without its thread needs
   one (see `WorkerPool.leaveRoomForThreads`). A mutex and a condition,
   not a pipe: under a low `ulimit -n` a probe must not take descriptors. */
struct bale_thread_probe {
    pthread_mutex_t lock;
    pthread_cond_t released_changed;
    int released;
};

static void *bale_thread_probe_wait(void *context) {
    struct bale_thread_probe *probe = context;
    pthread_mutex_lock(&probe->lock);
    while (!probe->released) pthread_cond_wait(&probe->released_changed, &probe->lock);
    pthread_mutex_unlock(&probe->lock);
    return NULL;
}

int bale_thread_room(int wanted, size_t stack) {
    if (wanted <= 0) return 0;
    pthread_t *threads = calloc((size_t)wanted, sizeof *threads);
    if (threads == NULL) return 0;
    struct bale_thread_probe probe = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, stack);
    int started = 0;
    while (started < wanted && pthread_create(&threads[started], &attributes, bale_thread_probe_wait, &probe) == 0) {
        started++;
    }
    pthread_attr_destroy(&attributes);
    pthread_mutex_lock(&probe.lock);
    probe.released = 1;
    pthread_cond_broadcast(&probe.released_changed);
    pthread_mutex_unlock(&probe.lock);
    for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
    free(threads);
    return started;
}

/* RLIMIT_NPROC is a macro over an enum Swift does not import. */
int bale_task_limit_may_bite(void) {
    struct rlimit limit;
    if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) return 1;
    return bale_cgroup_task_limit() > 0;
}
