#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The change times bale's own removals gave files with several names.
///
/// A file is removed only while it is unchanged since it was read: its
/// size, its modification and its change time as they were
/// (`PackEntry.WalkedStamp`). The change time also moves when one of the
/// file's names is removed, and bale removes each name of a hard-linked
/// file that it took as an input (`gzip -f a b`, `gzip -r -f`, `pack
/// --remove-files`): the next name would look changed. So after each
/// removal of a name of a file with more, the time the kernel gave it is
/// kept, and expected of its other names in place of the one seen when
/// they were read. One per run's removals (`InputRemoval`, `SourceRemoval`),
/// under its lock.
final class RemovedNames: Sendable {
    private let changeTimes = Mutex<[FileIdentity: Time]>([:])

    private struct Time: Sendable {
        var seconds: Int64
        var nanoseconds: Int32
    }

    /// `read` as its file should stand now: with the change time bale's
    /// last removal of another of its names gave it, if any.
    func expected(_ read: PackEntry.WalkedStamp) -> PackEntry.WalkedStamp {
        var expected = read
        if let time = changeTimes.withLock({ $0[read.identity] }) {
            (expected.changeSeconds, expected.changeNanoseconds) = (time.seconds, time.nanoseconds)
        }
        return expected
    }

    /// A name of the file open on `fd` (an O_PATH descriptor opened before
    /// the unlink), which had `links` names, was removed: its change time
    /// now is kept for its other names.
    func removed(nameOf identity: FileIdentity, openOn fd: Int32, links: Int) {
        var info = stat()
        guard links > 1, fstat(fd, &info) == 0 else { return }
        let time = Time(seconds: Int64(info.st_ctim.tv_sec), nanoseconds: Int32(info.st_ctim.tv_nsec))
        changeTimes.withLock { $0[identity] = time }
    }
}
