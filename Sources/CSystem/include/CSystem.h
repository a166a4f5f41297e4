#ifndef BALE_CSYSTEM_H
#define BALE_CSYSTEM_H

#include <spawn.h>
#include <sys/xattr.h>  // listxattr, getxattr, fsetxattr: extended attributes (Archive/ExtendedAttributes)
#include <sys/types.h>
#include <stdint.h>

/// Creates a pipe with O_CLOEXEC set on both ends. Returns 0 or -1 (errno set).
int bale_pipe_cloexec(int fds[2]);
/// syncfs(2): flushes the file system holding `fd` (Swift cannot import it).
int bale_syncfs(int fd);
/// `openat(directory, name, O_PATH | flags)`: a descriptor that names a
/// file without opening it for reading (no side effect on a FIFO or a
/// device, no read permission needed), for fstat and as the directory of
/// the *at calls. Swift cannot import O_PATH (it needs _GNU_SOURCE).
int bale_open_path(int directory, const char *name, int flags);
/// Duplicates `fd` with close-on-exec set on the copy (F_DUPFD_CLOEXEC),
/// so that no worker started later inherits it. Returns the copy or -1.
int bale_dup_cloexec(int fd);
/// As `bale_dup_cloexec`, the copy numbered `lowest` or above.
int bale_dup_cloexec_above(int fd, int lowest);

/// memfd_create(name, MFD_CLOEXEC): an anonymous file in memory, for the
/// arena bale shares with its workers (`SharedArena`). Returns the fd or -1.
int bale_memfd_create(const char *name);

/// Asks the kernel to grow a pipe's buffer to `bytes` (F_SETPIPE_SZ).
/// Returns the new size, or -1 (errno set) where it is not allowed.
int bale_set_pipe_size(int fd, int bytes);

/// splice(2) of up to `count` bytes of the regular file `file`, from
/// `*offset` (advanced by what moved; the file's own position is left
/// alone, as pread leaves it), into the pipe `pipe`: the page-cache pages
/// are put in the pipe by reference, not copied through user memory
/// (`WorkerLink`'s feeder sends a chunk of a file this way). Returns the
/// bytes moved, 0 at the end of the file, or -1 (errno set).
ssize_t bale_splice_to_pipe(int file, int64_t *offset, int pipe, size_t count);

/// Whether the page holding byte `offset` of `file` is in the page cache:
/// a one-byte read that fails rather than wait for the disk (preadv2 with
/// RWF_NOWAIT, Linux 4.14). 1 if it is; 0 if it is not, or the file system
/// cannot tell (tmpfs says EOPNOTSUPP), or there is no such byte.
int bale_byte_is_cached(int file, int64_t offset);

/// O_PATH (a descriptor that only names a file: no read access needed, no
/// device opened), which glibc shows only under _GNU_SOURCE.
int bale_o_path(void);

/// The wait-status macros, which Swift cannot import.
int bale_wexitstatus(int status);
int bale_wifsignaled(int status);
int bale_wtermsig(int status);

/// Names the calling thread (at most 15 bytes) for `top -H`, `ps -L` and perf.
int bale_name_this_thread(const char *name);
/* chmod by name, never through a symbolic link (EOPNOTSUPP for one). */
int bale_chmod_nofollow(int dir, const char *name, mode_t mode);

/// Adds to `actions` the closing of every descriptor from `lowest` up in
/// the child (posix_spawn_file_actions_addclosefrom_np, glibc 2.34), so a
/// worker holds nothing but its standard input, output and error, whatever
/// bale or its own parent left open without close-on-exec. Returns 0 or an
/// error number.
int bale_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// Records a worker process to kill if a signal ends bale. Returns a slot,
/// or -1 (errno EAGAIN) when the table is full.
int bale_register_child(pid_t pid);
/// Waits for the child `pid` to end without reaping it (waitid with
/// WEXITED | WNOWAIT): it stays a zombie, so its pid is not given to
/// another process yet. Returns 0, or -1 (errno set).
int bale_await_child(pid_t pid);
/// Takes the ended child out of the table (`slot`, or -1), then reaps it
/// (waitpid), in that order: the signal handler can therefore never kill
/// a process that was given the pid after the child was reaped. Returns 0
/// with the wait status in `*status`, or -1 (errno set).
int bale_reap_child(pid_t pid, int slot, int *status);

