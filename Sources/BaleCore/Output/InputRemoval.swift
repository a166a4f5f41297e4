#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Removes an input of `gzip`/`gunzip` (and `gzip -r`) once its output is
/// in place, as gzip does: but only while its name still holds the file
/// that was read.
///
/// Why: compressing a large file takes a while, and its name may be given
/// to another file meanwhile (a log rotated again, `mv new FILE`): unlinking
/// the name then would remove a file whose data is in no output. So the
/// name is looked at (`stat`, following a link: a link given with -f
/// names the file read) and removed only when it is the same file (device
/// and inode) that was opened; otherwise the file there is kept, and the
/// caller says so. The name is looked at and removed relative to its
/// directory, opened once before the look: a directory on the path
/// renamed and replaced by a symbolic link meanwhile (to `/etc`, to
/// another tree) cannot turn the unlink to another directory's file of the
/// same name, as a look and an unlink each by path could (a probe removed
/// a file outside the tree given, exit 0). No system call removes a name
/// only if it is a given file, so a window of one system call remains
/// for the name itself, as in GNU gzip and tar; it was the whole run
/// before.
///
/// Nor is a file removed that changed while it was read: its size, its
/// modification time or its change time differ from what was seen when it
/// was opened (`PackEntry.WalkedStamp`, as `pack --remove-files` judges
/// it). The output holds the file as it was when cut into chunks; lines a
/// log writer appended meanwhile are in no output, and removing the input
/// lost them with exit 0. The change time catches a file rewritten in
/// place with its modification time set back (`rsync --inplace -t`, `cp
/// -p` over it, `touch -r`), which size and time alone pass. The file is
/// kept, with a warning (exit 2).
///
/// The change time also moves when a file's links change, and bale itself
/// changes it when it removes one name of a file with several (`gzip -f`
/// of hard links: each name is an input): so the change time each removal
/// gives the file's other names is kept, per file, and expected of them in
/// place of the one seen at their open. One per run (`RunContext`), shared
/// by every removal of the run: the names of one file can be removed by
/// different batches.
public final class InputRemoval: Sendable {
    /// The change times its removals gave files with several names.
    private let removedNames = RemovedNames()

    /// A remover for one run, knowing of no removal yet.
    public init() {}

    /// What became of the input.
    public enum Outcome: Equatable {
        case removed
        /// Another file holds the name now: nothing removed.
        case replaced
        /// The file changed while it was read: kept.
        case changed
        /// The name could not be looked at (gone, as when someone removed
        /// the input meanwhile: ENOENT, which gzip reports too) or unlink failed.
        case failed(SystemError)
        /// Its output is no longer the file this run made under its name
        /// (another run took the pair for a killed run's and removed it),
        /// or another run holds it locked: kept.
        case outputNotHeld(output: [UInt8])

        /// What to say of `path` for this outcome: nothing once removed; a
        /// warning when kept (the output is whole and in place), as gzip
        /// gives it.
        func diagnostic(for path: [UInt8]) -> Diagnostic? {
            switch self {
            case .removed: nil
            case .replaced: InputRemoval.replacedWarning(path)
            case .changed: InputRemoval.changedWarning(path)
            case .failed(let error): .warning(path: TerminalText.name(path), error.reason)
            case .outputNotHeld(let output):
                .warning(path: TerminalText.name(path), "its output \(TerminalText.name(output)) was taken by another "
                         + "process (removed, replaced or locked) before it could be removed; kept, not removed")
            }
        }
    }

    /// The output a removal waits on: the name the run's output was
    /// renamed to, and the file it made there.
    struct Output {
        var path: [UInt8]
        var identity: FileIdentity
    }

