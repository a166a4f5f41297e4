import CSystem

/// The line `gzip -v` and `gunzip -v` print for one file, as GNU gzip
/// 1.12 prints it: the name, a tab, the ratio as C's `%5.1f%%` (the share
/// of the plain bytes saved: ` 63.5%`, `  0.0%`, `-100.0%`), then what
/// became of the output: ` -- replaced with NAME` (the input removed),
/// ` -- created NAME` (the input kept: `-k`, `-o`, or an input that
/// changed while it was read), ` -- replaced with stdout` (`-c`, in
/// gzip's words). Standard input compressed gets the ratio alone, as in
/// gzip. Scripts and people read these lines as gzip's; bale's were
/// `x:\t63.5%` with no padding, and with `-k` or `-c` no words after it.
///
/// Compressing, the ratio is of the whole files, bale's member headers
/// counted, where gzip leaves its one header out: for a file of a few
/// bytes the two differ (both negative); for a file of any size they agree
/// to the decimal shown. Decompressing, the caller leaves out the first
/// header and a trailer, as gunzip -v and gzip -l do, and the figures are
/// gzip's (bale counted them in: 45.2% where gunzip said 51.4%).
public enum VerboseLine {
    /// What became of one file's output.
    public enum Outcome: Sendable {
        /// Written to `name`, and the input removed.
        case replaced(name: String)
        /// Written to `name`, the input kept.
        case created(name: String)
        /// Written to standard output.
        case standardOutput
    }

    /// The line for the file `name` (nil: standard input, ratio only) of
    /// `plainBytes` whose gzip form is `gzipBytes`.
    public static func text(name: String?, plainBytes: Int64, gzipBytes: Int64, outcome: Outcome) -> String {
        // As gzip's `display_ratio` computes it (and `gzip -l`'s column,
        // `GzipListing`): 100 * (1 - gzip/plain) differs in the last bit,
        // and a tie then rounds the other way (61.3% for gzip's 61.2%).
        let ratio = percent(plainBytes == 0 ? 0 : 100 * Double(plainBytes - gzipBytes) / Double(plainBytes))
        guard let name else { return ratio }
        let what = switch outcome {
        case .replaced(let output): "replaced with \(TerminalText.shown(name: output))"
        case .created(let output): "created \(TerminalText.shown(name: output))"
        case .standardOutput: "replaced with stdout"
        }
        // The names' own tabs are marked, to be escaped apart from the line's.
        return "\(TerminalText.shown(name: name)):\t\(ratio) -- \(what)"
    }

    /// `ratio` as C's `%5.1f%%`, by C's own printf: its rounding of the
    /// binary value and its ` -0.0%` for incompressible data, as gzip shows.
    static func percent(_ ratio: Double) -> String {
        var text = [CChar](repeating: 0, count: 64)
        bale_format_percent(ratio, &text, text.count)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
