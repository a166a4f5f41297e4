#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import CSystem

/// The worker processes of one bale command, started once and kept for
/// all its jobs.
///
/// Workers are processes, not threads: compression is pure CPU work, and
/// a process per core gives each its own heap and its own zlib state, with
/// no lock shared between them; a worker that crashes cannot corrupt the
/// parent's memory. They are the same bale executable started again with
/// `--bale-worker`, so there is nothing extra to install. Starting one
/// costs about 5 ms, so they are started once and fed many chunks. Its
/// lifecycle is reachable only under its lock (a `Mutex` that owns it).
public final class WorkerPool: Sendable {
    /// The executable started for each worker.
    public let executable: String
    /// How many workers the pool runs.
    public let count: Int
    /// The memory the pool's workers share with bale (each maps it at
    /// start, a replacement too, so chunks in flight are still there for
    /// it); nil when the pool has none (every chunk then travels in its frame).
    public let arena: SharedArena?

    private let state = Mutex(State.idle)

    private enum State {
        case idle
        case running([WorkerProcess])
        /// No worker could start: every later job fails with this error,
        /// without trying again.
        case failedToStart(BaleError)
        /// Being ended by `retire`'s thread.
        case retiring(Retirement)
        case shutDown
    }

    /// A pool of `count` workers running `executable`, started on first
    /// use, sharing an arena cut as `arena` says (none if nil, or if the
    /// system cannot make one: then chunks travel in their frames).
    /// `options`: the jobs' sizes, which say what one worker's chunks may
    /// take of the parent's address space (`wouldTakeHalfTheAddressSpace`)
    /// and how many threads the parent runs beside the workers' own
    /// (`leaveRoomForThreads`).
    public init(executable: String, count: Int, arena: SharedArena.Layout? = nil,
                options: PipelineOptions = PipelineOptions()) {
        precondition(count > 0, "a pool needs a worker")
        self.executable = executable
        self.count = count
        self.addressSpacePerWorker = options.addressSpacePerWorker
        // The readers, and the walk, the prefetcher, the collector, a
        // read-ahead, a writer and the workers' retirement: a generous
        // count of what one job runs at most beside the feeders and
        // receivers.
        self.threadsBesideWorkers = options.ioThreads + 6
        self.arena = arena.flatMap { try? SharedArena(layout: $0) }
    }

    /// What workers run unless a caller says otherwise: this very
    /// executable, as /proc/self/exe, the kernel's own link to the file
    /// this process was started from. Started by the path read from that
    /// link, a worker could not start from a directory whose name is not
    /// UTF-8 (decoded, the name was another: "No such file"), nor after an
    /// upgrade removed the file (`install` unlinks and copies): a worker
    /// that died was not replaced and the job failed; and a file put in
    /// its place was started as a worker of the old bale. (Under a test
    /// runner it is the test bundle, so tests pass the built `bale`.)
    public static let currentExecutable = "/proc/self/exe"

    /// `executable` as messages and `ps` name it (a worker's argv[0]): for
    /// /proc/self/exe, the file it stands for.
    private var shownExecutable: String {
        guard executable == Self.currentExecutable else { return executable }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let length = buffer.withUnsafeMutableBytes { readlink(executable, $0.baseAddress!, $0.count - 1) }
        return length > 0 ? TerminalText.name(buffer[0..<length]) : executable
    }

    /// What a worker takes from the parent's descriptors while it starts:
    /// its two pipes, both ends (it keeps one end of each).
    static let descriptorsToStartOne = 4

    /// True when starting one more worker, after `started`, would leave
    /// the workers more than half of the descriptor limit (`ulimit -n`).
    /// Workers started until one failed (EMFILE) left the job none:
    /// `gzip -r -p 64` under `ulimit -n 32` started 11, and then, when the
    /// walk held its directories by then, failed a directory and file
    /// after file ("Too many open files; not compressed", exit 1: a
    /// reading helper). Half is a rule of thumb, not a count of the
    /// job's needs: the walk, unpack's writers and pack's read-ahead
    /// size themselves by what is left, and two workers still start
    /// under the lowest limits the tests hold bale to (14 and up).
    static func wouldTakeHalfTheLimit(after started: Int) -> Bool {
        started > 0 && 2 * started + descriptorsToStartOne > DescriptorLimit.current / 2
    }

