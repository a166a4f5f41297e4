#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The descriptors bale was started with, noted before it opens any of
/// its own (`note`, first thing in `main`).
///
/// A name for one of the process's descriptors (`/dev/fd/7`, what
/// `<(command)` gives) means one the caller handed over; bale's own (its
/// workers' pipes, the shared arena) are not the caller's to name. `sum`
/// maps such a name to bale's /proc entry for its worker, and only for a
/// descriptor noted here: `bale sum /dev/fd/4` hashed bale's arena (a
/// digest of nothing the caller gave, exit 0) or waited for ever on one
/// of its pipes, where sha256sum says "No such file or directory".
public enum InheritedDescriptors {
    private static let noted = Mutex<Set<Int32>?>(nil)

    /// Notes the descriptors open now: /proc/self/fd's names (one
    /// directory read, whatever the limit: a container's may be a million),
    /// else each of the first 1,024 asked.
    public static func note() {
        var open: Set<Int32> = []
        if let listing = opendir("/proc/self/fd") {
            let own = dirfd(listing)
            while let entry = readdir(listing) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if let fd = Int32(name), fd != own { open.insert(fd) }
            }
            closedir(listing)
        } else {
            for fd in Int32(0)..<1024 where fcntl(fd, F_GETFD) != -1 { open.insert(fd) }
        }
        noted.withLock { $0 = open }
    }

    /// Whether `fd` was open when bale started (true when nothing was
    /// noted: the library used without bale's `main`).
    public static func contains(_ fd: Int32) -> Bool {
        noted.withLock { $0?.contains(fd) ?? true }
    }
}
