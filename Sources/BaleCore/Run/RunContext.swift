#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What one run of a command knows about itself, passed down to every
/// part that has something to say: the diagnostics it made (as values,
/// see `Diagnostic`), its figures (`summary`: files, bytes, progress,
/// stage times) and whether standard output's reader went away.
///
/// One per command run, made by the executable and handed to the command,
/// its pipeline and its sinks; nothing in BaleCore reaches it through a
/// global. The standard error line, the exit status and `--json` are all
/// made from what it holds. Its list is reachable only under its lock (a
/// `Mutex` that owns it); the figures have their own.
public final class RunContext: Sendable {
    /// Hides warnings and notices (`-q`); errors are always shown.
    public let quiet: Bool
    /// Adds per-file lines (`-v`).
    public let verbose: Bool
    /// The run's figures, which `--json`, `--stats` and the progress line read.
    public let summary: RunSummary
    /// Removes `gzip`'s inputs once their outputs are in place, knowing the
    /// change times its own removals gave files with several names.
    public let inputRemoval = InputRemoval()

    private let state = Mutex(State())

    private struct State {
        /// For `--json`; each is printed as it comes. Bounded
        /// (`CollectedDiagnostics`): an archive of a million entries each
        /// with a warning kept them all, gigabytes, until the run ended.
        var diagnostics = CollectedDiagnostics()
        var brokenPipe = false
        var reportFile: OutputOfThisRun?
    }

    public init(quiet: Bool = false, verbose: Bool = false) {
        self.quiet = quiet
        self.verbose = verbose
        summary = RunSummary()
    }

    /// Keeps `diagnostic` and prints its line on standard error, unless it
    /// is a warning or a notice, the run is quiet, and it is not one
    /// said even then (`Diagnostic.isSaidWhenQuiet`).
    public func report(_ diagnostic: Diagnostic) {
        state.withLock { $0.diagnostics.append(diagnostic) }
        if diagnostic.severity == .error || diagnostic.isSaidWhenQuiet || !quiet { FileIO.report(diagnostic.line) }
    }

    /// Keeps `diagnostic` for `--json` and the exit status without printing
    /// its line: its words were already said another way (gzip's question
    /// on the terminal and its answer, `OverwriteQuestion`).
    public func keep(_ diagnostic: Diagnostic) {
        state.withLock { $0.diagnostics.append(diagnostic) }
    }

    /// Reports each of `diagnostics`, in order; returns the highest exit
    /// status they carry (success for none).
    @discardableResult
    public func report(_ diagnostics: [Diagnostic]) -> ExitCode {
        var status = ExitCode.success
        for diagnostic in diagnostics {
            report(diagnostic)
            status = max(status, diagnostic.exitStatus)
        }
        return status
    }

    /// Reports the error that stopped a piece of work, with what it was
    /// writing in parentheses when that is not the error's own file ("the
    /// manifest", "the JSON summary"); a reader of standard output that
    /// went away is no diagnostic: the run ends quietly, with exit 141
    /// (see `exitStatus`).
    public func fail(_ error: BaleError, writing what: String? = nil) {
        if case .brokenPipe = error {
            state.withLock { $0.brokenPipe = true }
            return
        }
        report(.error(path: error.path, error.cause + (what.map { " (\($0))" } ?? "")))
    }

    /// Prints a `-v` line.
    public func info(_ text: String) {
        if verbose { FileIO.report(TerminalText.escaped(text, keepingTabs: true)) }
    }

    /// Prints the `-v` line for a killed run's temporary file, found
    /// beside its output and removed (`gzip FILE`, `gzip -r`): one wording
    /// for both.
    public func infoRemovedLeftover(_ name: String) {
        info("\(TerminalText.shown(name: name)): removed, left by an interrupted run")
    }

    /// Prints a `-v` line that is a name as bytes (an entry packed or
    /// extracted): shown byte for byte, as `tar -v` shows it, even when
    /// it is not UTF-8.
    public func info(name: [UInt8]) {
        if verbose { FileIO.report(TerminalText.escaped(name)) }
    }

    /// The file `--json-file` names, as it stands when the run begins (an
    /// earlier run's report, emptied): an output of this run, which every
    /// walk leaves out (`outputsOfThisRun`). Set by the command line
    /// before the work begins.
    public var reportFile: OutputOfThisRun? {
        get { state.withLock { $0.reportFile } }
        set { state.withLock { $0.reportFile = newValue } }
    }

    /// What a walk of this run must leave out besides the command's own
    /// outputs: the report file, and standard output's file when it is a
    /// regular file and the command writes its data there (`sum d >
    /// d/SHA256SUMS`, `gzip -rc d > d/all`), growing as it would be read.
    public func outputsOfThisRun(standardOutputHolds kind: OutputOfThisRun.Kind?) -> [OutputOfThisRun] {
        var outputs = reportFile.map { [$0] } ?? []
        var info = stat()
        if let kind, fstat(1, &info) == 0 && info.st_mode & S_IFMT == S_IFREG {
            outputs.append(OutputOfThisRun(FileIdentity(info), is: kind))
        }
        return outputs
    }

    /// The diagnostics so far, in the order they were made: the first
    /// ones (`CollectedDiagnostics.limit`).
    public var diagnostics: [Diagnostic] { state.withLock { $0.diagnostics.kept } }

    /// How many diagnostics were printed past those kept.
    public var diagnosticsNotKept: Int { state.withLock { $0.diagnostics.notKeptCount } }

    /// The exit status the diagnostics ask for: 141 when standard output's
    /// reader went away, else the worst status a diagnostic asks for.
    public var exitStatus: ExitCode {
        state.withLock { state in
            state.brokenPipe ? .brokenPipe : state.diagnostics.worstExitStatus
        }
    }
}