    /// The descriptors a job needs beside its workers at the least: a
    /// directory, one inside it and a file (`unpack`'s extractor, one file
    /// at a time; `pack`'s walk and reader, as `DeepFilesLowLimitTests`
    /// hold them to).
    static let descriptorsLeftForTheJob = 3

    /// Stops workers, the last started first, until the job has
    /// `descriptorsLeftForTheJob` spare beside them, keeping one; returns
    /// how many it stopped. The half-the-limit rule counts the workers'
    /// pipes, not what the process already held: under `ulimit -n 14` (or
    /// 15, with a descriptor inherited) two workers started and left
    /// `unpack` one descriptor, and every entry failed ("Too many open
    /// files; not extracted", exit 1), where one worker extracts them all
    /// (a probe helper). Counted only under a low limit.
    private static func leaveDescriptorsForTheJob(_ started: inout [WorkerProcess]) -> Int {
        guard DescriptorLimit.current < 256 else { return 0 }
        var stopped = 0
        while started.count > 1 && DescriptorLimit.spare() < descriptorsLeftForTheJob {
            _ = started.removeLast().shutdown()
            stopped += 1
        }
        return stopped
    }

    /// What one worker's chunks may take of the parent's address space.
    private let addressSpacePerWorker: Int
    /// The threads a job runs beside each worker's feeder and receiver.
    private let threadsBesideWorkers: Int

    /// Stops workers, the last started first, until the threads a job
    /// needs for those left (a feeder and a receiver each, and
    /// `threadsBesideWorkers`) can start beside them, keeping one at
    /// least; returns how many it stopped. Under a limit on tasks the
    /// workers took all of it, and the first thread that could not start
    /// ended the run: `gzip -p 4` in a pids cgroup of 16 said "3 of 4
    /// workers started ...; the work goes on with 3", then "cannot start
    /// a thread", exit 1; `-p 8` under 20 started all 8 and failed alike
    /// (a reading helper). Each worker stopped frees its task and needs
    /// two threads fewer. Probed (`bale_thread_room`), as only the
    /// kernel knows what is left (other processes of the user count
    /// against `ulimit -u`); the threads' stacks are the stages' size.
    private func leaveRoomForThreads(_ started: inout [WorkerProcess]) -> Int {
        var stopped = 0
        while true {
            let needed = 2 * started.count + threadsBesideWorkers
            let room = Int(bale_thread_room(Int32(needed), JoinableThread.stackSize))
            if room >= needed || started.count <= 1 { return stopped }
            // What a stopped worker gives back: itself, and two threads fewer needed.
            let stop = min(started.count - 1, max(1, (needed - room + 2) / 3))
            for worker in started.suffix(stop) { worker.shutdown() }
            started.removeLast(stop)
            stopped += stop
        }
    }

    /// True when starting one more worker, after `started`, would let the
    /// workers' chunks take more than half of the parent's address-space
    /// limit (`ulimit -v`), at `perWorker` bytes each. A buffer that
    /// cannot be allocated is fatal to a Swift program: `gzip -p 64` under
    /// `ulimit -v 100000` (a 64-core node's default) died with "Fatal
    /// error: failed to allocate" and a backtrace, exit 134, where `-p 16`
    /// ran (a reading helper). Half, as for descriptors: the rest is the
    /// job's (its readers' chunks, the runtime, the threads' stacks).
    static func wouldTakeHalfTheAddressSpace(after started: Int, perWorker: Int) -> Bool {
        guard let limit = AddressSpaceLimit.current else { return false }
        return started > 0 && (started + 1) * perWorker > limit / 2
    }

