#if canImport(Glibc)
import Glibc
#endif

/// The progress line on a terminal: bytes and files done of the total
/// (as far as the walk has found it), MB/s and the time left, redrawn in
/// place four times a second on standard error and erased at the end.
/// A message or a question erases it before it is written, and no line is
/// drawn while a question waits for its answer (`StandardError`).
///
/// A thread of its own that only reads the run's `RunSummary`; the command line
/// starts it when standard error is a terminal and none of `-q`, `-v`
/// (whose lines it would break) and `--no-progress` was given, so scripts
/// and logs never see it.
public final class Progress: @unchecked Sendable {  // state only under `monitor`
    private let monitor = Monitor()
    private let wake: Monitor.Condition
    private struct State {
        var stopped = false
        var thread: JoinableThread?
    }
    private var state = State()

    /// Starts drawing the figures of `summary`.
    public init(summary: RunSummary) {
        wake = monitor.makeCondition()
        summary.markWatched()
        let thread = JoinableThread(name: "bale-progress") { [self] in
            while true {
                let done = monitor.withLock { () -> Bool in
                    if !state.stopped { monitor.wait(wake, seconds: 0.25) }
                    return state.stopped
                }
                if done { break }
                guard summary.elapsed >= 0.5 else { continue }  // quick jobs show nothing
                StandardError.drawProgress(Self.line(summary))
            }
            StandardError.eraseProgress()
        }
        monitor.withLock { state.thread = thread }
    }

    /// Whether a run shows the line: standard error is a terminal, and
    /// neither standard input nor standard output is a pipe or a socket.
    /// A program at the other end may be using the same terminal: `bale
    /// gunzip -c big.gz | less`, `pg_dump | bale gzip > db.gz` asking for a
    /// password, `bale gzip -c x | ssh host ...`; the line was redrawn over
    /// its screen and its prompt four times a second while it read
    /// slowly (a probe helper), where gzip writes nothing. `besidePipes`
    /// (`--progress`) asks for the line all the same, on a terminal.
    public static func isWanted(besidePipes: Bool) -> Bool {
        func isPipe(_ fd: Int32) -> Bool {
            var info = stat()
            guard fstat(fd, &info) == 0 else { return false }
            let type = info.st_mode & S_IFMT
            return type == S_IFIFO || type == S_IFSOCK
        }
        return isatty(2) != 0 && (besidePipes || !isPipe(0) && !isPipe(1))
    }

    /// Erases the line and stops the thread.
    public func stop() {
        let thread: JoinableThread? = monitor.withLock {
            state.stopped = true
            wake.broadcast()
            defer { state.thread = nil }
            return state.thread
        }
        thread?.join()
    }

    static func line(_ summary: RunSummary) -> String {
        let done = summary.progress
        let (total, files) = summary.expected
        let seconds = max(summary.elapsed, 0.001)
        let rate = Double(done) / seconds
        var text = megabytes(done)
        if total > 0 {
            text += " of \(megabytes(total)) (\(Int(100 * Double(done) / Double(max(total, 1))))%)"
        }
        if files > 0 { text += ", \(files) \(files == 1 ? "file" : "files")" }
        text += ", \(String(format: rate / 1e6, digits: 1)) MB/s"
        if total > done, rate > 0 {
            let left = Int(Double(total - done) / rate)
            text += ", ETA \(left / 60):\(left % 60 < 10 ? "0" : "")\(left % 60)"
        }
        return "bale: " + text
    }

    static func megabytes(_ bytes: Int64) -> String { String(format: Double(bytes) / 1e6, digits: 1) + " MB" }
}
