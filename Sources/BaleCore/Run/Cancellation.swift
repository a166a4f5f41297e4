import Synchronization

/// A flag that a job sets when it fails, for the work running beside it
/// (a tree walk on its own thread) to check and stop.
///
/// The runner makes one per job and hands it to the producer: a walk
/// asks `isCancelled` between entries, and one that blocks (pushing into
/// a full queue) is woken by the handlers registered with
/// `whenCancelled`, which the runner calls once, on the thread that
/// cancels. Its state is reachable only under its lock (a `Mutex`).
public final class Cancellation: Sendable {
    private enum State {
        case running([@Sendable () -> Void])
        case cancelled
    }

    private let state = Mutex(State.running([]))

    public init() {}

    /// True once the job failed: stop producing.
    public var isCancelled: Bool {
        state.withLock { if case .cancelled = $0 { return true } else { return false } }
    }

    /// Runs `handler` when the job is cancelled (at once if it already
    /// is): the place to cancel a queue the producer may be blocked on.
    public func whenCancelled(_ handler: @escaping @Sendable () -> Void) {
        let now: Bool = state.withLock { state in
            guard case .running(let handlers) = state else { return true }
            state = .running(handlers + [handler])
            return false
        }
        if now { handler() }
    }

    /// Cancels: sets the flag and runs the handlers (once).
    public func cancel() {
        let handlers: [@Sendable () -> Void] = state.withLock { state in
            guard case .running(let handlers) = state else { return [] }
            state = .cancelled
            return handlers
        }
        for handler in handlers { handler() }
    }
}