/// Forgets a temporary file (it was renamed into place or removed).
void bale_unregister_temporary(int slot);
/// Installs the handlers for SIGINT, SIGTERM and SIGHUP: kill registered
/// workers, remove registered temporary files, then die of the signal;
/// and for the crash signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP,
/// SIGABRT) the same cleanup, before the signal goes on to the handler
/// that was there before (the default, or the Swift runtime's).
void bale_install_cleanup_handlers(void);
/* Kills the workers, removes the registered temporary files, and exits
 * with `status` (for an error bale cannot go on after: no thread). */
__attribute__((noreturn)) void bale_cleanup_and_exit(int status);
/// Ignores SIGPIPE and SIGXFSZ: a write to a closed pipe or past the
/// file-size limit then fails (EPIPE, EFBIG), and bale reports it.
void bale_ignore_write_signals(void);

/* 1 when signal `sig` is set to be ignored (SIG_IGN), as a background job
 * of a non-interactive shell starts with SIGINT: gzip's test of running in
 * the foreground, before it asks a question on the terminal. */
int bale_signal_is_ignored(int sig);
/* 1 once a signal (or a crash) is ending bale: its cleanup has begun. */
int bale_is_dying(void);

/// Creates and opens (O_EXCL, O_CLOEXEC, O_NOFOLLOW) a unique file from a
/// template ending in XXXXXX (rewritten in place), relative to the open
/// directory `directory` (or AT_FDCWD), with `mode` less the umask, and
/// registers it for removal by the signal handler before it exists; the
/// slot goes to `*slot`. Returns the fd, or -1 with errno set: EMFILE when
/// the table of temporary files is full (1,024 slots; fewer under the
/// test hook BALE_TEST_TEMPORARY_SLOTS=N), EINTR
/// when a signal is ending bale; nothing is created then. `directory` must
/// stay open until the slot is unregistered.
int bale_create_temporary_at(int directory, char *template_name, unsigned int mode, int *slot);
/// Creates the new file `name` in the open directory `directory` (openat
/// with O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, `mode`) and
/// registers it, once it exists, for removal by the signal handler: an
/// extracted file written under its own name, which must not stay cut
/// short when a signal ends bale. Created first, registered after, never
/// the other way: a name registered before its create may be a file
/// already there, not bale's, which the handler would remove. Counted in
/// the creations under way, which the handler waits for before it reads
/// the table, so it finds the file registered. `*slot` is -1 when the
/// table is full: the file is then created unregistered. Returns the fd,
/// or -1 with errno set (EEXIST: the name is taken; EINTR: a signal is
/// ending bale). Unregister the slot once the file is whole.
int bale_create_new_file_at(int directory, const char *name, unsigned int mode, int *slot);
/// 1 when the file name `name` (`length` bytes, no directory) is one
/// `bale_create_temporary_at` makes, `.NAME.bale-RRRCCC`: three random
/// letters and three that check them against the rest of the name; else 0.
int bale_is_temporary_name(const char *name, size_t length);

/// 1 when this process began after the time `seconds`.`nanoseconds`
/// (CLOCK_REALTIME, taken as the program loaded); else 0.
int bale_started_after(long long seconds, long nanoseconds);
/// Renames `from` to `to`, both in the directory open at `directory`
/// (AT_FDCWD: paths), only if nothing holds the name `to`: returns 0,
/// or -1 with errno set, EEXIST when `to` exists (`from` is then left as
/// it was). renameat2's RENAME_NOREPLACE, which Swift cannot import,
/// where the file system has it; else linkat() then unlinkat(), which
/// refuse an existing name as atomically; where the file system has no
/// hard links either (vfat, some FUSE ones), a check then renameat(),
/// which leaves a window between the two.
int bale_rename_noreplace_at(int directory, const char *from, const char *to);

