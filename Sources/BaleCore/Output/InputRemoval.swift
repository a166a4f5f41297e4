#if canImport(Glibc)
import Glibc
#endif

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
/// caller says so. No system call removes a name only if it is a given
/// file, so a window of one `stat` remains; it was the whole run before.
///
/// Nor is a file removed that changed while it was read: its size or its
/// modification time differ from what was seen before it was read (`PackEntry.WalkedStamp`, as `pack --remove-files` judges it).
/// The output holds the file as it was when cut into chunks; lines a log
/// writer appended meanwhile are in no output, and removing the input
/// lost them with exit 0. The file is kept, with a warning (exit 2).
enum InputRemoval {
    /// What became of the input.
    enum Outcome: Equatable {
        case removed
        /// Another file holds the name now: nothing removed.
        case replaced
        /// The file changed while it was read: kept.
        case changed
        /// The name could not be looked at (gone, as when someone removed
        /// the input meanwhile: ENOENT, which gzip reports too) or unlink failed.
        case failed(SystemError)

        /// What to say of `path` for this outcome: nothing once removed; a
        /// warning when kept (the output is whole and in place), as gzip
        /// gives it.
        func diagnostic(for path: [UInt8]) -> Diagnostic? {
            switch self {
            case .removed: nil
            case .replaced: InputRemoval.replacedWarning(path)
            case .changed: InputRemoval.changedWarning(path)
            case .failed(let error): .warning(path: TerminalText.name(path), error.reason)
            }
        }
    }

    /// Removes `path` if it still names the file seen as `read` before it
    /// was read, unchanged.
    static func remove(_ path: [UInt8], ifStill read: PackEntry.WalkedStamp) -> Outcome {
        var now = stat()
        guard withCString(path, { stat($0, &now) }) == 0 else { return .failed(.current("stat")) }
        let stamp = PackEntry.WalkedStamp(now)
        guard stamp.identity == read.identity else { return .replaced }
        // Size and modification time, not the change time: removing another
        // name of a hard-linked input (`gzip -r -f`) changes the inode's
        // change time, and the file read would be kept for it.
        guard stamp.hasSizeAndTime(of: read) else { return .changed }
        return withCString(path, { unlink($0) }) == 0 ? .removed : .failed(.current("unlink"))
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
