#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on its address space (`ulimit -v`, RLIMIT_AS's
/// soft limit), read once: a batch scheduler's memory limit as Slurm's
/// VSizeFactor or Grid Engine's h_vmem set it. Each process has its own
/// (a worker's is the same number, counted apart), so it bounds what the
/// parent holds for its workers, not their sum.
enum AddressSpaceLimit {
    /// The soft limit in bytes; nil when there is none (RLIM_INFINITY, the
    /// largest rlim_t) or it cannot be read.
    static let current: Int? = {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(min(UInt64(limit.rlim_cur), UInt64(Int.max)))
    }()
}
