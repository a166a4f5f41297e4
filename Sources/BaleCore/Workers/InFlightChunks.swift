/// The chunks one worker holds, in the order they were sent to it.
///
/// A worker answers its chunks in the order it got them, so the first
/// chunk here is the one the next result must be for, and the one the
/// worker was working on if it dies. The chunks keep their bytes until
/// their result is in: when a worker dies, its link starts another and
/// sends it everything listed here again, in the same order.
///
/// At most `capacity` chunks are listed, and nothing beside long work
/// (`Chunk.isLongWork`). The feeder waits for room before it takes a chunk
/// from the queue (a chunk it held while waiting could have gone to an
/// idle worker) and before it takes its send lock (so it never sleeps holding it), then appends and
/// sends under that lock; the receiver removes a chunk when its result is in.
final class InFlightChunks<Context: Sendable>: @unchecked Sendable {  // state only under `monitor`
    private let monitor = Monitor()
    private let changed: Monitor.Condition
    private var chunks: [Chunk<Context>] = []
    private let capacity: Int
    /// Open; closed (nothing more is appended: the feeder is done); or
    /// cancelled (nothing more is appended or waited for), which a close
    /// does not undo.
    private enum State { case open, closed, cancelled }
    private var state = State.open

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        changed = monitor.makeCondition()
    }

    /// Waits until a chunk can be appended: fewer than `capacity` listed,
    /// none of them long work (`Chunk.isLongWork`: the worker is then
    /// busy for long, and the next chunk had better go to another worker);
    /// false once cancelled.
    func waitForRoom() -> Bool {
        monitor.withLock {
            while !hasRoomLocked && state != .cancelled { monitor.wait(changed) }
            return state != .cancelled
        }
    }

    /// Whether a chunk could be appended now (see `waitForRoom`).
    var hasRoom: Bool { monitor.withLock { hasRoomLocked } }

    private var hasRoomLocked: Bool {
        chunks.count < capacity && !chunks.contains(where: \.isLongWork)
    }

    /// Lists `chunk` as sent (after `waitForRoom`).
    func append(_ chunk: Chunk<Context>) {
        monitor.withLock {
            chunks.append(chunk)
            changed.broadcast()
        }
    }

    /// Waits for the oldest chunk; nil when the list was closed and is
    /// empty, or was cancelled.
    func first() -> Chunk<Context>? {
        monitor.withLock {
            while chunks.isEmpty && state == .open { monitor.wait(changed) }
            return state == .cancelled ? nil : chunks.first
        }
    }

    /// Forgets the oldest chunk: its result is in.
    func removeFirst() {
        monitor.withLock {
            if !chunks.isEmpty { chunks.removeFirst() }
            changed.broadcast()
        }
    }

    /// Every chunk listed, oldest first (to send to a new worker).
    var all: [Chunk<Context>] { monitor.withLock { chunks } }

    /// No more chunks will be appended.
    func close() {
        monitor.withLock {
            if state == .open { state = .closed }
            changed.broadcast()
        }
    }

    /// Stops both sides: nothing more is appended or waited for.
    func cancel() {
        monitor.withLock {
            state = .cancelled
            chunks = []
            changed.broadcast()
        }
    }
}
