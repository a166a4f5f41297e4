#if canImport(Glibc)
import Glibc
#endif

/// Why a regular file's content could not be opened for `pack`
/// (`PackEntry.openSource`): the call failed, the name no longer holds
/// a regular file, or its directory is no longer the one walked.
///
/// The second matters because the walk and the read are apart in time: a
/// file the walk listed may be replaced before its turn, by a FIFO (whose
/// open would wait for a writer that never comes, hanging the pack), a
/// device (whose read may have effects, or never end) or a directory. The
/// content is therefore opened without waiting (O_NONBLOCK, which a
/// regular file ignores) and checked to be a regular file before a byte
/// of it is read; anything else is left out, named, as a file that cannot
/// be opened is.
enum SourceOpenFailure: Error, Equatable {
    /// open (or fstat on what it opened) failed.
    case system(SystemError)
    /// The name now holds something else, of this type (`S_IFMT` bits).
    case notARegularFile(type: UInt32)
    /// The directory at the path of the one the file was found in is
    /// another (replaced by a symbolic link, renamed away, rotated):
    /// what is there now is not the file walked (`DirectoryOfPaths`).
    case directoryReplaced

    /// True when the process ran out of descriptors: the read-ahead leaves
    /// the file to the cutter, which opens it once others are closed.
    var isOutOfDescriptors: Bool {
        if case .system(let error) = self { return error.code == EMFILE || error.code == ENFILE }
        return false
    }

    /// The warning for the file shown as `displayName`, in GNU tar's words
    /// where it has some: "Cannot open: Permission denied"; for a file
    /// found in a directory and gone by its turn, "File removed before we
    /// read it" (tar's `file_removed_diag`; a name given on the command
    /// line, `wasGiven`, "Cannot open: No such file or directory").
    func diagnostic(for displayName: String, wasGiven: Bool) -> Diagnostic {
        switch self {
        case .system(let error) where error.code == ENOENT && !wasGiven:
            return .warning(path: displayName, "File removed before we read it")
        case .system(let error):
            return .warning(path: displayName, "Cannot open: \(error.reason)")
        case .notARegularFile(let type):
            return .warning(path: displayName, "Cannot open: replaced by \(Self.describe(type)) since it was listed; not dumped")
        case .directoryReplaced:
            return .warning(path: displayName,
                            "Cannot open: its directory was moved, removed or replaced since it was listed; not dumped")
        }
    }

    /// A file type in words.
    static func describe(_ type: UInt32) -> String {
        switch type {
        case UInt32(S_IFIFO): return "a FIFO"
        case UInt32(S_IFDIR): return "a directory"
        case UInt32(S_IFCHR): return "a character device"
        case UInt32(S_IFBLK): return "a block device"
        case UInt32(S_IFSOCK): return "a socket"
        default: return "something not a regular file"
        }
    }
}
