import DequeModule

/// A first-in first-out queue of fixed capacity whose `push` blocks while it
/// is full and whose `pop` blocks while it is empty.
///
/// This queue sits between the reader threads and the worker processes and
/// is bale's memory bound: readers cannot run further ahead of the workers
/// than `capacity` chunks, however fast the disk is. Many threads may push
/// and pop at once.
///
/// Its end has two forms: `close()` says no more will be pushed, and
/// consumers drain what is left before `pop` returns nil; `cancel()` drops
/// everything and wakes every waiter at once (used when the job fails).
public final class BoundedQueue<Element>: @unchecked Sendable {  // state only under `monitor`
    /// The most elements the queue holds.
    public let capacity: Int

    private let monitor = Monitor()
    private let notFull: Monitor.Condition
    private let notEmpty: Monitor.Condition
    private var items: Deque<Element> = []
    private var state = State.open
    private var pushWait = 0.0
    private var popWait = 0.0

    private enum State { case open, closed, cancelled }

    public init(capacity: Int) {
        precondition(capacity > 0, "a bounded queue needs room for one element")
        self.capacity = capacity
        notFull = monitor.makeCondition()
        notEmpty = monitor.makeCondition()
    }

    /// Adds `element`, waiting while the queue is full.
    /// Returns false, without adding it, once the queue is closed or cancelled.
    @discardableResult
    public func push(_ element: Element) -> Bool {
        monitor.withLock {
            if state == .open && items.count >= capacity {
                let since = RunSummary.now()
                while state == .open && items.count >= capacity { monitor.wait(notFull) }
                pushWait += RunSummary.now() - since
            }
            guard state == .open else { return false }
            items.append(element)
            notEmpty.signal()
            return true
        }
    }

    /// Takes the oldest element, waiting while the queue is empty.
    /// Returns nil once the queue is closed and drained, or cancelled.
    public func pop() -> Element? {
        monitor.withLock {
            if state == .open && items.isEmpty {
                let since = RunSummary.now()
                while state == .open && items.isEmpty { monitor.wait(notEmpty) }
                popWait += RunSummary.now() - since
            }
            guard state != .cancelled, let first = items.popFirst() else { return nil }
            notFull.signal()
            return first
        }
    }

    /// No more pushes: consumers get what is queued, then nil.
    public func close() {
        monitor.withLock {
            if state == .open { state = .closed }
            notEmpty.broadcast()
            notFull.broadcast()
        }
    }

    /// Drops every queued element and wakes every waiting thread.
    public func cancel() {
        monitor.withLock {
            state = .cancelled
            items.removeAll()
            notEmpty.broadcast()
            notFull.broadcast()
        }
    }

    /// Seconds producers spent waiting for room, and consumers for an
    /// element, summed over threads (for `--stats`).
    public var waits: (push: Double, pop: Double) { monitor.withLock { (pushWait, popWait) } }

    /// How many elements are queued now.
    public var count: Int { monitor.withLock { items.count } }
}
