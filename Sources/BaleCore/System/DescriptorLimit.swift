#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open descriptors (`ulimit -n`, RLIMIT_NOFILE's
/// soft limit), read once: what the parts that hold descriptors for a
/// while (the walk's directories, pack's read-ahead) size their share by,
/// so that a low limit leaves the rest of a job the descriptors it needs.
enum DescriptorLimit {
    /// The soft limit; "no limit" (RLIM_INFINITY) and a limit that cannot
    /// be read count as 1,048,576, Linux's usual ceiling.
    static let current: Int = {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1 << 20 }
        return Int(min(UInt64(limit.rlim_cur), 1 << 20))  // RLIM_INFINITY is the largest rlim_t
    }()
}
