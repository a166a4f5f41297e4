/// Where a command's messages go: standard error, prefixed "bale: ".
public struct Messages: Sendable {
    /// Suppresses warnings (`-q`); errors are always shown.
    public var quiet = false
    /// Adds per-file lines (`-v`).
    public var verbose = false

    public init(quiet: Bool = false, verbose: Bool = false) {
        self.quiet = quiet
        self.verbose = verbose
    }

    /// Prints an error (and keeps it for `--json`).
    public func error(_ text: String) {
        RunSummary.shared.record(text, isError: true)
        FileIO.report("bale: \(text)")
    }

    /// Prints a warning unless quiet (and keeps it for `--json` either way).
    public func warning(_ text: String) {
        RunSummary.shared.record(text, isError: false)
        if !quiet { FileIO.report("bale: \(text)") }
    }
    public func info(_ text: String) { if verbose { FileIO.report(text) } }
}
