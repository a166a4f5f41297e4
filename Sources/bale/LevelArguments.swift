/// gzip's `-1` … `-9` (and libdeflate's `-10` … `-12`), `--fast` and
/// `--best`, which argument-parser cannot spell as flags, rewritten to
/// `--level N` (or `--best-level`, resolved once the codec is known)
/// before parsing. A level in a cluster of gzip's flags (`-9c`, `-c9`,
/// `-9nf`, as gzip reads them) is taken out of it the same way, the
/// cluster's letters left to the parser; only flags that take no value
/// are split so, for `-p2` is not `-p` with level 2, and only for `gzip`
/// and `gunzip`. So is a cluster that ends in an option with its value
/// joined (`-kS.z`: `-k -S.z`).
enum LevelArguments {
    /// The short flags of `gzip` and `gunzip` that take no value.
    static let flagLetters = Set("cdfklnqrtv")

    /// The level and the flags of a cluster such as `-9c`, or nil when
    /// `argument` is not one.
    static func splitCluster(_ argument: String) -> (level: String, flags: String)? {
        guard argument.hasPrefix("-"), !argument.hasPrefix("--") else { return nil }
        let body = argument.dropFirst()
        let digits = body.filter(\.isASCII).filter(\.isNumber), letters = body.filter { !$0.isNumber }
        guard !digits.isEmpty, letters.allSatisfy(flagLetters.contains) else { return nil }
        let flags = letters.isEmpty ? "" : "-" + letters
        if body.drop(while: { !$0.isNumber }).prefix(while: \.isNumber).count == digits.count {
            // One run of digits is one level (bale's go to 12: -13 is a
            // usage error, not gzip's -1 -3).
            guard !letters.isEmpty, digits.first != "0", let level = Int(digits), (1...12).contains(level) else { return nil }
            return (digits, flags)
        }
        // Digits apart (-1n9): as gzip reads a cluster, each is a level,
        // and the last counts.
        guard let last = digits.last, last != "0" else { return nil }
        return (String(last), flags)
    }

    /// The short options of `gzip` and `gunzip` that take a value, which
    /// gzip (and pigz, `-p4`) read joined to it: `-S.z`, or at the end of
    /// a cluster of flags, `-kS.z`.
    static let valueLetters = Set("Sop")

    /// A cluster of flags ending in an option with its value joined
    /// (`-kS.z`) cut into the flags and the option (`-k`, `-S.z`, which
    /// the parser reads: `allowingJoined`), or nil when `argument` is not one.
    static func splitJoinedValue(_ argument: String) -> [String]? {
        guard argument.hasPrefix("-"), !argument.hasPrefix("--") else { return nil }
        let body = argument.dropFirst()
        guard let option = body.firstIndex(where: valueLetters.contains), option != body.startIndex,
              body[..<option].allSatisfy(flagLetters.contains), body.index(after: option) != body.endIndex
        else { return nil }
        return ["-" + body[..<option], "-" + body[option...]]
    }

