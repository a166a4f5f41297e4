/* Reading a file through a mapping without dying of SIGBUS.
 *
 * A file mapped with mmap can be truncated by someone else while bale
 * reads it; a page past the new end then raises SIGBUS, whose default
 * action kills the process (a worker, silently to the user, and its
 * chunk would be retried on the next worker until declared poison).
 * read(2) gives a short count instead. This piece turns the signal back
 * into a return value: `bale_guarded_consume` runs one call over a
 * mapped range with a jump point set (sigsetjmp) and the range noted in
 * thread-local variables; the SIGBUS handler, installed once per process,
 * jumps back there when the faulting address lies in the range of the
 * thread's current guarded call, and otherwise puts back the action that
 * was there before (the default, or the Swift runtime's backtracer) and
 * returns, so that any other SIGBUS, retried, ends the process as it
 * would have.
 *
 * The call is a C function (OpenSSL's EVP_DigestUpdate through a shim,
 * for instance), so the jump leaves only C frames that hold no lock and
 * no allocation of their own; the state they were updating (a hash
 * context) is abandoned by the caller. It is C because a signal handler
 * may only touch memory that no other code frees or moves under it, and
 * because Swift frames must never be skipped by a longjmp.
 *
 * SA_NODEFER keeps SIGBUS unblocked while the handler runs, so the jump
 * out needs no saved signal mask (sigsetjmp(..., 0)): a guarded call
 * costs no system call. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include "CSystem.h"

/* The current guarded call of this thread: where to jump, and the range
   it reads. `guard_jump` is NULL outside a guarded call. */
static __thread sigjmp_buf *volatile guard_jump;
static __thread volatile uintptr_t guard_start;
static __thread volatile uintptr_t guard_end;

static pthread_once_t guard_installed = PTHREAD_ONCE_INIT;
/* The SIGBUS action before the guard's, written once before the guard's
   handler is installed, read only by that handler. */
static struct sigaction previous_action;

static void on_bus_error(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    /* Ours only when the kernel raised it for an access to a page past the
       end of the mapped file (BUS_ADRERR) inside the guarded range: not a
       signal another process sent (si_code <= 0, whose si_addr means
       nothing), not a memory error (BUS_MCEERR_*). */
    if (info->si_code == BUS_ADRERR) {
        uintptr_t address = (uintptr_t)info->si_addr;
        sigjmp_buf *jump = guard_jump;
        if (jump != NULL && address >= guard_start && address < guard_end) {
            guard_jump = NULL;
            siglongjmp(*jump, 1);
        }
    }
    /* Not ours: the action before ours. A fault is retried when the handler
       returns and meets it; a signal sent by a process is not, so it is
       raised again (SA_NODEFER: delivered at once) for that action to take. */
    sigaction(signal_number, &previous_action, NULL);
    if (info->si_code <= 0) raise(signal_number);
}

static void install_guard(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_bus_error;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &previous_action);
}

int bale_guarded_consume(bale_consumer consume, void *context, const void *bytes, size_t count) {
    pthread_once(&guard_installed, install_guard);
    sigjmp_buf jump;
    if (sigsetjmp(jump, 0) != 0) return BALE_MAPPING_FAULTED;
    guard_start = (uintptr_t)bytes;
    guard_end = (uintptr_t)bytes + count;
    guard_jump = &jump;
    consume(context, bytes, count);
    guard_jump = NULL;
    return 0;
}
