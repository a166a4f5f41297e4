import CSystem

/// The process-wide signal state bale's work relies on, which only the
/// executable sets, once, before any command runs (`Bale.main`): the
/// library never changes a process's signal dispositions behind its
/// caller's back. A program (or a test) that runs bale's pipeline in
/// process sets up what it needs the same way.
///
/// Two jobs, kept apart because each is wanted on its own:
/// - `ignoreWriteSignals`: a write to a closed pipe (standard output's
///   reader gone, a worker dead) or past the file-size limit fails with
///   EPIPE or EFBIG, which bale reports and cleans up after, instead of
///   the signal killing it. Worker processes get SIGPIPE's default back
///   (`ChildProcess`: a worker whose parent is gone dies at its next
///   answer); SIGXFSZ stays ignored there, as they write no file.
/// - `installTerminationCleanup`: on SIGINT, SIGTERM or SIGHUP (and
///   SIGXCPU, SIGUSR1, SIGUSR2, SIGALRM, which CPU-time limits and batch
///   systems send, and whose default ends a process too), the
///   handler kills the workers and removes every temporary output still
///   registered (`AtomicOutputFile` and the tar extractor register theirs
///   as they create them), then bale dies of the signal. A signal the
///   caller set to be ignored (nohup) stays ignored, as in gzip. A crash
///   (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT: a trap of Swift's,
///   or the runtime failing to allocate under `ulimit -v`) gets the same
///   cleanup before it goes on to the handler that was there before.
public enum ProcessSignals {
    /// Ignores SIGPIPE and SIGXFSZ for the whole process.
    public static func ignoreWriteSignals() {
        bale_ignore_write_signals()
    }

    /// Installs the handlers of SIGINT, SIGTERM, SIGHUP, SIGXCPU, SIGUSR1,
    /// SIGUSR2, SIGALRM and the crash
    /// signals that clean up the registered temporary files and workers
    /// before bale dies.
    public static func installTerminationCleanup() {
        bale_install_cleanup_handlers()
    }
}
