#if canImport(Glibc)
import Glibc
#endif

/// Seconds added up by several threads (a stage's busy or waiting time).
final class SecondsCounter: @unchecked Sendable {
    private let monitor = Monitor()
    private var total = 0.0
    func add(_ seconds: Double) { monitor.withLock { total += seconds } }
    var seconds: Double { monitor.withLock { total } }
}

/// What one run of bale did, gathered as it goes: files and bytes, the
/// warnings and errors it printed, and where each stage of the pipeline
/// spent its time. `--json`, `--stats` and the progress line read it.
///
/// One per process (`shared`): a command may run many pipelines (one per
/// file for `bale gzip a b c`), and their figures add up. Every field is
/// changed under one lock; the pipeline's threads add to it at most once
/// per chunk, so the lock is never contended enough to matter.
public final class RunSummary: @unchecked Sendable {
    public static let shared = RunSummary()

    /// A warning or an error as printed, with the path it names (the text
    /// before the first ": ", when there is one).
    public struct Message: Sendable {
        public var isError: Bool
        public var path: String?
        public var text: String
    }

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

    private let monitor = Monitor()
    private let start = RunSummary.now()
    private var filesDone = 0
    private var read: Int64 = 0
    private var written: Int64 = 0
    private var progressRead: Int64 = 0
    private var expectedBytes: Int64 = 0
    private var expectedFiles = 0
    private var messageList: [Message] = []
    private var stageFigures = Stages()

    /// Seconds on the monotonic clock.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Seconds since the run began.
    public var elapsed: Double { Self.now() - start }

    /// Adds files done, with the bytes each command counts as read and
    /// written (what `--json` reports; see the README).
    public func addFiles(_ count: Int) { monitor.withLock { filesDone += count } }
    public func addBytes(read: Int64, written: Int64) {
        monitor.withLock {
            self.read += read
            self.written += written
        }
    }
    /// Input bytes through the pipeline so far, as the collector writes
    /// their results (the progress line's count).
    func addProgress(read: Int64) { monitor.withLock { progressRead += read } }
    public var progress: Int64 { monitor.withLock { progressRead } }

    /// What the run expects to read (for the progress line): the walk adds
    /// as it finds files.
    public func expect(bytes: Int64, files: Int) {
        monitor.withLock {
            expectedBytes += bytes
            expectedFiles += files
        }
    }

    func record(_ text: String, isError: Bool) {
        let bytes = Array(text.utf8)
        let colon = bytes.indices.dropLast().first { bytes[$0] == UInt8(ascii: ":") && bytes[$0 + 1] == UInt8(ascii: " ") }
        let path = colon.map { String(decoding: bytes[..<$0], as: UTF8.self) }
        monitor.withLock { messageList.append(Message(isError: isError, path: path, text: text)) }
    }

    func addStages(_ body: (inout Stages) -> Void) { monitor.withLock { body(&stageFigures) } }

    public var files: Int { monitor.withLock { filesDone } }
    public var bytesRead: Int64 { monitor.withLock { read } }
    public var bytesWritten: Int64 { monitor.withLock { written } }
    public var expected: (bytes: Int64, files: Int) { monitor.withLock { (expectedBytes, expectedFiles) } }
    public var messages: [Message] { monitor.withLock { messageList } }
    public var stages: Stages { monitor.withLock { stageFigures } }
}
