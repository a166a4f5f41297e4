/// Seconds added up by several threads (a stage's busy or waiting time),
/// for `--stats`. The total is touched only under `monitor`, which is why
/// it is safe to share.
final class SecondsCounter: @unchecked Sendable {
    private let monitor = Monitor()
    private var total = 0.0
    func add(_ seconds: Double) { monitor.withLock { total += seconds } }
    var seconds: Double { monitor.withLock { total } }
}