    static func rewrite(_ arguments: [String]) -> [String] {
        // Clusters are gzip's and gunzip's: elsewhere a digit is no level
        // and is left to the parser (`sum -c9` is a usage error).
        let splitsClusters = ["gzip", "gunzip"].contains(arguments.first ?? "")
        // Levels are gzip's, gunzip's and pack's: elsewhere `-9` or `--fast`
        // is left as typed, for the parser to name it as typed.
        let takesLevels = splitsClusters || arguments.first == "pack"
        var result: [String] = []
        var passedTerminator = false
        let valueOptions = OptionValues.options[arguments.first ?? ""] ?? []
        var awaitingValue: String?
        var arguments = arguments
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if passedTerminator { result.append(argument); continue }
            // A cluster of flags that ends in an option taking a value
            // (`-kS`, tar's `-vC`), whose value, the next argument, begins
            // with '-': cut in two (`-k`, `-S`), so that the value is joined
            // to its option below, as getopt takes it.
            if awaitingValue == nil, index < arguments.endIndex, arguments[index].hasPrefix("-"), arguments[index] != "-",
               argument.count > 2, argument.hasPrefix("-"), !argument.hasPrefix("--"),
               let last = argument.last, valueOptions.contains("-" + String(last)),
               !argument.dropFirst().dropLast().contains(where: { valueOptions.contains("-" + String($0)) }) {
                arguments.replaceSubrange((index - 1)..<index, with: [String(argument.dropLast()), "-" + String(last)])
                index -= 1
                continue
            }
            if let option = awaitingValue {
                awaitingValue = nil
                if argument.hasPrefix("-") && argument != "-" {
                    result[result.count - 1] = option.hasPrefix("--") ? option + "=" + argument : option + argument
                } else {
                    result.append(argument)
                }
                continue
            }
            if valueOptions.contains(argument) {
                awaitingValue = argument
                result.append(argument)
                continue
            }
            switch argument {
            case "--": passedTerminator = true; result.append(argument)
            case "--fast" where takesLevels: result += ["--level", "1"]
            case "--best" where takesLevels: result.append("--best-level")
            // gzip's -V: the version.
            case "-V" where splitsClusters: result.append("--version")
            case _ where takesLevels && argument.first == "-" && Int(argument.dropFirst()).map({ (1...12).contains($0) }) == true
                && argument.dropFirst().first != "0":
                result += ["--level", String(argument.dropFirst())]
            case _ where splitsClusters && splitCluster(argument) != nil:
                let (level, flags) = splitCluster(argument)!
                result += ["--level", level] + (flags.isEmpty ? [] : [flags])
            case _ where splitsClusters && splitJoinedValue(argument) != nil:
                result += splitJoinedValue(argument)!
            default: result.append(argument)
            }
        }
        // `-S=x` is the suffix "=x" to gzip (its value is all that follows
        // the letter); the parser would take the '=' for its separator.
        if splitsClusters {
            let options = result.prefix { $0 != "--" }
            result = options.map { $0.hasPrefix("-S=") ? "--suffix=" + $0.dropFirst(2) : $0 } + result[options.endIndex...]
        }
        return keepingLastLevel(splitsClusters ? keepingLastOfQuietAndVerbose(result) : result)
    }

    /// A level and `--best` given both: the last one counts, as the last
    /// level does in gzip (`--best -1` is level 1). `--best` is a flag
    /// the parser resolves once the codec is known, beside `--level`, and
    /// would win wherever it stood; so the one given first is taken out.
    static func keepingLastLevel(_ arguments: [String]) -> [String] {
        let options = arguments.prefix { $0 != "--" }
        var lastBest = -1, lastLevel = -1
        var index = options.startIndex
        while index < options.endIndex {
            let argument = options[index]
            if argument == "--best-level" { lastBest = index }
            if argument == "--level" || argument.hasPrefix("--level=") { lastLevel = index }
            index += argument == "--level" ? 2 : 1
        }
        guard lastBest >= 0 && lastLevel >= 0 else { return arguments }
        var result: [String] = []
        index = options.startIndex
        while index < options.endIndex {
            let argument = options[index]
            if lastBest > lastLevel && argument == "--level" { index += 2; continue }
            if lastBest > lastLevel && argument.hasPrefix("--level=") { index += 1; continue }
            if lastLevel > lastBest && argument == "--best-level" { index += 1; continue }
            result.append(argument)
            if argument == "--level" && index + 1 < options.endIndex { result.append(options[index + 1]); index += 1 }
            index += 1
        }
        return result + arguments[options.endIndex...]
    }

    /// gzip's `-q` and `-v` undo each other, and the last one given counts
    /// (`gzip -v -q`: quiet; `gzip -qv`: verbose). bale's are two flags,
    /// which the parser would both set, so where both are given the
    /// earlier kind is taken out here, from clusters too (`-kq -v`: `-k -v`).
    static func keepingLastOfQuietAndVerbose(_ arguments: [String]) -> [String] {
        let given = FlagOrder.given(in: arguments, long: ["--quiet": "q", "--silent": "q", "--verbose": "v"],
                                    letters: ["q", "v"], clusterLetters: flagLetters)
        guard given.contains("q"), given.contains("v"), let last = given.last else { return arguments }
        let dropped: Character = last == "q" ? "v" : "q"
        let droppedLong: Set<String> = dropped == "q" ? ["--quiet", "--silent"] : ["--verbose"]
        let options = arguments.prefix { $0 != "--" }
        var result: [String] = []
        for argument in options where !droppedLong.contains(argument) {
            guard let body = FlagOrder.cluster(argument, of: flagLetters) else { result.append(argument); continue }
            let kept = body.filter { $0 != dropped }
            if !kept.isEmpty { result.append("-" + kept) }
        }
        return result + arguments[options.endIndex...]
    }
}
