/// Diagnostics a part collects to report later (the tar reader's warnings,
/// the extractor's refusals, the run's list for `--json`), bounded: the
/// first ones are kept whole, the rest only counted, by severity and the
/// worst exit status they ask for.
///
/// Why: an archive can give a diagnostic for every entry, and each names
/// its entry. A 25 MB .tar.gz of entries with 60 kB names and a bad mode
/// field made `list` keep 3.4 GiB of warnings until the end, and two
/// million entries named `../x` made `unpack` keep 535 MiB of refusals,
/// where GNU tar stays at 2 MiB (a probe). Kept: at most `limit`
/// diagnostics and `byteLimit` bytes of text; past them, one line per
/// severity says how many more there were (`all`), so the exit status and
/// the last word still say what happened.
public struct CollectedDiagnostics: Sendable {
    /// At most this many diagnostics are kept whole.
    public static let limit = 10_000
    /// And at most this many bytes of their paths and causes.
    public static let byteLimit = 8 << 20

    /// The diagnostics kept, in the order they came.
    public private(set) var kept: [Diagnostic] = []
    /// Where each kept one belongs (`order`, or the order given to
    /// `append(_:order:)`), for `inOrder`.
    private var orders: [Int] = []
    private var keptBytes = 0
    /// Where the diagnostics appended from now on belong: what collects
    /// them in steps (the extractor, entry by entry) says which step it
    /// is at, and diagnostics found later for an earlier step (by the
    /// writer threads, for the small files they write) are given theirs
    /// (`append(_:order:)`), so that `inOrder` lists them all as the steps
    /// came, as GNU tar says them.
    public var order = 0
    /// How many came past the limits, by severity, and the worst status
    /// they ask for.
    private var notKept: [Diagnostic.Severity: (count: Int, worst: ExitCode)] = [:]
    /// The worst exit status any diagnostic collected asked for, kept or not.
    public private(set) var worstExitStatus = ExitCode.success

    public init() {}

    /// True when nothing was collected.
    public var isEmpty: Bool { kept.isEmpty && notKept.isEmpty }

    /// How many diagnostics came past the limits.
    public var notKeptCount: Int { notKept.values.reduce(0) { $0 + $1.count } }

    /// Collects `diagnostic`: kept while within the limits, else counted.
    public mutating func append(_ diagnostic: Diagnostic) {
        append(diagnostic, order: order)
    }

    /// A path longer than this is kept shortened (`shortened`): 1 MiB, so
    /// that any name a tree can hold (a chain of 65,536 components, 128
    /// KiB) is said whole, as GNU tar says it.
    static let longestPathKept = 1 << 20

    /// Collects `diagnostic`, found for the step `order`.
    public mutating func append(_ diagnostic: Diagnostic, order: Int) {
        var diagnostic = diagnostic
        // A name of megabytes (a pax path of 8 MB refused) was larger than
        // the byte limit alone: never kept, it was said only as "1 more
        // error like those above not shown", with none above (a probe
        // helper). Its first 4,096 characters name it well enough.
        if let path = diagnostic.path, path.utf8.count > Self.longestPathKept {
            diagnostic.path = Self.shortened(path)
        }
        worstExitStatus = max(worstExitStatus, diagnostic.exitStatus)
        let bytes = (diagnostic.path?.utf8.count ?? 0) + diagnostic.cause.utf8.count
        if kept.count < Self.limit && keptBytes + bytes <= Self.byteLimit {
            kept.append(diagnostic)
            orders.append(order)
            keptBytes += bytes
        } else {
            let before = notKept[diagnostic.severity] ?? (0, .success)
            notKept[diagnostic.severity] = (before.count + diagnostic.standsFor, max(before.worst, diagnostic.exitStatus))
        }
    }

    /// `path`'s first 4,096 characters, then how long it was.
    static func shortened(_ path: String) -> String {
        "\(path.prefix(4096))… (a name of \(path.utf8.count) bytes)"
    }

    /// Collects each of `diagnostics`, in order.
    public mutating func append(contentsOf diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics { append(diagnostic) }
    }

    /// Collects those of `other`, each with its order, and counts those it
    /// only counted.
    public mutating func append(_ other: CollectedDiagnostics) {
        for (diagnostic, order) in zip(other.kept, other.orders) {
            append(diagnostic, order: order)
        }
        for (severity, (count, worst)) in other.notKept {
            let before = notKept[severity] ?? (0, .success)
            notKept[severity] = (before.count + count, max(before.worst, worst))
            worstExitStatus = max(worstExitStatus, worst)
        }
    }

    /// `all`, the diagnostics kept sorted by their order (those of one
    /// order as they came).
    public var inOrder: [Diagnostic] {
        let sorted = kept.indices.sorted { orders[$0] != orders[$1] ? orders[$0] < orders[$1] : $0 < $1 }
        return sorted.map { kept[$0] } + countLines
    }

    /// The diagnostics kept, then one line per severity for those only
    /// counted (`N more errors not shown`), which asks for the worst exit
    /// status they did.
    public var all: [Diagnostic] { kept + countLines }

    /// One line per severity for the diagnostics only counted.
    private var countLines: [Diagnostic] {
        var lines: [Diagnostic] = []
        for (severity, word) in [(Diagnostic.Severity.error, "error"), (.warning, "warning"), (.notice, "notice")] {
            guard let (count, worst) = notKept[severity] else { continue }
            let text = "\(count) more \(word)\(count == 1 ? "" : "s") like those above not shown"
            var line = Diagnostic(severity, path: nil, text, exitStatus: worst)
            line.standsFor = count
            lines.append(line)
        }
        return lines
    }
}
