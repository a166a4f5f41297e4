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

    /// `open()` tried again a little later, a few times (1 to 32 ms,
    /// doubling: at most 63 ms), while it fails for want of a descriptor
    /// (EMFILE, ENFILE): for a part with nothing of its own left to give
    /// up, where another thread holds one for a moment (`pack`'s reading
    /// threads open a file's directory, then the file). The descriptor, or
    /// -1 with errno set.
    static func retryingWhileShort(first: Int32, _ open: () -> Int32) -> Int32 {
        var unbounded = UInt32.max
        return retryingWhileShort(first: first, isShort: { $0 < 0 && (errno == EMFILE || errno == ENFILE) },
                                  budget: &unbounded, open)
    }

    /// The same wait for any outcome: `attempt` tried again (1 to 32 ms
    /// apart, doubling) while `isShort` says its last outcome failed for
    /// want of a descriptor, and while `budget` (microseconds the caller
    /// may still wait, over a whole job; taken from as it waits) lasts.
    /// The last outcome.
    static func retryingWhileShort<Outcome>(first: Outcome, isShort: (Outcome) -> Bool, budget: inout UInt32,
                                            _ attempt: () -> Outcome) -> Outcome {
        var outcome = first
        var pause: UInt32 = 1_000
        while isShort(outcome), pause <= 32_000, budget >= pause {
            usleep(pause)
            budget -= pause
            pause *= 2
            outcome = attempt()
        }
        return outcome
    }

    /// How many more descriptors the process may open now: the limit less
    /// those open, counted in /proc/self/fd (without /proc, by asking
    /// after each number below the limit, up to 4,096; above that, the
    /// limit is taken as plenty). 0 when not even the listing can be
    /// opened.
    static func spare() -> Int {
        if let listing = opendir("/proc/self/fd") {
            defer { closedir(listing) }
            var open = 0
            while let entry = readdir(listing) {
                if entry.pointee.d_name.0 != CChar(UInt8(ascii: ".")) { open += 1 }
            }
            // The listing's own descriptor is closed again.
            return max(0, current - (open - 1))
        }
        if errno == EMFILE || errno == ENFILE { return 0 }
        guard current <= 4_096 else { return current }
        var open = 0
        for fd in 0..<Int32(current) where fcntl(fd, F_GETFD) >= 0 { open += 1 }
        return max(0, current - open)
    }
}
