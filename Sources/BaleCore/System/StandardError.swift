#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSystem
import Synchronization

/// The one way bale writes to standard error: messages, gzip's overwrite
/// question and the progress line, which share the terminal's last line.
///
/// Why one place: the progress line (`Progress`) is redrawn in place four
/// times a second, with no line end. A message written after it without
/// erasing it was glued to its end ("ETA 0:00bale: z.gz already
/// exists..."), and a question asked while it ran was erased a quarter of
/// a second later by the next redraw, so that bale waited for an answer to
/// a question no longer on the screen. Here, under one lock: a message or
/// a question first erases the progress line shown (the next redraw puts
/// it back under the message), and while a question waits for its answer
/// (`whileAsking`) the progress line is not drawn at all.
///
/// bale writes with write(2) to descriptor 2 (the C `stderr` global does
/// not compile in Swift 6 language mode); a failure to write a message is
/// ignored, as there is nowhere left to say it.
public enum StandardError {
    private struct Line {
        /// A progress line is on the screen, with no line end after it.
        var progressShown = false
        /// Questions waiting for their answers: no progress is drawn.
        var questions = 0
    }
    private static let line = Mutex(Line())

    /// Writes `text` as it is (a message with its line end, a question,
    /// the --stats table), on a line of its own: a progress line shown is
    /// erased first.
    public static func write(_ text: String) {
        line.withLock { line in
            let erase = line.progressShown ? "\r\u{1b}[K" : ""
            line.progressShown = false
            try? FileIO.write(2, Array((erase + text).utf8))
        }
    }

    /// Draws `text` as the progress line, in place of the one shown; not
    /// while a question waits for its answer.
    public static func drawProgress(_ text: String) {
        line.withLock { line in
            guard line.questions == 0 else { return }
            try? FileIO.write(2, Array(("\r\u{1b}[K" + text).utf8))
            line.progressShown = true
        }
    }

    /// Erases the progress line, if one is shown (the end of the run).
    public static func eraseProgress() {
        line.withLock { line in
            guard line.progressShown else { return }
            try? FileIO.write(2, Array("\r\u{1b}[K".utf8))
            line.progressShown = false
        }
    }

    /// Runs `ask` (which writes a question and reads its answer) with the
    /// progress line erased and kept off the screen until it returns.
    public static func whileAsking<T>(_ ask: () -> T) -> T {
        line.withLock { $0.questions += 1 }
        defer { line.withLock { $0.questions -= 1 } }
        return ask()
    }
}

extension FileIO {
    /// Writes one line to standard error (`StandardError`: on a line of
    /// its own, the progress line erased first). Nothing once a signal is
    /// ending bale (`bale_is_dying`): what the other threads meet then is
    /// the signal's doing (a temporary file refused with EINTR, a worker
    /// killed by the cleanup), and named a file that had no trouble ("t/f.gz:
    /// Interrupted system call") or a worker that "took over" (a probe
    /// helper), before bale died of the signal.
    public static func report(_ line: String) {
        if bale_is_dying() != 0 { return }
        StandardError.write(line + "\n")
    }

    /// Writes `text` to standard error as it is (a question, the --stats
    /// table), the progress line erased first.
    public static func reportRaw(_ text: String) {
        StandardError.write(text)
    }
}
