#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// gzip's question before an output that exists is replaced without -f.
///
/// GNU gzip, pigz and igzip, run by hand, ask "do you wish to overwrite (y
/// or n)?" when `gunzip x.gz` finds an `x` already there, and go on if the
/// answer starts with y; in a script, a cron job or a batch array they say
/// "not overwritten" and pass the file over, exit 2. bale used to do the
/// second always. It now asks when gzip would: standard input is a
/// terminal (the answer is read from it) and bale runs in the foreground
/// (SIGINT not ignored: a background job of a non-interactive shell, or
/// one started with `nohup`, starts with it ignored; gzip's own test).
///
/// The question is gzip's words, on standard error, with no line end; the
/// answer is one line read from standard input, yes when its first
/// character is y or Y (gzip's answer in the C locale). No means what it
/// meant without the question: the output stays, the input stays, exit 2,
/// and the rest of gzip's line ("<TAB>not overwritten") ends the question's.
/// A yes does not remove the old output first (gzip does): the new one
/// is still made under a temporary name and renamed over it when whole,
/// so a failure leaves the old one as it was.
///
/// Asked only for a FILE named on the command line. `gzip -r` does not ask:
/// its files are compressed several at a time while the walk goes on, so a
/// question would stand among other files' lines; it says "not overwritten"
/// (as gzip does for every file without a terminal), and `-f` replaces.
enum OverwriteQuestion {
    /// Whether gzip would ask: standard input is a terminal and bale is in
    /// the foreground.
    static var mayAsk: Bool {
        isatty(0) != 0 && bale_signal_is_ignored(SIGINT) == 0
    }

    /// Asks whether the output `name` (shown as it is in messages) may be
    /// replaced, and reads the answer: true for yes. On no, ends the line
    /// as gzip does.
    /// The progress line is kept off the screen until the answer is read
    /// (`StandardError.whileAsking`): redrawn, it erased the question.
    static func ask(about name: String) -> Bool {
        StandardError.whileAsking {
            FileIO.reportRaw("bale: \(TerminalText.escaped(name)) already exists; do you wish to overwrite (y or n)? ")
            let yes = readAnswer()
            if !yes { FileIO.report("\tnot overwritten") }
            return yes
        }
    }

    /// One line of standard input, read a byte at a time so that nothing
    /// after it is taken; yes when it starts with y or Y. End of input or
    /// an error is no.
    private static func readAnswer() -> Bool {
        var first: UInt8?
        var byte: UInt8 = 0
        while true {
            let count = read(0, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1, byte != UInt8(ascii: "\n") else { break }
            if first == nil { first = byte }
        }
        return first == UInt8(ascii: "y") || first == UInt8(ascii: "Y")
    }
}
