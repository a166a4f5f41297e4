#if canImport(Glibc)
import Glibc
#endif

/// One thing a run has to say about its work: an error, a warning or a
/// notice, the path it is about (or none) and the cause.
///
/// A diagnostic is a value, not a line: the line on standard error
/// (`line`), the exit status (`exitStatus`) and the `--json` entry (`path`
/// and `text`) are all made from it, so they cannot disagree. The path is
/// kept apart from the cause where the diagnostic is made, never guessed
/// back from the text.
public struct Diagnostic: Sendable, Equatable {
    /// How much a diagnostic matters.
    public enum Severity: Sendable, Equatable {
        /// Something was not done (exit 1 by default); always shown.
        case error
        /// Something was skipped or ignored (exit 2 by default); `-q` hides it.
        case warning
        /// Something happened that changed nothing of the result (a worker
        /// replaced, a worker that ended badly at shutdown); `-q` hides it,
        /// and it does not change the exit status.
        case notice
    }

    /// How the path and the cause are joined into the text.
    public enum Wording: Sendable, Equatable {
        /// `PATH: cause`, bale's usual form.
        case colon
        /// `PATH cause`, gzip's form for skipped files (`x is a directory -- ignored`).
        case sentence
        /// `PATH: cause` where both are already safe on a terminal and kept
        /// byte for byte (`sum -c`'s lines, worded and quoted as sha256sum's).
        case verbatim
    }

    public var severity: Severity
    /// The file the diagnostic is about, as it names it; nil when it is
    /// about no one file (a usage mistake, a count, a worker).
    public var path: String?
    /// How the line on standard error names the file, where that is not
    /// `path` escaped: `sum -c`'s names, quoted as sha256sum quotes them
    /// (`'my file'`). `--json` keeps `path`, the name as given.
    public var shownPath: String?
    /// What happened, without the path.
    public var cause: String
    public var wording: Wording
    /// The exit status this diagnostic asks for: by default 1 for an error,
    /// 2 for a warning and 0 for a notice; some of gzip's and sha256sum's
    /// rules differ (pack's "already exists" warning fails the run,
    /// sha256sum's count of malformed lines does not change it).
    public var exitStatus: ExitCode
    /// Said even under `-q`, as gzip says it (a warning that nothing was
    /// written where the user asked: "already exists; not overwritten").
    public var isSaidWhenQuiet = false
    /// How many diagnostics this one stands for: 1, or for a part's "N
    /// more errors like those above not shown" (`CollectedDiagnostics`),
    /// N, so that the run's list counts them as N when it cannot keep it
    /// (`--json`'s `not_listed` said 1 for 50).
    public var standsFor = 1

    public init(_ severity: Severity, path: String?, _ cause: String, wording: Wording = .colon,
                exitStatus: ExitCode? = nil) {
        self.severity = severity
        self.path = path
        self.cause = cause
        self.wording = wording
        self.exitStatus = exitStatus ?? {
            switch severity {
            case .error: return .failure
            case .warning: return .warning
            case .notice: return .success
            }
        }()
    }

    /// An error about `path` (or about no file).
    public static func error(path: String?, _ cause: String, wording: Wording = .colon) -> Diagnostic {
        Diagnostic(.error, path: path, cause, wording: wording)
    }

    /// A warning about `path` (or about no file).
    public static func warning(path: String?, _ cause: String, wording: Wording = .colon,
                               exitStatus: ExitCode? = nil) -> Diagnostic {
        Diagnostic(.warning, path: path, cause, wording: wording, exitStatus: exitStatus)
    }

    /// A notice: said unless `-q`, the exit status unchanged.
    public static func notice(path: String?, _ cause: String) -> Diagnostic {
        Diagnostic(.notice, path: path, cause)
    }

    /// gzip's warning for an output at `path` that exists and is not
    /// replaced without -f (`x.gz already exists;<TAB>not overwritten`, a tab as GNU gzip prints it): the
    /// same whether the name was found taken before the work or at the
    /// rename (`AtomicOutputFile.commit`).
    public static func existingOutput(_ path: String) -> Diagnostic {
        var warning = Diagnostic.warning(path: path, "already exists;\tnot overwritten", wording: .sentence)
        // gzip -q still says it: a file the user named was left as it was.
        warning.isSaidWhenQuiet = true
        return warning
    }

    /// gzip's warning for a directory named where a file is wanted
    /// (`gzip DIR`, `gzip -l DIR`), in its words.
    public static func isADirectory(_ path: String) -> Diagnostic {
        .warning(path: path, "is a directory -- ignored", wording: .sentence)
    }

    /// A socket named to gzip or gunzip, or met by `-r`: GNU gzip opens it,
    /// and the open fails (ENXIO, "No such device or address", exit 1),
    /// where a FIFO or a device is only passed over with a warning.
    public static func socketInput(_ path: String) -> Diagnostic {
        .error(.cannotOpen(path: path, SystemError(code: ENXIO, operation: "open")))
    }

    /// A worker process that ended, hung or broke the protocol, replaced
    /// by `fresh`, which took over its chunks: the same notice from every
    /// command, whatever the workers were doing.
    public static func workerReplaced(_ pid: Int32, how: String, by fresh: Int32) -> Diagnostic {
        .notice(path: nil, "worker \(pid) \(how); worker \(fresh) took over its chunks, nothing lost")
    }

    /// A worker process that did not exit cleanly when the pool was shut
    /// down (its work was done: the run's result stands).
    public static func workerEnded(_ pid: Int32, _ status: ExitStatus) -> Diagnostic {
        .notice(path: nil, "worker \(pid) ended with \(status)")
    }

    /// The error `error` names: its path and its cause.
    public static func error(_ error: BaleError) -> Diagnostic {
        Diagnostic(.error, path: error.path, error.cause)
    }

    /// The path and the cause as one sentence, unescaped (what `--json`
    /// gives as "message").
    public var text: String { joined(path, cause) }

    /// `path` and `cause` as the wording joins them.
    private func joined(_ path: String?, _ cause: String) -> String {
        guard let path else { return cause }
        return wording == .sentence ? path + " " + cause : path + ": " + cause
    }

    /// The line on standard error, without its newline: "bale: " and the
    /// text, passed through `TerminalText.escaped` (names come from
    /// archives and from disk, and one holding ESC sequences or newlines
    /// must not reach the terminal as commands or forged lines). bale's
    /// own wording holds no backslash or control character except the tab
    /// of gzip's "already exists;<TAB>not overwritten", which is kept; the
    /// path's tabs are escaped (`\t`, as GNU tar shows them). A verbatim
    /// diagnostic is already safe and is not escaped, so that it stays
    /// sha256sum's.
    public var line: String {
        guard wording != .verbatim else { return "bale: " + joined(shownPath ?? path, cause) }
        return "bale: " + joined(shownPath ?? path.map { TerminalText.escaped($0) }, TerminalText.escaped(cause, keepingTabs: true))
    }

    /// An error or warning about `path` worded as sha256sum words it, its
    /// name quoted as sha256sum quotes it on the line (`quoted`), kept as
    /// given for `--json`.
    public static func sha256sum(_ severity: Severity, path: String, quoted: String, _ cause: String,
                                 exitStatus: ExitCode? = nil) -> Diagnostic {
        var diagnostic = Diagnostic(severity, path: path, cause, wording: .verbatim, exitStatus: exitStatus)
        diagnostic.shownPath = quoted
        return diagnostic
    }
}
