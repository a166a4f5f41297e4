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
///
/// Nor is a worker's wait for a CPU its silence. On a machine with more
/// work than cores (other jobs on a shared batch node, a container's CPU
/// quota below the cores bale sees, `nice`), a worker that is ready to
/// run may get a sliver of a core: with a busy loop beside it on its core
/// and bale under `nice 19`, a chunk of 35 ms of CPU took 2.4 s, and two
/// workers killed in turn as hung made it a poison chunk (exit 1, nothing
/// wrong). So, given the worker's pid, the wait counts less the time the
/// kernel kept the worker waiting for a CPU meanwhile (its run-queue
/// delay, the second field of /proc/PID/schedstat; a CPU quota's
/// throttling counts there too: a busy loop under a quota of a tenth of
/// a CPU gained 1.8 s of it in 2 s). What counts is the time the
/// worker ran or slept: one that loops without answering, or waits on
/// something that never comes, is caught as before (on a loaded machine,
/// once it has had the timeout's worth of time). Read after each
/// slice that timed out, so a worker that answers in time costs no read;
/// the first slice of a wait, with nothing to compare, counts whole (a
/// quarter of a second at most). The delay is taken off the whole wait,
/// not slice by slice: the kernel adds a wait for a CPU to the figure
/// only once the worker runs (a worker under `nice 19` beside a busy
/// loop showed the same figure for half a second, then 0.5 s more), so a
/// slice may show another slice's delay. Without /proc (or the kernel's
/// schedstat), every slice counts whole, as before.
///
/// Nor is a worker's wait for its storage its silence. `sum` of a 280 MB
/// file on storage giving 1 MB/s (a throttled volume, NFS, a USB disk)
/// takes 280 s, as sha256sum takes it; bale gave its worker 120 s, killed
/// it and its replacement as hung, and stopped: the file and every file
/// after it not hashed, exit 1 (a probe helper, reads throttled by a
/// cgroup). So a slice after which the worker had read more than before
/// (/proc/PID/io: the bytes its reads returned, `rchar`, and those it had
/// fetched from storage, `read_bytes`), or at whose end it waits for its
/// storage (state D in /proc/PID/stat: a page of a file it maps, which
/// no read counts, on its way in), starts the wait again: what is timed
/// is the worker's silence without progress. A worker that loops or
/// waits on something that never comes reads nothing, and is caught as
/// before; one that reads forever (a file a writer grows as fast), or
/// waits on storage that never answers (a dead NFS server: a kill could
/// not end that wait either), is waited for, as sha256sum waits. Without
/// /proc/PID/io (a kernel without I/O accounting), only the waits for
/// storage are seen.
struct WaitBudget {
    /// Seconds of waiting allowed.
    private let seconds: Double
    /// Seconds waited so far (slices as counted: a stop at most 0.35 s).
    private var waited = 0.0
    /// The worker waited for, whose run-queue delay is not its silence.
    private let worker: pid_t?
    /// Its run-queue delay (nanoseconds) at the end of the first slice
    /// that timed out, and at the end of the last.
    private var delays: (first: UInt64, last: UInt64)?
    /// Its bytes read (`ioProgress`) at the end of the last slice that timed out.
    private var progress: UInt64?

    /// Seconds of waiting left: the allowance, less the time waited, plus
    /// the worker's wait for a CPU since the first reading.
    private var left: Double {
        let excused = delays.map { Double($0.last &- $0.first) / 1e9 } ?? 0
        return seconds - max(0, waited - excused)
    }

    /// The longest slice, and what a slice may take beyond its length
    /// before the rest is taken for a stop.
    private static let slice = 0.25
    private static let grace = 0.1

    /// A budget of `seconds`; `worker`: the process waited for, whose
    /// waits for a CPU are not counted.
    init(seconds: Int, worker: pid_t? = nil) {
        self.seconds = Double(seconds)
        self.worker = worker
    }

    /// The first `capacity` bytes of /proc/`pid`/`name`; nil when it
    /// cannot be read (no /proc, the process gone, a kernel without it).
    private static func procFile(_ pid: pid_t, _ name: String, capacity: Int) -> ArraySlice<UInt8>? {
        let fd = open("/proc/\(pid)/\(name)", O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { _ = close(fd) }
        var text = [UInt8](repeating: 0, count: capacity)
        let n = text.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        return n > 0 ? text[..<n] : nil
    }

    /// Nanoseconds `pid` has spent ready to run but kept waiting for a CPU
    /// (/proc/PID/schedstat: time on a CPU, time waiting on a run queue,
    /// time slices); nil when that cannot be read.
    static func runQueueDelay(of pid: pid_t) -> UInt64? {
        guard let text = procFile(pid, "schedstat", capacity: 96) else { return nil }
        let fields = text.split(whereSeparator: { $0 == 0x20 || $0 == 0x0a })
        guard fields.count >= 2 else { return nil }
        var delay: UInt64 = 0
        for digit in fields[1] {
            guard digit >= 0x30, digit <= 0x39 else { return nil }
            let (times, o1) = delay.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(digit - 0x30))
            guard !o1, !o2 else { return nil }
            delay = sum
        }
        return delay
    }

    /// The bytes `pid` has read so far: what its reads returned (`rchar`)
    /// and what it had fetched from storage (`read_bytes`: the pages of a
    /// file it maps), from /proc/PID/io; nil when that cannot be read.
    static func ioProgress(of pid: pid_t) -> UInt64? {
        guard let text = procFile(pid, "io", capacity: 512) else { return nil }
        var total: UInt64 = 0
        var found = 0
        for line in text.split(separator: 0x0a) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = line[..<colon]
            guard key.elementsEqual("rchar".utf8) || key.elementsEqual("read_bytes".utf8) else { continue }
            var value: UInt64 = 0
            for digit in line[(colon + 1)...] where digit != 0x20 {
                guard digit >= 0x30, digit <= 0x39 else { return nil }
                value = value &* 10 &+ UInt64(digit - 0x30)
            }
            total = total &+ value
            found += 1
        }
        return found > 0 ? total : nil
    }

    /// True when `pid` is in an uninterruptible wait (state D in
    /// /proc/PID/stat), as a process is while a page of a file it reads
    /// or maps comes from storage.
    static func waitsForStorage(_ pid: pid_t) -> Bool {
        // "PID (COMMAND) STATE ...": the command may hold parentheses, the state follows the last.
        guard let text = procFile(pid, "stat", capacity: 512),
              let close = text.lastIndex(of: UInt8(ascii: ")")), close + 2 < text.endIndex else { return false }
        return text[close + 2] == UInt8(ascii: "D")
    }

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
            waited += min(Self.now() - start, slice + Self.grace)
            if ready == 0, let worker {
                // A slice passed without an answer, and the worker read
                // meanwhile, or waits for its storage: it is working, the
                // wait starts again.
                let read = Self.ioProgress(of: worker)
                if (read != nil && progress != nil && read != progress) || Self.waitsForStorage(worker) {
                    waited = 0
                    delays = nil
                }
                progress = read
            }
            if ready == 0, let worker, let delay = Self.runQueueDelay(of: worker) {
                // A slice passed without an answer: the worker's wait for a CPU so far is excused.
                delays = (delays?.first ?? delay, max(delays?.last ?? delay, delay))
            }
            if ready > 0 { return true }
            if ready < 0 && failure != EINTR { throw SystemError(code: failure, operation: "poll") }
        }
    }
}