    /// The most of `requested` workers that the two rules above let
    /// start: what the arena is cut for (cut for 64 workers of which two
    /// could start, its slots' address space was asked for in vain).
    static func mostThatFit(_ requested: Int, perWorker: Int) -> Int {
        var count = 1
        while count < requested && !wouldTakeHalfTheLimit(after: count)
                && !wouldTakeHalfTheAddressSpace(after: count, perWorker: perWorker) {
            count += 1
        }
        return min(count, requested)
    }

    /// The workers, starting them if this is the first call, and, that
    /// once, a notice when fewer than `count` could start.
    ///
    /// Fewer: a limit on descriptors (`ulimit -n`: each worker takes its
    /// pipes) or on processes (`ulimit -u`), or memory, that lets some
    /// workers start and not all. The job runs on those that did, and the
    /// notice says why: `-p 8` under `ulimit -n 20`, or a node's many cores
    /// under a modest limit, failed every run, and `gzip` of many files
    /// said the same error once per file. Any other failure to start one,
    /// or none started at all, fails the job, and every later job at once,
    /// without trying again.
    public func workers() throws(BaleError) -> (workers: [WorkerProcess], fewer: String?) {
        try state.withLock { (state) throws(BaleError) -> ([WorkerProcess], String?) in
            switch state {
            case .running(let workers): return (workers, nil)
            case .failedToStart(let error): throw error
            case .shutDown, .retiring: throw BaleError.workerFailed("the worker pool is shut down")
            case .idle:
                // A write to a worker that died must fail with EPIPE, which
                // the feeder reports: the process ignores SIGPIPE, set up
                // once by the executable (`ProcessSignals`), not here.
                var started: [WorkerProcess] = []
                // Why fewer than `count` started, when they did; and whether
                // a limit on tasks stopped them (EAGAIN).
                var fewer: String?
                var tasksRanOut = false
                // As many as the limits' rules let start (the arena was cut
                // for as many: `mostThatFit`), the rule that stopped them said.
                let fitting = Self.mostThatFit(count, perWorker: addressSpacePerWorker)
                if fitting < count {
                    fewer = Self.wouldTakeHalfTheLimit(after: fitting)
                        ? "more would take over half of the descriptor limit, ulimit -n \(DescriptorLimit.current)"
                        : "more would take over half of the address-space limit, ulimit -v \(AddressSpaceLimit.current! >> 10)"
                }
                starting: for _ in 0..<fitting {
                    do { started.append(try WorkerProcess(executable: executable, name: shownExecutable, arena: arena)) } catch {
                        let reason = (error as? SystemError)?.reason ?? "\(error)"
                        if let code = (error as? SystemError)?.code, !started.isEmpty,
                           [EMFILE, ENFILE, EAGAIN, ENOMEM].contains(code) {
                            fewer = "cannot start more: \(reason)"
                            tasksRanOut = code == EAGAIN
                            break starting
                        }
                        for worker in started { worker.shutdown() }
                        // Out of descriptors before the first: the limit is
                        // named, as the cause to mend (a probe helper's
                        // `ulimit -n 12`, where gzip, one process, runs).
                        let limit = (error as? SystemError)?.code == EMFILE
                            ? " (ulimit -n \(DescriptorLimit.current) leaves no room for a worker's pipes)" : ""
                        let failure = BaleError.workerFailed("cannot start \(shownExecutable): \(reason)\(limit)")
                        state = .failedToStart(failure)
                        throw failure
                    }
                }
                // However many started, their threads must fit beside them
                // where a limit on tasks may bite, and the job's own files
                // beside their pipes.
                let stopped = TaskLimit.mayBite || tasksRanOut ? leaveRoomForThreads(&started) : 0
                let stoppedForFiles = Self.leaveDescriptorsForTheJob(&started)
                state = .running(started)
                let kept = started.count
                if stoppedForFiles > 0 {
                    return (started, "\(kept) of \(count) workers kept (ulimit -n \(DescriptorLimit.current) leaves the job "
                            + "too few descriptors for its files beside more); the work goes on with \(kept)")
                }
                switch (fewer, stopped) {
                case (nil, 0):
                    return (started, nil)
                case (let why?, 0):
                    return (started, "\(kept) of \(count) workers started (\(why)); the work goes on with \(kept)")
                case (let why?, _):
                    return (started, "\(kept) of \(count) workers started (\(why); \(stopped) stopped again to leave "
                            + "room for their threads); the work goes on with \(kept)")
                case (nil, _):
                    return (started, "\(kept) of \(count) workers kept (a limit on processes or threads, ulimit -u "
                            + "or a pids cgroup, leaves room for the threads of no more); the work goes on with \(kept)")
                }
            }
        }
    }