/// fnmatch(3)'s GNU flag FNM_LEADING_DIR, which Swift's Glibc does not
/// import (glibc declares it only under _GNU_SOURCE): with it a pattern
/// that matches a name's leading directories matches the name too.
extern const int bale_fnm_leading_dir;

/// Raises glibc's mmap and trim thresholds (mallopt), so chunk-sized
/// buffers are reused from the heap instead of mapped and unmapped each time.
void bale_keep_large_buffers_in_heap(int mmap_threshold, int trim_threshold);
/// Under a limit on the address space (ulimit -v, RLIMIT_AS), one malloc
/// arena for every thread (MemoryTuning says why); 1 when set, 0 when
/// there is no limit.
int bale_one_arena_under_address_space_limit(void);

/// The version bale was built as: `git describe --tags --always --dirty`
/// when `make` built it from a git checkout (written to the ignored
/// Sources/CSystem/BuildVersion.h), "unknown" otherwise.
const char *bale_build_version(void);

/// getdents64(2): reads the next entries of the directory open on `fd`
/// into `buffer`, as `struct linux_dirent64` records (inode u64, offset
/// u64, record length u16, type u8, then the name and its NUL). Returns
/// the bytes read, 0 at the end, or -1 (errno set). The tree walk lists a
/// directory this way on the descriptor it keeps, with no DIR stream.
ssize_t bale_getdents(int fd, void *buffer, size_t count);

/// fstatfs(2)'s f_type of the file system the file open on `fd` lies on
/// (SYSFS_MAGIC, PROC_SUPER_MAGIC…), or -1 when it cannot be read.
long bale_filesystem_type(int fd);

/// What reads a mapped range for `bale_guarded_consume`: `count` bytes at
/// `bytes`, with `context` (a hash context, say). A C function, never a
/// Swift closure: a fault jumps out of it (MappingGuard.c).
typedef void (*bale_consumer)(void *context, const void *bytes, size_t count);
/// What `bale_guarded_consume` returns when reading the range faulted.
#define BALE_MAPPING_FAULTED 1
/// Calls `consume(context, bytes, count)` on a range of a file mapping,
/// catching the SIGBUS a page past the file's end raises (the file was
/// truncated since it was mapped): returns 0 when the call ran to its
/// end, or BALE_MAPPING_FAULTED when it was cut short by the fault (what
/// `consume` was updating is then half done; drop it). Any other SIGBUS
/// still ends the process as it would have (the action before the
/// guard's is put back for it). The handler is installed at the first call.
int bale_guarded_consume(bale_consumer consume, void *context, const void *bytes, size_t count);
/// SHA-256 of two messages at once, interleaved on the CPU's SHA
/// instructions (SHA256Pair.c says why). Only where
/// `bale_sha256_pair_available()` says the CPU has them (SHA, SSE4.1,
/// SSSE3); elsewhere hash with libcrypto.
int bale_sha256_pair_available(void);
/// Whether the CPU (and the system) can run sixteen SHA-256 lanes on
/// AVX-512 (F and BW: SHA256Sixteen.c).
int bale_sha256_sixteen_available(void);
/// Whether `bale_sha256_many` can run here: the CPU has the SHA
/// instructions, or AVX-512 for sixteen lanes.
int bale_sha256_many_available(void);
/// Writes the digest of `messages[i]` (`lengths[i]` bytes) at
/// `digests + 32 * i`, for each of the `count` messages: side by side in
/// lanes, sixteen on AVX-512 or two on the SHA instructions, whichever
/// this CPU runs faster (timed once per process: SHA256Many.c). Each lane
/// takes the messages in the order given, the next when its own is done:
/// longest first leaves the least for few lanes at the end.
void bale_sha256_many(const uint8_t *const *messages, const size_t *lengths, int count, uint8_t *digests);
/// The lanes `bale_sha256_many` runs on this CPU: 16 (AVX-512) or 2 (the
/// SHA instructions); 0 where it cannot run.
int bale_sha256_many_lanes(void);
/// `bale_sha256_many` on the lanes given, for tests: 2, the pair; 16,
/// sixteen lanes, the last `handover_at` busy ones handed to the pair
/// (0: sixteen lanes to the end; more than 0 needs the SHA instructions).
void bale_sha256_many_on(int lanes, int handover_at, const uint8_t *const *messages, const size_t *lengths,
                         int count, uint8_t *digests);
