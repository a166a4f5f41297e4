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

    /// The descriptor number `path` names, when it is a name for one of
    /// the process's own descriptors: `/dev/stdin`, `/dev/stdout`,
    /// `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`,
    /// `/proc/thread-self/fd/N` or `/proc/PID/fd/N` with bale's own PID;
    /// nil for any other path (told from its bytes: most paths asked are
    /// not such names). Whether that descriptor was handed over is
    /// `contains`' to say.
    public static func number(named path: [UInt8]) -> Int32? {
        guard path.starts(with: "/dev/".utf8) || path.starts(with: "/proc/".utf8) else { return nil }
        let text = String(decoding: path, as: UTF8.self)
        let standard = ["/dev/stdin": Int32(0), "/dev/stdout": 1, "/dev/stderr": 2]
        if let fd = standard[text] { return fd }
        for prefix in ["/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/", "/proc/\(getpid())/fd/"]
        where text.hasPrefix(prefix) {
            let digits = text.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int32(digits)
        }
        return nil
    }
}