    /// Starts a worker in place of `old`, which the caller has ended and
    /// reaped (`WorkerLink` does, when `old` died, hung or broke the
    /// protocol); the pool ends the new one at `shutdown`.
    public func replace(_ old: WorkerProcess) throws(BaleError) -> WorkerProcess {
        let fresh: WorkerProcess
        do { fresh = try WorkerProcess(executable: executable, name: shownExecutable, arena: arena) } catch {
            throw BaleError.workerFailed("cannot start \(shownExecutable) again: \(error.reason)")
        }
        let kept: Bool = state.withLock { state in
            guard case .running(var workers) = state, let index = workers.firstIndex(where: { $0 === old }) else {
                return false
            }
            workers[index] = fresh
            state = .running(workers)
            return true
        }
        if !kept {
            fresh.shutdown()
            throw BaleError.workerFailed("the worker pool is shut down")
        }
        return fresh
    }

    /// Ends every worker and reaps it (or waits for `retire` to have done
    /// so). Returns the workers that did not exit cleanly, with how they ended.
    @discardableResult
    public func shutdown() -> [(pid: pid_t, status: ExitStatus)] {
        let taken: State = state.withLock { state in
            defer { state = .shutDown }
            return state
        }
        switch taken {
        case .running(let workers): return Self.end(workers, arena: nil)
        case .retiring(let retirement): return retirement.failures()
        case .idle, .shutDown, .failedToStart: return []
        }
    }

    /// Ends the workers now, on a thread of its own, for a command whose
    /// last job has ended and that has other work left (an extraction's
    /// directories to finish): their exits and the freeing of the arena's
    /// pages (some 14 ms at the end of `unpack` of the 238 MB `text`
    /// corpus, README "Where the missed rows lose") then overlap that work
    /// instead of following it. `shutdown` waits for the thread and
    /// reports what it found; no job can start after this.
    public func retire() {
        state.withLock { state in
            guard case .running(let workers) = state else { return }
            state = .retiring(Retirement(workers, arena: arena))
        }
    }

    /// The thread that ends the workers for `retire`, and what it found.
    private final class Retirement: Sendable {
        private final class Found: Sendable {
            let failures = Mutex<[(pid: pid_t, status: ExitStatus)]>([])
        }
        private let found = Found()
        private let thread: JoinableThread

        init(_ workers: [WorkerProcess], arena: SharedArena?) {
            let found = found
            thread = JoinableThread(name: "bale-retire") {
                let failures = WorkerPool.end(workers, arena: arena)
                found.failures.withLock { $0 = failures }
            }
        }

        /// Waits for the thread; the workers that did not exit cleanly.
        func failures() -> [(pid: pid_t, status: ExitStatus)] {
            thread.join()
            return found.failures.withLock { $0 }
        }
    }

    /// Ends `workers` and reaps them, then unmaps `arena` if given and no
    /// slot is held; the workers that did not exit cleanly.
    fileprivate static func end(_ workers: [WorkerProcess], arena: SharedArena?) -> [(pid: pid_t, status: ExitStatus)] {
        var failures: [(pid: pid_t, status: ExitStatus)] = []
        // All told first, then reaped: they exit side by side.
        for worker in workers { worker.closeInput() }
        for worker in workers {
            if let status = worker.shutdown(), status != .exited(0) {
                failures.append((worker.process.pid, status))
            }
        }
        arena?.unmapWhenIdle()
        return failures
    }

    deinit { shutdown() }
}
