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
/// --remove-files`): the next name would look changed. So each removal of
/// a name of a file with more is kept as a step, from the change time the
/// file had just before it to the one the kernel gave it, and another
/// name read at the first is expected at the last, step after step (the
/// third name of three, read before either removal, takes two).
///
/// A step, never a time put in place of whatever a name was read at: a
/// name read before the file was changed (rewritten in place, its time
/// put back, as `rsync --inplace -t` does) and another read after, whose
/// removal then gave the file a new change time, had that time expected
/// of the first name too, which was then removed as unchanged: the new
/// content was on no name and in no archive (`pack --remove-files`
/// stored the second name as a link to the first's old content), exit 0.
/// Now the first name's time leads to no step: it is "changed since it
/// was archived" and stays. One per run's removals (`InputRemoval`,
/// `SourceRemoval`), under its lock.
final class RemovedNames: Sendable {
    private let steps = Mutex<[FileIdentity: [Time: Time]]>([:])

    private struct Time: Sendable, Hashable {
        var seconds: Int64
        var nanoseconds: Int32

        init(_ time: timespec) {
            seconds = Int64(time.tv_sec)
            nanoseconds = Int32(time.tv_nsec)
        }

        init(seconds: Int64, nanoseconds: Int32) {
            self.seconds = seconds
            self.nanoseconds = nanoseconds
        }
    }

    /// `read` as its file should stand now: with the change time bale's
    /// removals of its other names led to from the one it was read at.
    func expected(_ read: PackEntry.WalkedStamp) -> PackEntry.WalkedStamp {
        var expected = read
        steps.withLock { all in
            guard let file = all[read.identity] else { return }
            var time = Time(seconds: read.changeSeconds, nanoseconds: read.changeNanoseconds)
            // Each step moves the time on; a loop (which two removals in
            // one tick of a coarse clock could not make: such a removal is
            // no step) cannot hold the walk longer than the steps there are.
            var taken = 0
            while let next = file[time], taken < file.count {
                time = next
                taken += 1
            }
            (expected.changeSeconds, expected.changeNanoseconds) = (time.seconds, time.nanoseconds)
        }
        return expected
    }

    /// A name of the file open on `fd` (an O_PATH descriptor opened before
    /// the unlink or the rename over it), which stood as `before` just
    /// before, was removed: the step its change time took is kept for its
    /// other names (none when it had no other).
    func removed(nameOf identity: FileIdentity, before: stat, openOn fd: Int32) {
        var after = stat()
        guard before.st_nlink > 1, fstat(fd, &after) == 0 else { return }
        let from = Time(before.st_ctim), to = Time(after.st_ctim)
        guard from != to else { return }
        steps.withLock { $0[identity, default: [:]][from] = to }
    }
}
