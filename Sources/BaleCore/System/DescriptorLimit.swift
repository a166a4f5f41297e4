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

    /// How many directory descriptors one part that walks down a tree (the
    /// walk, unpack's and `--remove-files`' directory stacks) keeps open at
    /// most: 64, or a quarter of the limit if that is less (at least 2),
    /// so that a low `ulimit -n` leaves the rest of a job (its pipes, its
    /// output, pack's read-ahead) the descriptors it needs. A lower bound
    /// costs only reopening.
    static let directoryShare = max(2, min(64, current / 4))
}
