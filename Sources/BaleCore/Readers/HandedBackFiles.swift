/// The files workers handed back unhashed (`bale sum`), on their way from
/// the printer back to the batch cutter: the one path in bale where a
/// stage downstream gives work back upstream.
///
/// Why it exists: the walk of `sum` lists regular files without their
/// sizes (`TreeWalkPolicy.typesFromListing`: a `fstatat` per file was ~40%
/// of the walk), so `PathBatchCutter` cuts those batches by count alone,
/// and only the worker learns their sizes, when it opens them. A worker
/// given a large file in a batch, or more bytes than a batch should hold,
/// gives those files back (`FileBatchHasher`); the printer, which reads
/// the answers in order, hands them here (`settle`), and the cutter sends
/// them again before anything else (`takeWaiting`), now sized when they
/// were opened: large ones alone or paired on their own workers, as
/// listed large files always were.
///
/// The cutter must not end the job while a batch that may still give
/// files back is out: each one is counted when it is sent (`batchSent`)
/// and when its answer is read (`settle`), and the cutter, out of files,
/// waits for the last of them (`awaitMore`). A failed job cancels it.
final class HandedBackFiles: @unchecked Sendable {  // state only under `monitor`
    private let monitor = Monitor()
    private let changed: Monitor.Condition
    private struct State {
        /// Given back and not yet taken by the cutter, in the order given.
        var files: [SumItem] = []
        /// Batches sent that may give files back, whose answers are unread.
        var unsettled = 0
        var isCancelled = false
    }
    private var state = State()

    init() { changed = monitor.makeCondition() }

    /// A batch that may give files back (`SumItem.mayBeHandedBack`) was sent.
    func batchSent() { monitor.withLock { state.unsettled += 1 } }

    /// The answer to such a batch was read: `files` come back (none, mostly).
    func settle(givingBack files: [SumItem]) {
        monitor.withLock {
            state.files += files
            state.unsettled -= 1
            changed.broadcast()
        }
    }

    /// The files given back so far, taken (none: empty), without waiting.
    func takeWaiting() -> [SumItem] {
        monitor.withLock {
            defer { state.files = [] }
            return state.files
        }
    }

    /// The files given back, once there are some; nil once no batch out
    /// can give any (or the job was cancelled).
    func awaitMore() -> [SumItem]? {
        monitor.withLock {
            while state.files.isEmpty && state.unsettled > 0 && !state.isCancelled { monitor.wait(changed) }
            guard !state.files.isEmpty && !state.isCancelled else { return nil }
            defer { state.files = [] }
            return state.files
        }
    }

    /// The job stopped: a cutter waiting (`awaitMore`) ends.
    func cancel() {
        monitor.withLock {
            state.isCancelled = true
            changed.broadcast()
        }
    }
}
