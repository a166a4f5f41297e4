import Synchronization

/// Holds the first error any stage of a job reports, and tells every
/// stage to stop.
///
/// Stages do not unwind each other: each checks `hasFailed` at its next
/// step, and the blocking structures are cancelled so that no thread stays
/// asleep waiting for a stage that has stopped. Its state is reachable
/// only under its lock (a `Mutex` that owns it).
final class FailureLatch: Sendable {
    private struct State {
        var error: BaleError?
        var onFailure: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    /// Adds an action run once, on the first failure (e.g. cancel a queue).
    func whenFailed(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.onFailure.append(action) }
    }

    /// Records `error` if it is the first, and runs the failure actions.
    func fail(_ error: BaleError) {
        let actions: [@Sendable () -> Void] = state.withLock { state in
            guard state.error == nil else { return [] }
            state.error = error
            return state.onFailure
        }
        for action in actions { action() }
    }

    var hasFailed: Bool { state.withLock { $0.error != nil } }
    var firstError: BaleError? { state.withLock { $0.error } }
}
