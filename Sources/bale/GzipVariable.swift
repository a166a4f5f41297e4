import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// The `GZIP` environment variable: options `gzip` and `gunzip` take
/// before the command line's, as GNU gzip 1.12 takes them, with its
/// warning that the variable is deprecated (not given when it holds -q)
/// and only the options it allows there: the levels (`-1` … `-9`,
/// `--fast`, `--best`), `-n`, `-N`, `-q`, `-v`, `--rsyncable` and their
/// long names. `-N` (`--name`) names gunzip's outputs as their headers
/// do, as in gzip, and changes nothing where bale refuses it on the
/// command line (compressing: it stores no name; -r): a machine-wide
/// setting must not stop every run (`Gzip.nameFromVariable`).
/// `--synchronous` changes nothing (bale flushes its outputs before
/// removing inputs anyway). Any other option, or a word that is none, is
/// a usage error naming it, as there: a `GZIP=-k` set for gzip would
/// otherwise be ignored by bale without a word. A long option may be
/// shortened to any prefix that names one of gzip's long options alone
/// (`--rsync`, `--no-n`, `--verb`), as gzip's getopt_long takes it there:
/// a `GZIP=--rsync` that gzip takes stopped every bale run.
enum GzipVariable {
    /// Short options allowed in the variable.
    private static let letters = Set("123456789nNqv")
    /// The option bale is given for `-N` and `--name` there.
    private static let name = "--name-from-gzip-variable"
    /// Long ones, and what bale is given for each (nil: nothing).
    private static let longOptions: [String: String?] = [
        "--fast": "--fast", "--best": "--best", "--no-name": "--no-name", "--quiet": "--quiet", "--silent": "--silent",
        "--verbose": "--verbose", "--rsyncable": "--rsyncable", "--name": name, "--synchronous": nil,
    ]
    /// All of GNU gzip 1.12's long options, those refused in the variable
    /// too: a prefix is gzip's option only when it begins no other
    /// (`--n` is `--no-name`, `--name` or `--no-time`: ambiguous).
    private static let gzipLongOptions = [
        "--ascii", "--best", "--bits", "--decompress", "--fast", "--force", "--help", "--keep", "--license", "--list",
        "--lzw", "--name", "--no-name", "--no-time", "--quiet", "--recursive", "--rsyncable", "--silent", "--stdout",
        "--suffix", "--synchronous", "--test", "--to-stdout", "--uncompress", "--verbose", "--version",
    ]

    /// The long option `word` stands for: itself, or the one gzip option
    /// it is a prefix of; a usage error when it begins several.
    private static func expanded(_ word: String) -> String {
        if gzipLongOptions.contains(word) || longOptions[word] != nil { return word }
        let candidates = gzipLongOptions.filter { $0.hasPrefix(word) }
        if candidates.count > 1 {
            refuse("option '\(word)' is ambiguous; possibilities: " + candidates.map { "'\($0)'" }.joined(separator: " "))
        }
        return candidates.first ?? word
    }

    /// `arguments` (the subcommand first) with the variable's options
    /// after the subcommand's name, for `gzip` and `gunzip`.
    static func prepending(to arguments: [String]) -> [String] {
        guard let command = arguments.first, ["gzip", "gunzip"].contains(command),
              let value = getenv("GZIP").map({ String(cString: $0) }) else { return arguments }
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard !words.isEmpty else { return arguments }
        var taken: [String] = []
        var quiet = false
        for word in words {
            if word.hasPrefix("--") {
                let option = expanded(word)
                // Named as gzip names it: the option the prefix stands for.
                guard let passed = longOptions[option] else { refuse("\(option): option not valid in GZIP environment variable") }
                if let passed { taken.append(passed) }
                quiet = option == "--quiet" || option == "--silent" ? true : option == "--verbose" ? false : quiet
            } else if word.hasPrefix("-") && word.count > 1 {
                let body = word.dropFirst()
                if let bad = body.first(where: { !letters.contains($0) }) {
                    refuse("-\(bad): option not valid in GZIP environment variable")
                }
                // Each digit is a level there (`GZIP=-12` is -1 -2): the last.
                if let level = body.last(where: \.isNumber) { taken.append("-" + String(level)) }
                let flags = body.filter { $0 != "N" && !$0.isNumber }
                if !flags.isEmpty { taken.append("-" + flags) }
                if body.contains("N") { taken.append(name) }
                for letter in body where letter == "q" || letter == "v" { quiet = letter == "q" }
            } else {
                refuse("\(word): non-option in GZIP environment variable")
            }
        }
        if !quiet { FileIO.report("bale: warning: GZIP environment variable is deprecated; use an alias or script") }
        return [command] + taken + arguments.dropFirst()
    }

    private static func refuse(_ message: String) -> Never {
        FileIO.report("bale: \(message)")
        // A usage error, as any (the earlier run's report emptied: `UsageErrorReport`).
        UsageErrorReport.emptyEarlierReport(namedIn: RawArguments.commandLine)
        Glibc.exit(64)  // a usage error (ExitCodes)
    }
}
