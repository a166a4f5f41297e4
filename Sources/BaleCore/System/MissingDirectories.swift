#if canImport(Glibc)
import Glibc
#endif

/// Makes a directory and the missing ones above it, as `mkdir -p` makes
/// them: each with mode 0777 less the umask (as GNU tar and mkdir(1) make
/// the directories they were not told a mode for), so a shared tree under
/// umask 002 gets group-writable directories, as with tar.
///
/// Used where bale makes a directory of its own accord: `unpack -C DIR`
/// (GNU tar refuses a DIR that is not there; bale makes it, and all of it:
/// it made only the last level, so `-C a/b/c` with no `a` failed), and
/// `gzip -r --out-dir`'s mirrored tree. (The directories an archive's
/// entries need are made by `DirectoryStack`, relative to descriptors.)
enum MissingDirectories {
    /// Makes `path` and what is missing above it; the first directory that
    /// could not be made and why (EACCES, EROFS, ENOTDIR: the cause, not
    /// the "No such file" an open below it would say after), nil when it
    /// is there.
    static func make(_ path: [UInt8]) -> (directory: [UInt8], error: SystemError)? {
        if case .failure(let failure) = made(path) { return (failure.directory, failure.error) }
        return nil
    }

    /// A directory that could not be made, and why.
    struct Failure: Error {
        var directory: [UInt8]
        var error: SystemError
    }

    /// `make`, telling whether this call made `path` itself (false: it was
    /// there, or another process made it meanwhile).
    static func made(_ path: [UInt8]) -> Result<Bool, Failure> {
        let path = TarMemberName.withoutTrailingSlashes(path)
        if path.isEmpty || withCString(path, { access($0, F_OK) }) == 0 { return .success(false) }
        if let slash = path.lastIndex(of: UInt8(ascii: "/")), slash != path.startIndex,
           case .failure(let failure) = made(Array(path[..<slash])) {
            return .failure(failure)
        }
        if withCString(path, { mkdir($0, 0o777) }) != 0 {
            return errno == EEXIST ? .success(false) : .failure(Failure(directory: path, error: .current("mkdir")))
        }
        return .success(true)
    }
}
