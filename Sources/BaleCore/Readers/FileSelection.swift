#if canImport(Glibc)
import Glibc
#endif

/// Which files of a tree a batch job takes (`bale gzip -r`): the rules a
/// nightly job needs, as the command line gives them; the walk applies
/// them (`TreeWalkPolicy(selection:)`).
public struct FileSelection: Sendable {
    /// Leave out names matching any of these globs (fnmatch), tried on the
    /// base name and on every tail of the path below the top (as `--exclude`
    /// in GNU tar).
    public var excludes: [String] = []
    /// If not empty, take only names matching one of these globs.
    public var includes: [String] = []
    /// Take only files of at least this many bytes.
    public var minimumSize: Int64 = 0
    /// Take only files last modified at least this many seconds ago.
    public var olderThan: Int64?
    /// The time `olderThan` counts from (the start of the job).
    public var now: Int64 = Int64(time(nil))
    /// Take only this part of the files, by their path (`--shard K/N`).
    public var shard: Shard?

    public init() {}

    /// Parses a size: a number with an optional K, M, G or T suffix (powers
    /// of 1024, as in find and du), e.g. `100K`, `2M`.
    public static func size(_ text: String) -> Int64? {
        parse(text, units: ["": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40])
    }

    /// Parses a duration: a number with s, m, h, d or w (seconds, minutes,
    /// hours, days, weeks), e.g. `7d`, `36h`; a bare number is days.
    public static func duration(_ text: String) -> Int64? {
        parse(text, units: ["": 86_400, "s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800])
    }

    private static func parse(_ text: String, units: [String: Int64]) -> Int64? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let unit = String(text.dropFirst(digits.count))
        guard !digits.isEmpty, let value = Int64(digits),
              let scale = units[unit] ?? units[unit.uppercased()] ?? units[unit.lowercased()] else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }
}
