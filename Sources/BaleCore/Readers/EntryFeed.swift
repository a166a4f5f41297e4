/// The entries of a pack as the walk finds them.
///
/// Listing a tree of 100,000 files (an lstat each) took half a second
/// on one core, during which the other core had nothing to do when the
/// pack waited for the whole list. Now the walker thread appends entries
/// in batches as it finds them, and the tar stream starts from the first
/// ones: the cutter and the read-ahead threads read entries by index,
/// waiting only for one not found yet. The archive is the same bytes —
/// the order is the walk's either way.
///
/// `cancel` ends every wait (the job failed): readers then see the feed
/// as ended, and the walker stops at its next batch.
/// `@unchecked Sendable`: `entries`, `walked` and `cancelled` are read and
/// written only under `monitor`.
final class EntryFeed: @unchecked Sendable {
    /// What is known of one index without waiting.
    enum Peek {
        /// The entry at that index.
        case entry(PackEntry)
        /// The walk has not reached it yet.
        case notYet
        /// The walk ended (or was cancelled) before it.
        case end
    }

    private let monitor = Monitor()
    private let grew: Monitor.Condition
    private var entries: [PackEntry] = []
    private var walked = false
    private var cancelled = false

    init() { grew = monitor.makeCondition() }

    /// Adds the next entries found; false once the feed is cancelled (stop walking).
    func append(_ batch: [PackEntry]) -> Bool {
        monitor.withLock {
            entries += batch
            grew.broadcast()
            return !cancelled
        }
    }

    /// The walk is over: there are no more entries.
    func finish() {
        monitor.withLock {
            walked = true
            grew.broadcast()
        }
    }

    /// Ends every wait and tells the walker to stop.
    func cancel() {
        monitor.withLock {
            cancelled = true
            grew.broadcast()
        }
    }

    /// The entry at `index` if it is known, without waiting.
    func peek(_ index: Int) -> Peek {
        monitor.withLock { peekLocked(index) }
    }

    /// The entry at `index`, waiting until the walk reaches it; nil when
    /// the walk ended (or was cancelled) before it.
    func entry(at index: Int) -> PackEntry? {
        monitor.withLock {
            while true {
                switch peekLocked(index) {
                case .entry(let entry): return entry
                case .end: return nil
                case .notYet: monitor.wait(grew)
                }
            }
        }
    }

    /// Every entry, once the walk is over.
    var all: [PackEntry] { monitor.withLock { entries } }

    private func peekLocked(_ index: Int) -> Peek {
        if index < entries.count { return .entry(entries[index]) }
        return walked || cancelled ? .end : .notYet
    }
}
