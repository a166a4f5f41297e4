/// Where a command's messages go: standard error, prefixed "bale: ".
///
/// Every line is passed through `TerminalText.escaped` on its way out:
/// the names in messages come from archives and from disk, and a name
/// holding ESC sequences or newlines must not reach the terminal as
/// commands or as forged lines (see `TerminalText`). Escaping the whole
/// line here, rather than each name where a message is made, covers every
/// message of every command in one place; bale's own wording holds no
/// backslash or control character, except the tab of gzip's `-v` lines,
/// which is kept. `--json` gets the text unescaped (JSON escapes it).
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
        FileIO.report("bale: " + TerminalText.escaped(text, keepingTabs: true))
    }

    /// Prints an error whose text is already safe on a terminal as it is
    /// (`sum -c`'s lines, which name files as sha256sum quotes them; see
    /// `Manifest.quotedForMessage`): no escaping, so that they stay byte
    /// for byte sha256sum's.
    public func error(verbatim text: String) {
        RunSummary.shared.record(text, isError: true)
        FileIO.report("bale: " + text)
    }

    /// Prints a warning unless quiet (and keeps it for `--json` either way).
    public func warning(_ text: String) {
        RunSummary.shared.record(text, isError: false)
        if !quiet { FileIO.report("bale: " + TerminalText.escaped(text, keepingTabs: true)) }
    }

    /// Prints a `-v` line.
    public func info(_ text: String) {
        if verbose { FileIO.report(TerminalText.escaped(text, keepingTabs: true)) }
    }

    /// Prints a `-v` line that is a name as bytes (an entry packed or
    /// extracted): shown byte for byte, as `tar -v` shows it, even when
    /// it is not UTF-8.
    public func info(name: [UInt8]) {
        if verbose { FileIO.report(TerminalText.escaped(name)) }
    }
}
