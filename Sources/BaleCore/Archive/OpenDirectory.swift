#if canImport(Glibc)
import Glibc
#endif

/// An open directory descriptor, closed when the last user lets go: the
/// extractor's cached parent and the writer jobs share one without dup.
final class OpenDirectory: Sendable {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    /// Access and modification times both set to one time, as
    /// utimensat and futimens take them.
    static func times(seconds: Int64, nanoseconds: Int32) -> [timespec] {
        let time = timespec(tv_sec: Int(seconds), tv_nsec: Int(nanoseconds))
        return [time, time]
    }
}
