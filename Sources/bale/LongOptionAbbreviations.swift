import ArgumentParser

/// getopt_long's abbreviations: a long option may be given by any prefix
/// that begins no other (`--std` for `--stdout`, `--dec` for
/// `--decompress`), as GNU gzip, tar and sha256sum take it; argument-parser
/// takes whole names only, so `gzip --std` ran and `bale gzip --std` was a
/// usage error (64; a probe helper).
///
/// Tried only when a command line failed to parse as given, so a line that
/// parses (every run but a mistyped or abbreviated one) pays nothing: the
/// names come from the subcommand's help, built only here (its option
/// lines, hidden ones too: each line's first column names the option and
/// whether it takes a value, `--suffix <suffix>`). An option's value is
/// never taken for an abbreviation (`--exclude --k` excludes `--k`), nor
/// is anything after `--`. A prefix that begins several names is left as
/// it is, and the parser's error names it.
enum LongOptionAbbreviations {
    /// `arguments` (the subcommand first) with each abbreviation replaced by
    /// the long option it begins (a value joined by `=` kept); nil when it
    /// holds none, or names no subcommand among `subcommands`.
    static func expanding(_ arguments: [String], among subcommands: [ParsableCommand.Type]) -> [String]? {
        guard let name = arguments.first, let subcommand = subcommands.first(where: { $0._commandName == name }) else {
            return nil
        }
        let options = Options(help: Bale.helpMessage(for: subcommand, includeHidden: true, columns: 10_000))
        var expanded = [name]
        var changed = false
        var nextIsValue = false
        var optionsEnded = false
        for argument in arguments.dropFirst() {
            if optionsEnded || nextIsValue {
                nextIsValue = false
                expanded.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                expanded.append(argument)
            } else if argument.hasPrefix("--") {
                let equals = argument.firstIndex(of: "=")
                let given = String(argument[..<(equals ?? argument.endIndex)])
                var long = given
                if options.long[given] == nil {
                    let candidates = options.long.keys.filter { $0.hasPrefix(given) }
                    if candidates.count == 1, let only = candidates.first {
                        long = only
                        changed = true
                    }
                }
                if equals == nil, options.long[long] == true { nextIsValue = true }
                expanded.append(long + (equals.map { String(argument[$0...]) } ?? ""))
            } else {
                // A cluster of short options: a letter that takes a value
                // takes the rest, or the next argument when it ends it (`-kS .z`).
                if argument.hasPrefix("-"), argument.count > 1,
                   let taking = argument.dropFirst().firstIndex(where: options.shortTakingValue.contains) {
                    nextIsValue = argument.index(after: taking) == argument.endIndex
                }
                expanded.append(argument)
            }
        }
        return changed ? expanded : nil
    }

    /// A subcommand's options, read from its help.
    private struct Options {
        /// Each long option's name (`--stdout`), and whether it takes a value.
        var long: [String: Bool] = [:]
        /// The short letters that take a value (`-S <suffix>`).
        var shortTakingValue: Set<Character> = []

        init(help: String) {
            for line in help.split(separator: "\n") {
                let trimmed = line.drop { $0 == " " }
                guard trimmed.hasPrefix("-") else { continue }
                // The first column: the names, up to two spaces.
                let column = trimmed.firstRange(of: "  ").map { trimmed[..<$0.lowerBound] } ?? trimmed
                let takesValue = column.contains("<")
                for spelling in column.split(separator: ",").map({ $0.trimmingPrefix(" ") }) {
                    let word = spelling.prefix { $0 != " " }
                    if word.hasPrefix("--") {
                        for name in word.split(separator: "/") { long[String(name)] = takesValue }
                    } else if word.count == 2, takesValue, let letter = word.last {
                        shortTakingValue.insert(letter)
                    }
                }
            }
        }
    }
}
