/// Puts results that arrive in any order back in sequence order, holding
/// at most `window` chunks between the oldest unwritten one and the newest
/// admitted one.
///
/// Workers finish chunks out of order (a chunk of text deflates slower than
/// a chunk of zeros), so results wait here until every earlier one is
/// written. The bound is enforced where chunks enter the pipeline, not
/// here: a reader may start chunk n only when n < next + window, where
/// `next` is the oldest chunk not yet written (`admit`). Blocking at the
/// entrance cannot deadlock: chunk `next` is always already admitted, so
/// the collector can always make progress. Blocking at the exit could:
/// a worker holding chunk `next` behind a later one would wait forever.
///
/// So the window bounds every chunk anywhere in the job: being read,
/// queued, in a pipe, in a worker, or waiting here.
public final class ReorderBuffer<Context: Sendable>: @unchecked Sendable {  // state only under `monitor`
    /// The most chunks admitted and not yet written.
    public let window: Int

    private let monitor = Monitor()
    private let advanced: Monitor.Condition
    private var waiting: [UInt64: ChunkResult<Context>] = [:]
    private var next: UInt64 = 0
    private var cancelled = false

    public init(window: Int) {
        precondition(window > 0)
        self.window = window
        advanced = monitor.makeCondition()
    }

    /// Blocks until chunk `sequence` may enter the pipeline. Returns false
    /// if the job was cancelled meanwhile.
    public func admit(_ sequence: UInt64) -> Bool {
        monitor.withLock {
            while !cancelled && sequence >= next + UInt64(window) {
                monitor.wait(advanced)
            }
            return !cancelled
        }
    }

    /// Files a finished result until its turn comes.
    public func insert(_ result: ChunkResult<Context>) {
        monitor.withLock {
            precondition(result.sequence >= next && waiting[result.sequence] == nil,
                         "chunk \(result.sequence) delivered twice")
            waiting[result.sequence] = result
        }
    }

    /// The next result in sequence order, if it has arrived; taking it
    /// moves the window on and lets readers admit another chunk.
    public func popNext() -> ChunkResult<Context>? {
        monitor.withLock {
            guard let result = waiting.removeValue(forKey: next) else { return nil }
            next += 1
            advanced.broadcast()
            return result
        }
    }

    /// How many results are waiting for their turn.
    public var waitingCount: Int { monitor.withLock { waiting.count } }

    /// Wakes every thread blocked in `admit`, which then returns false.
    public func cancel() {
        monitor.withLock {
            cancelled = true
            advanced.broadcast()
        }
    }
}
