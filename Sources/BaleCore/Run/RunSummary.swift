#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The figures of one run of bale, gathered as it goes: files and bytes,
/// and where each stage of the pipeline spent its time. `--json`,
/// `--stats` and the progress line read it; the diagnostics are the
/// `RunContext`'s, which holds this.
///
/// One per run (`RunContext.summary`): a command may run many pipelines
/// (one per file for `bale gzip a b c`), and their figures add up. Every
/// figure is reachable only under one lock (a `Mutex` that owns them,
/// which is why it is safe to share); the pipeline's threads add to it
/// at most once per chunk, so the lock is never contended enough to
/// matter.
public final class RunSummary: Sendable {

    /// The time one pipeline stage spent, in seconds, summed over jobs.
    public struct Stages: Sendable {
        /// Wall time of the pipelines (the parts of the run that compress,
        /// inflate or hash).
        public var seconds = 0.0
        public var readerThreads = 0
        /// Reader threads' time reading (summed over threads).
        public var readersBusy = 0.0
        /// Reader threads' time waiting for room in the full queue.
        public var readersWaiting = 0.0
        /// Feeder threads' time waiting on an empty queue: workers starved.
        public var workersWaiting = 0.0
        /// Each worker slot's busy time, as the workers report it.
        public var workerBusy: [Double] = []
        /// The collector's time writing the output.
        public var collectorWriting = 0.0
    }

    private struct Figures {
        var filesDone = 0
        var read: Int64 = 0
        var written: Int64 = 0
        var progressRead: Int64 = 0
        var expectedBytes: Int64 = 0
        var expectedFiles = 0
        var isWatched = false
        var stages = Stages()
    }

    private let figures = Mutex(Figures())
    private let start = RunSummary.now()

    /// Seconds on the monotonic clock.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Seconds since the run began.
    public var elapsed: Double { Self.now() - start }

    public init() {}

    /// Adds files done, with the bytes each command counts as read and
    /// written (what `--json` reports; see the README).
    public func addFiles(_ count: Int) { figures.withLock { $0.filesDone += count } }
    public func addBytes(read: Int64, written: Int64) {
        figures.withLock {
            $0.read += read
            $0.written += written
        }
    }
    /// Input bytes through the pipeline so far, as the collector writes
    /// their results (the progress line's count).
    func addProgress(read: Int64) { figures.withLock { $0.progressRead += read } }
    public var progress: Int64 { figures.withLock { $0.progressRead } }

    /// What the run expects to read (for the progress line): the walk adds
    /// as it finds files.
    public func expect(bytes: Int64, files: Int) {
        figures.withLock {
            $0.expectedBytes += bytes
            $0.expectedFiles += files
        }
    }

    /// Whether a progress line is drawn from these figures (`Progress`
    /// says so when it starts): its total is the bytes the walk found, so
    /// `sum`'s walk then stats every file it lists, where it otherwise
    /// leaves the sizes to the workers (`TreeWalkPolicy.typesFromListing`).
    public var isWatched: Bool { figures.withLock { $0.isWatched } }
    func markWatched() { figures.withLock { $0.isWatched = true } }

    func addStages(_ body: (inout Stages) -> Void) { figures.withLock { body(&$0.stages) } }

    public var files: Int { figures.withLock { $0.filesDone } }
    public var bytesRead: Int64 { figures.withLock { $0.read } }
    public var bytesWritten: Int64 { figures.withLock { $0.written } }
    public var expected: (bytes: Int64, files: Int) { figures.withLock { ($0.expectedBytes, $0.expectedFiles) } }
    public var stages: Stages { figures.withLock { $0.stages } }
}