/// SHA-256 block by block, for messages read a piece at a time (two large
/// files side by side: `FilePairHasher`). Only where
/// `bale_sha256_pair_available()`. `bale_sha256_start` sets `state` to
/// SHA-256's initial one; `bale_sha256_blocks` hashes `blocks` 64-byte
/// blocks into it; `bale_sha256_blocks_pair` hashes `blocks` blocks of
/// each of two messages, their rounds interleaved; `bale_sha256_finish`
/// hashes the last `total_length % 64` bytes (`rest`, of `rest_length`
/// bytes, that many) with the padding and writes the digest.
void bale_sha256_start(uint32_t state[8]);
void bale_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);
void bale_sha256_blocks_pair(uint32_t a[8], const uint8_t *da, uint32_t b[8], const uint8_t *db, size_t blocks);
void bale_sha256_finish(uint32_t state[8], const uint8_t *rest, size_t rest_length, uint64_t total_length,
                        uint8_t digest[32]);

/// The CPUs this process may run on (its affinity: what `taskset`, a
/// cpuset and Slurm's task binding give it, as `nproc` counts them), or
/// the online CPUs if the kernel does not say; no more than the cgroup's
/// CPU quota allows, rounded up (`bale_cgroup_cpu_limit`). Swift cannot
/// use glibc's CPU_COUNT macros.
int bale_usable_cpus(void);
/// The CPUs the cgroup's CPU quota allows (2.5: 250 ms a 100 ms period),
/// the least over the process's cgroup and its ancestors; 0 when none does.
double bale_cgroup_cpu_limit(void);
/// The tasks a pids cgroup allows (`pids.max`), the least over the
/// process's cgroup and its ancestors; 0 when none is set.
long bale_cgroup_task_limit(void);
/// 1 when `ulimit -u` binds this process (not root) or a pids cgroup
/// limit applies (`bale_cgroup_task_limit`).
int bale_task_limit_may_bite(void);

/// How many threads of `stack` bytes could run at once beside those
/// running now, up to `wanted` (each started, then all let go and
/// joined): what a limit on tasks or on the address space leaves.
int bale_thread_room(int wanted, size_t stack);

/// Names the calling thread (the process's name, `comm`, for the main
/// thread) as prctl(PR_SET_NAME) does: its first 15 bytes.
void bale_set_thread_name(const char *name);

/// Ends this worker process (exit status 3) when the bale that started it
/// is gone, even while it is blocked away from its request pipe (the
/// parent-death signal, SIGUSR2, handled). Returns 0, or -1 with errno.
int bale_end_with_parent(void);

/// Writes `value` as C's "%5.1f%%" (gzip -v's ratio) into `out`.
void bale_format_percent(double value, char *out, size_t size);

/// glibc's iswprint_l(c, locale): whether the character `c` (a code
/// point) is printable in `locale` (a locale_t from newlocale), as GNU tar
/// asks of each character of a name it shows (TerminalText.isPrintable).
/// wint_t and iswprint_l are not imported into Swift.
int bale_is_printable(uint32_t c, void *locale);

#endif
