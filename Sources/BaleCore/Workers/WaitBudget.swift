#if canImport(Glibc)
import Glibc
#endif

/// The time bale waits for a worker's answer (`--worker-timeout`), counted
/// only while bale itself runs.
///
/// A job stopped and continued (Ctrl-Z then `fg`, `kill -STOP`/`-CONT` of
/// its process group, a batch scheduler suspending it) stops its workers
/// with it. Counted on the wall clock, the stop was the workers' silence:
/// on resume every worker was taken for hung and killed, and a second long
/// stop while a replacement held the same chunk made it a "poison chunk"
/// that stopped the whole job (exit 1, the output cut short), though
/// nothing was wrong.
///
/// So the wait is made of slices of at most a quarter of a second (four
/// wake-ups a second of a receiver thread that waits), and a slice that
/// took longer than asked (bale was stopped, or not run at all) counts for
/// what was asked, plus a tenth of a second: the workers were not run
/// either, and a stop costs the budget 0.35 s at most. A worker stopped or hung alone is still caught, for bale
/// runs meanwhile and its slices take their time.
struct WaitBudget {
    /// Seconds of waiting left.
    private var left: Double

    /// The longest slice, and what a slice may take beyond its length
    /// before the rest is taken for a stop.
    private static let slice = 0.25
    private static let grace = 0.1

    init(seconds: Int) { left = Double(seconds) }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Waits until `fd` has input (or its writer went away): true, or
    /// false when the budget runs out first.
    mutating func waitForInput(on fd: Int32) throws(SystemError) -> Bool {
        while true {
            if left <= 0 { return false }
            let slice = min(left, Self.slice)
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let start = Self.now()
            let ready = poll(&poller, 1, Int32((slice * 1000).rounded(.up)))
            let failure = errno
            left -= min(Self.now() - start, slice + Self.grace)
            if ready > 0 { return true }
            if ready < 0 && failure != EINTR { throw SystemError(code: failure, operation: "poll") }
        }
    }
}
