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

    public func error(_ text: String) { FileIO.report("bale: \(text)") }
    public func warning(_ text: String) { if !quiet { FileIO.report("bale: \(text)") } }
    public func info(_ text: String) { if verbose { FileIO.report(text) } }
}
