import Synchronization

/// A flag that says a job has failed and its stages should stop: set once
/// (by whoever sees the failure first), read between steps by the long
/// loops that feed the job (the tree walk checks it between entries).
///
/// A class, so every stage given it sees the same flag; the flag is an
/// atomic, so no lock and no `@unchecked` is needed.
public final class Cancellation: Sendable {
    private let cancelled = Atomic<Bool>(false)

    public init() {}

    /// Asks every stage that checks this flag to stop.
    public func cancel() { cancelled.store(true, ordering: .releasing) }

    /// True once `cancel` was called.
    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }
}
