/// Holds the first error any stage of a job reports, and tells every
/// stage to stop.
///
/// Stages do not unwind each other: each checks `hasFailed` at its next
/// step, and the blocking structures are cancelled so that no thread stays
/// asleep waiting for a stage that has stopped.
final class FailureLatch: @unchecked Sendable {
    private let monitor = Monitor()
    private var error: BaleError?
    private var onFailure: [@Sendable () -> Void] = []

    /// Adds an action run once, on the first failure (e.g. cancel a queue).
    func whenFailed(_ action: @escaping @Sendable () -> Void) {
        monitor.withLock { onFailure.append(action) }
    }

    /// Records `error` if it is the first, and runs the failure actions.
    func fail(_ error: BaleError) {
        let actions: [@Sendable () -> Void] = monitor.withLock {
            guard self.error == nil else { return [] }
            self.error = error
            return onFailure
        }
        for action in actions { action() }
    }

    var hasFailed: Bool { monitor.withLock { error != nil } }
    var firstError: BaleError? { monitor.withLock { error } }
}
