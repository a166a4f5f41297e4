#if canImport(Glibc)
import Glibc
#endif

/// An open directory descriptor, closed when the last user lets go: the
/// extractor's cached parent and the writer jobs share one without dup.
final class OpenDirectory: Sendable {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    /// Removes what `leaf` names in directory `parent`, unless it is a
    /// directory: an extracted entry replaces a file, link or device of
    /// the same name, as tar does, but never a directory.
    static func removeUnlessDirectory(_ leaf: [UInt8], in parent: Int32) {
        var info = stat()
        if withCString(leaf, { fstatat(parent, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0,
           info.st_mode & S_IFMT != S_IFDIR {
            _ = withCString(leaf) { unlinkat(parent, $0, 0) }
        }
    }

    /// Access and modification times both set to one time, as
    /// utimensat and futimens take them.
    static func times(seconds: Int64, nanoseconds: Int32) -> [timespec] {
        let time = timespec(tv_sec: Int(seconds), tv_nsec: Int(nanoseconds))
        return [time, time]
    }
}
