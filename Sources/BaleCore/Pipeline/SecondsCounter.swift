import Synchronization

/// Seconds added up by several threads (a stage's busy or waiting time),
/// for `--stats`. The total is reachable only under its lock (a `Mutex`
/// that owns it), which is why it is safe to share.
final class SecondsCounter: Sendable {
    private let total = Mutex(0.0)
    func add(_ seconds: Double) { total.withLock { $0 += seconds } }
    var seconds: Double { total.withLock { $0 } }
}