    /// Removes `path` if it still names the file seen as `read` when it
    /// was opened, unchanged; with `output`, only while that name still
    /// holds the file this run made, held locked (`flock`, without
    /// waiting) from the look to the unlink.
    ///
    /// Why the lock: between an output's rename and its input's removal
    /// (a `gzip -r` removes its inputs in batches, after a `syncfs`), the
    /// pair stands side by side, equal, as a killed run leaves one; a
    /// `gunzip -r` of the same tree at once took it for that, and removed
    /// the .gz, then this run removed the input: both lost, exit 0 (a
    /// reading helper: 14 to 36 files of 3,000 in 7 runs of 10). Another
    /// bale finishing such a pair holds both files locked
    /// (`GzipEquality.Pair`), so the two removals exclude each other, and
    /// an output gone or replaced before the look keeps the input.
    func remove(_ path: [UInt8], ifStill read: PackEntry.WalkedStamp, whileOutputIs output: Output? = nil) -> Outcome {
        var held: Int32 = -1
        defer { if held >= 0 { FileIO.close(held) } }
        if let output {
            // Following a link, as the output was written through one
            // (`OutputDestination`); it must lead to the very file made.
            held = withCString(output.path) { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) }
            // Not ours to read (it has the input's mode): looked at only,
            // unlocked, as on a file system without flock. (errno taken
            // before the test's pause, whose first call may set it.)
            let notOursToRead = held < 0 && (errno == EACCES || errno == EPERM)
            TestPause.beforeOutputLock()
            if !notOursToRead {
                guard held >= 0, FileIdentity(ofOpen: held) == output.identity, AdvisoryLock.takeExclusive(held) else {
                    return .outputNotHeld(output: output.path)
                }
            }
            // Locked, the name must still hold the file: another run may
            // have removed it between the open and the lock (a `gunzip -r`
            // finishing the pair whole, which locks it first), and the
            // lock, free once that run let go, was then taken on a file no
            // name holds. The input went too: both lost, named by neither
            // run (a probe helper: 1 run in 10). A run that removes the
            // output beside its input locks it first (`GzipEquality.Pair`),
            // and one that decompressed it places its own output only once
            // the input is gone; so once the name is seen here, the pair
            // stands until the input goes.
            guard FileIdentity(ofPath: output.path, following: true) == output.identity else {
                return .outputNotHeld(output: output.path)
            }
        }
        // The directory first: the look and the unlink below are made in
        // this one directory, whatever happens to the path meanwhile.
        let parts = PathParts(path)
        let directory = withCString(parts.directory) { bale_open_path(AT_FDCWD, $0, O_DIRECTORY | O_CLOEXEC) }
        guard directory >= 0 else { return .failed(.current("stat")) }
        defer { FileIO.close(directory) }
        // Held open (O_PATH: no read, no side effect; following a link, as
        // a link given with -f names the file read) to learn the change
        // time the removal gives the file's other names.
        let fd = withCString(parts.name) { bale_open_path(directory, $0, O_CLOEXEC) }
        guard fd >= 0 else { return .failed(.current("stat")) }
        defer { FileIO.close(fd) }
        var now = stat()
        guard fstat(fd, &now) == 0 else { return .failed(.current("stat")) }
        let stamp = PackEntry.WalkedStamp(now)
        guard stamp.identity == read.identity else { return .replaced }
        let expected = removedNames.expected(read)
        guard stamp.isUnchanged(since: expected) else { return .changed }
        guard withCString(parts.name, { unlinkat(directory, $0, 0) }) == 0 else { return .failed(.current("unlink")) }
        removedNames.removed(nameOf: read.identity, before: now, openOn: fd)
        return .removed
    }

    /// An output renamed over a name of the file open on `fd` (O_PATH),
    /// which stood as `before` just before: the step its change time took
    /// is expected of its other names, as after a removal of one of them.
    func nameReplaced(of identity: FileIdentity, before: stat, openOn fd: Int32) {
        removedNames.removed(nameOf: identity, before: before, openOn: fd)
    }

    /// The warning for an input kept because it changed while it was read.
    static func changedWarning(_ path: [UInt8]) -> Diagnostic {
        .warning(path: TerminalText.name(path), "changed while it was read; kept, not removed")
    }

    /// The warning for an input kept because its name was given to another file.
    static func replacedWarning(_ path: [UInt8]) -> Diagnostic {
        .warning(path: TerminalText.name(path),
                 "was replaced by another file while it was read; that file is kept, not removed")
    }
}
