#ifndef BALE_CSYSTEM_H
#define BALE_CSYSTEM_H

/// Creates a pipe with O_CLOEXEC set on both ends. Returns 0 or -1 (errno set).
int bale_pipe_cloexec(int fds[2]);
/* syncfs(2): flush the file system holding fd (Swift cannot import it). */
int bale_syncfs(int fd);

/// Asks the kernel to grow a pipe's buffer to `bytes` (F_SETPIPE_SZ).
/// Returns the new size, or -1 (errno set) where it is not allowed.
int bale_set_pipe_size(int fd, int bytes);

/// The wait-status macros, which Swift cannot import.
int bale_wifexited(int status);
int bale_wexitstatus(int status);
int bale_wifsignaled(int status);
int bale_wtermsig(int status);

/// Names the calling thread (at most 15 bytes) for `top -H`, `ps -L` and perf.
int bale_name_this_thread(const char *name);

#endif

/// Temporary outputs to remove if a signal ends the process (SIGINT,
/// SIGTERM, SIGHUP): kept in a fixed table that the signal handler can
/// read without locks or allocation. Returns a slot, or -1 if full.
int bale_register_temporary(const char *path);
/// Records a worker process to kill if a signal ends bale. Returns a slot or -1.
int bale_register_child(int pid);
/// Forgets a worker (it was reaped).
void bale_unregister_child(int slot);
/// Forgets a slot (the file was renamed into place or removed).
void bale_unregister_temporary(int slot);
/// Installs the handlers: kill registered workers, remove registered
/// files, then die of the signal.
void bale_install_cleanup_handlers(void);

/// Creates and opens (O_EXCL, O_CLOEXEC) a unique file from a template
/// ending in XXXXXX (rewritten in place), with `mode` less the umask, and
/// registers it for removal by the signal handler before it exists; the
/// slot goes to `*slot` (-1 if the table is full). Returns the fd or -1.
int bale_create_temporary(char *template_path, unsigned int mode, int *slot);

/// Raises glibc's mmap and trim thresholds (mallopt), so chunk-sized
/// buffers are reused from the heap instead of mapped and unmapped each time.
void bale_keep_large_buffers_in_heap(int mmap_threshold, int trim_threshold);
