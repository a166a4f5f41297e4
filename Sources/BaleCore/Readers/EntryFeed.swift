import DequeModule

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
/// Memory: an entry (header, names, source path) is about 0.7 KiB, so a
/// list kept whole grows with the tree (100,000 files: ~70 MiB, beyond
/// the reorder window's bound). Unless the command needs every entry at
/// the end (`keepsEveryEntry`: `pack --remove-files` removes the sources
/// the list names), an entry is dropped once both of its readers have
/// passed it: the stream (`TarChunkCutter`) and the read-ahead
/// (`FilePrefetcher`), each telling its place with `passed(_:by:)`; and
/// the walk, which lists far faster than the stream packs, waits while it
/// is `walkAhead` entries ahead of them, as readers wait on a full queue
/// (16,384 by default, ~12 MiB: at 4,096 a pack of 100,000 files ran ~10%
/// slower, the walk then on its critical path), or while the entries it
/// holds take `walkAheadBytes` (`PackEntry.heldBytes`: their names, link
/// targets and attributes). A count alone bounds nothing when entries are
/// large: a chain of directories 20,000 deep has names of up to 40 KB,
/// and 16,384 such entries held 553 MiB (GNU tar takes 365 MB for it).
/// The progress line's total then grows as the walk goes.
///
/// `cancel` ends every wait (the job failed): readers then see the feed
/// as ended, and the walker stops at its next batch.
/// `@unchecked Sendable`: `entries`, `dropped`, `places` and `walk` are
/// read and written only under `monitor`.
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

    /// The two that read the feed by index, each in order.
    enum Reader: CaseIterable {
        /// The tar stream (`TarChunkCutter`).
        case stream
        /// The read-ahead threads (`FilePrefetcher`).
        case readAhead
    }

    private let monitor = Monitor()
    private let grew: Monitor.Condition
    /// The entries not dropped: index `dropped` first.
    private var entries: Deque<PackEntry> = []
    private var dropped = 0
    /// Each reader's place: it reads no index below it again.
    private var places: [Reader: Int] = [.stream: 0, .readAhead: 0]
    /// The walk's course: still walking; walked (no more entries); or
    /// cancelled (every wait ends, the walker stops), which the walk's
    /// end does not undo.
    private enum Walk { case walking, walked, cancelled }
    private var walk = Walk.walking
    private let keepsEveryEntry: Bool

    private let walkAhead: Int
    private let walkAheadBytes: Int
    /// What the entries held take (`PackEntry.heldBytes`).
    private var heldBytes = 0
    /// The walker waits for room (`append`): woken once the feed is below
    /// three quarters of its bounds (`hasRoomAgain`), not at every entry
    /// dropped.
    private var walkerWaits = false
    private let shrank: Monitor.Condition

    /// With `keepsEveryEntry`, `all` gives every entry at the end;
    /// otherwise entries both readers passed are dropped, and the walk
    /// waits while `walkAhead` entries, or `walkAheadBytes` of them, are
    /// held (16 MiB: 16,384 entries of ~1 KiB, the names of a tree ~8 deep;
    /// the bench's trees hold ~4 MiB at the count's bound).
    init(keepsEveryEntry: Bool = true, walkAhead: Int = 16_384, walkAheadBytes: Int = 16 << 20) {
        self.keepsEveryEntry = keepsEveryEntry
        self.walkAhead = walkAhead
        self.walkAheadBytes = walkAheadBytes
        grew = monitor.makeCondition()
        shrank = monitor.makeCondition()
    }

    /// Adds the next entries found (first waiting, without
    /// `keepsEveryEntry`, while `walkAhead` are held); false once the feed
    /// is cancelled (stop walking).
    func append(_ batch: [PackEntry]) -> Bool {
        monitor.withLock {
            // Never waits on an empty feed: one batch larger than the
            // bound goes in, alone. A full feed is let fall to three
            // quarters of its bounds before the walk goes on: woken at
            // every entry dropped, the walker took a futex wake-up and a
            // context switch per file, and appended a batch that filled
            // the feed again (a tree of 100,000 small files: ~2% of the
            // pack's CPU, on the cores the workers compress on).
            if !keepsEveryEntry && !entries.isEmpty && (entries.count >= walkAhead || heldBytes >= walkAheadBytes) {
                walkerWaits = true
                while !entries.isEmpty && !hasRoomAgain && walk != .cancelled { monitor.wait(shrank) }
                walkerWaits = false
            }
            entries.append(contentsOf: batch)
            if !keepsEveryEntry { heldBytes += batch.reduce(0) { $0 + $1.heldBytes } }
            grew.broadcast()
            return walk != .cancelled
        }
    }

    /// `reader` will read no entry below `index` again: without
    /// `keepsEveryEntry`, those both readers passed are dropped.
    func passed(_ index: Int, by reader: Reader) {
        monitor.withLock {
            places[reader] = max(places[reader] ?? 0, index)
            guard !keepsEveryEntry else { return }
            let below = min(places.values.min() ?? 0, dropped + entries.count)
            if below > dropped {
                for index in 0..<(below - dropped) { heldBytes -= entries[index].heldBytes }
                entries.removeFirst(below - dropped)
                dropped = below
                if walkerWaits && hasRoomAgain { shrank.broadcast() }
            }
        }
    }

    /// The walk is over: there are no more entries.
    func finish() {
        monitor.withLock {
            if walk == .walking { walk = .walked }
            grew.broadcast()
        }
    }

    /// Ends every wait and tells the walker to stop.
    func cancel() {
        monitor.withLock {
            walk = .cancelled
            grew.broadcast()
            shrank.broadcast()
        }
    }

    /// Waits until the walk has found entry `index` (which may have been
    /// read and dropped since), or ended, or the feed was cancelled.
    func waitForWalk(to index: Int) {
        monitor.withLock {
            while index >= dropped + entries.count && walk == .walking { monitor.wait(grew) }
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

    /// Every entry, once the walk is over (made with `keepsEveryEntry`).
    var all: [PackEntry] {
        monitor.withLock {
            precondition(keepsEveryEntry && dropped == 0, "the feed drops entries as they are read")
            return Array(entries)
        }
    }

    /// The feed is below three quarters of both bounds (strictly below
    /// them whatever they are): a waiting walker goes on.
    private var hasRoomAgain: Bool {
        entries.count < walkAhead - walkAhead / 4 && heldBytes < walkAheadBytes - walkAheadBytes / 4
    }

    private func peekLocked(_ index: Int) -> Peek {
        // A reader reads at or past its own place, never below both.
        precondition(index >= dropped, "entry \(index) was read after both readers passed it")
        if index - dropped < entries.count { return .entry(entries[index - dropped]) }
        return walk == .walking ? .notYet : .end
    }
}
