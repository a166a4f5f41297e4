#if canImport(Glibc)
import Glibc
#endif

/// The one way bale takes a file lock (`flock`): without waiting, and
/// only another process's lock stops it.
///
/// Why flock at all: bale runs overlap (a cron job and its next run, the
/// parts of a batch array, a `gzip -r` beside a `gunzip -r` of one tree),
/// and a run holds every file it writes or is about to remove locked, so
/// that another run leaves such a file alone instead of taking it for a
/// killed run's leftover or a finished pair. Without waiting, because a
/// run that meets another's lock moves on (keeps its input, leaves the
/// file, says so) rather than queueing behind it. And a file system
/// without flock (ENOLCK, EOPNOTSUPP on some network file systems) leaves
/// the file unlocked, as bale ran before it locked anything: the lock
/// guards against overlapping runs, it is not needed to work alone.
///
/// The callers: `GzipEquality.Pair` (a finished pair, both files),
/// `InputRemoval` (an output while its input is removed),
/// `GuardedOutputName` (an output name while a run commits and removes),
/// `AtomicOutputFile.removeIfAbandoned` (a temporary file before it is
/// taken for a leftover); `bale_create_temporary_at` (C) locks each new
/// temporary file at once in the same way.
enum AdvisoryLock {
    /// Takes an exclusive lock on `fd` without waiting: true when it is
    /// held now, or the file system has no locks; false only when another
    /// open file description holds one.
    static func takeExclusive(_ fd: Int32) -> Bool {
        flock(fd, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK
    }

    /// True when another open file description holds an exclusive lock on
    /// `fd`'s file (a shared lock is tried, without waiting; taken, it
    /// stays with `fd`, so the caller closes `fd` soon).
    static func isHeldByAnother(_ fd: Int32) -> Bool {
        flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK
    }
}
