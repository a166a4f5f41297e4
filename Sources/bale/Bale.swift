import ArgumentParser
import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// The `bale` command line: parses arguments, calls BaleCore, maps the
/// outcome to an exit code. Nothing else lives here.
@main
struct Bale: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bale",
        abstract: "Compress files, streams and directory trees in parallel, as standard gzip.",
        discussion: """
        Exit status: 0 success, 1 error, 2 warning (something skipped), 64 usage, \
        129/130/143 ended by a signal, 141 standard output closed early: \
        see 'bale help exit-codes'.
        """,
        version: BuildVersions.summary,
        subcommands: [Gzip.self, Gunzip.self, Pack.self, Unpack.self, Cat.self, List.self, Verify.self, Sum.self, ExitCodes.self]
    )

    static func main() {
        MemoryTuning.apply()
        // Worker mode: the parent started this executable again to do CPU
        // work. Told from the C arguments, before anything makes Swift's
        // `CommandLine.arguments` (an array of strings, and the generic
        // metadata behind it, built on first use: a twentieth of a worker's
        // start, which every job waits for).
        if CommandLine.argc == 2, let mode = CommandLine.unsafeArgv[1],
           strcmp(mode, WorkerProcess.modeArgument) == 0 {
            Glibc.exit(WorkerLoop.run())
        }
        // /proc first: bale starts its workers from /proc/self/exe, hands
        // them descriptors through /proc/PID/fd, and Swift itself reads
        // the arguments from /proc/self/cmdline. Without it (a chroot, a
        // sandbox that mounts none) every command, `--version` too, died
        // of SIGILL with "Range requires lowerBound <= upperBound" (no
        // arguments at all): said plainly instead, exit 1.
        if access("/proc/self/exe", F_OK) != 0 {
            FileIO.report("bale: /proc is not mounted here: bale needs it (its worker processes are started "
                          + "from /proc/self/exe); mount it, e.g. mount -t proc proc /proc")
            Glibc.exit(BaleCore.ExitCode.failure.rawValue)
        }
        // Process-wide state, set up once, here: the library never
        // changes it (its tests set SIGPIPE up the same way). The
        // descriptors handed over are noted before bale opens any.
        InheritedDescriptors.note()
        ProcessSignals.ignoreWriteSignals()
        ProcessSignals.installTerminationCleanup()
        StandardOutput.reserveStandardDescriptors()
        StandardOutput.checkBufferedOutputAtExit()
        // argv decoded once without loss: a name that is not UTF-8 keeps its
        // bytes through the parser, in paths and option values alike.
        let given = LevelArguments.rewrite(GzipVariable.prepending(to: RawArguments.commandLine))
        // `--name=` with nothing after the '=' (a script's `--json-file=$LOG`
        // with LOG unset): argument-parser took the next argument as the
        // value, so `gzip -k --json-file= data.csv` wrote its summary over
        // data.csv, exit 0. An empty value is a usage error, as getopt's
        // `--suffix=` is to gzip.
        if let empty = given.prefix(while: { $0 != "--" }).first(where: { $0.hasPrefix("--") && $0.count > 3 && $0.firstIndex(of: "=") == $0.index(before: $0.endIndex) }) {
            let message = "\(empty) has an empty value; give one, or leave the option out"
            // Told with the command's usage line, as the parser tells its own errors.
            guard let command = configuration.subcommands.first(where: { $0._commandName == given.first }) else {
                Self.exit(withError: ValidationError(message))
            }
            FileIO.report("Error: \(message)\nUsage: \(usageString(for: command))\n"
                          + "  See 'bale \(command._commandName) --help' for more information.")
            Glibc.exit(ExitCode.validationFailure.rawValue)
        }
        // Long runs of names joined for the parser (`JoinedArguments`); what
        // the fast path does not take (help, a usage error) is parsed again
        // as given, so that a message names an argument as it was typed.
        let arguments = JoinedArguments.joiningLongRuns(given)
        if let command = SubcommandFastPath.parse(arguments, among: configuration.subcommands) { run(command) }
        // getopt_long's abbreviations (`--std`), tried only now that the
        // line failed to parse as given (`LongOptionAbbreviations`); a line
        // that still fails is told with them written out, so that the error
        // names what is wrong, not an abbreviation that was right.
        let expanded = LongOptionAbbreviations.expanding(given, among: configuration.subcommands)
        if let expanded, let command = SubcommandFastPath.parse(JoinedArguments.joiningLongRuns(expanded),
                                                                 among: configuration.subcommands) {
            run(command)
        }
        let line = expanded ?? given
        // Help beside an unknown option: argument-parser shows the help and
        // exits 0, whatever else the line holds. A probe: `bale sum *` in a
        // directory holding a file named `-dash` (-d -a -s -h) wrote the
        // help into the manifest, exit 0; GNU's getopt stops at the first
        // unknown letter (sha256sum: exit 1). The unknown option wins.
        if let unknown = UnknownOptionBesideHelp.error(in: line) {
            FileIO.report(unknown.message)
            Glibc.exit(unknown.status)
        }
        Self.main(line)
    }

    /// Runs a command parsed on its own (`SubcommandFastPath`) and exits.
    private static func run(_ parsed: ParsableCommand) -> Never {
        do {
            var command = parsed
            try command.run()
            Self.exit()
        } catch let code as ArgumentParser.ExitCode {
            // What exit(withError:) does with an ExitCode, without the
            // usage text it would build first only to print nothing.
            Glibc.exit(code.rawValue)
        } catch {
            Self.exit(withError: error)
        }
    }
}

/// An unknown option on a command line that also asks for help (`-h`,
/// `--help`, or an `h` in a cluster of short options): the usage error the
/// line gives without its help flags, so that a cron job's mistyped option
/// or a file name that looks like options exits 64, as any unknown option
/// does, instead of printing the help with exit 0. Only an unknown option
/// counts: without its help flag, `bale unpack -h` lacks its archive, and
/// that is still a request for help.
enum UnknownOptionBesideHelp {
    /// The parser's message (its usage lines too), naming a cluster as it
    /// was typed, and the exit status (64).
    static func error(in arguments: [String]) -> (message: String, status: Int32)? {
        let optionCount = arguments.firstIndex(of: "--") ?? arguments.endIndex
        var askedForHelp = false
        var withoutHelp: [String] = []
        /// Each cluster given without its `h`, and as it was typed.
        var clusters: [(parsed: String, typed: String)] = []
        for (position, argument) in arguments.enumerated() {
            guard position < optionCount else { withoutHelp.append(argument); continue }
            if argument == "-h" || argument == "--help" {
                askedForHelp = true
            } else if argument.hasPrefix("-"), !argument.hasPrefix("--"), argument.count > 2, argument.contains("h") {
                askedForHelp = true
                let parsed = String(argument.filter { $0 != "h" })
                clusters.append((parsed, argument))
                withoutHelp.append(parsed)
            } else {
                withoutHelp.append(argument)
            }
        }
        guard askedForHelp else { return nil }
        do {
            _ = try Bale.parseAsRoot(withoutHelp)
            return nil
        } catch {
            guard Bale.message(for: error).hasPrefix("Unknown option") else { return nil }
            var message = Bale.fullMessage(for: error)
            for cluster in clusters {
                message = message.replacing("'\(cluster.parsed)'", with: "'\(cluster.typed)'")
            }
            return (message, Bale.exitCode(for: error).rawValue)
        }
    }
}

/// The subcommand named first, parsed on its own.
///
/// argument-parser parses a command line by building the whole tree of
/// commands first: nine subcommands, every option of each described
/// through reflection. That took about 5 ms of the ~9 ms between bale's
/// start and the start of its workers, on every run, for every size of
/// input. Parsed alone, the named subcommand costs a fraction of that.
/// Anything the subcommand does not accept on its own (no subcommand named,
/// help, `--version`, a usage error) returns nil, and the whole tree parses
/// the command line again, so every message and usage text is the one the
/// tree gives.
///
/// Each subcommand's configuration names "bale" as its `_superCommandName`
/// (argument-parser's experimental name for a command run as the root on
/// behalf of another): parsed alone, a subcommand then skips the root's
/// search for `--generate-completion-script` (a sixth of the parse), which
/// only the tree answers. In the tree the name changes nothing: argument-
/// parser reads it from the root of the tree only, and that is `Bale`.
enum SubcommandFastPath {
    static func parse(_ arguments: [String], among subcommands: [ParsableCommand.Type]) -> ParsableCommand? {
        guard let name = arguments.first,
              let subcommand = subcommands.first(where: { $0._commandName == name }),
              subcommand.configuration.subcommands.isEmpty
        else { return nil }
        guard let command = try? subcommand.parseAsRoot(Array(arguments.dropFirst())),
              type(of: command) == subcommand
        else { return nil }
        return command
    }
}

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
        Glibc.exit(64)  // a usage error (ExitCodes)
    }
}

/// The options that take a value, per command, whose value is the next
/// argument whatever it begins with, as getopt takes it (`--exclude '-*'`,
/// `-o -x`, `--suffix -gz`, GNU tar's and gzip's command lines):
/// argument-parser takes an argument that begins with '-' for an option
/// and says the value is missing. Such a pair is joined before parsing
/// (`--exclude=-*`, `-o-x`: every short option here takes its value
/// joined). `-` alone is a value already. EndToEndTests'
/// `CommandLineTests.everyValueMayBeginWithADash` checks this list against
/// the options the parser describes (`--experimental-dump-help`).
enum OptionValues {
    private static let engine: Set<String> = ["--codec", "--io-threads", "--jobs", "-p", "--json-file", "--worker-timeout"]
    private static let gzip = engine.union(["--chunk-size", "--exclude", "--files-from", "--include", "--level",
                                            "--manifest", "--min-size", "--older-than", "--out-dir", "--shard",
                                            "--suffix", "-S", "-o"])
    static let options: [String: Set<String>] = [
        "gzip": gzip,
        "gunzip": gzip,
        "pack": engine.union(["--exclude", "--files-from", "-T", "--group", "--level", "--manifest", "--mtime",
                              "--owner", "--shard", "-C", "-o"]),
        "unpack": engine.union(["--exclude", "--strip-components", "--wildcards", "-C"]),
        "cat": engine.union(["--exclude", "--wildcards"]),
        "list": engine.union(["--exclude"]),
        "verify": engine.union(["--manifest"]),
        "sum": engine.union(["--shard"]),
    ]
}

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

/// Long runs of names handed to argument-parser joined, and split again
/// by the commands (`split`).
///
/// argument-parser stores each value of an array argument by copying the
/// array parsed so far out of an `Any` and back, and merging the set of
/// its origins (`ParsedValues.update`): n names cost n². `xargs bale sum`
/// of 8,000 names spent 2.4 s in the parser, of 20,000 names 11.6 s
/// (sha256sum: 0.5 s for all of it), and a usage error as long, for the
/// line is parsed twice. So in a run of more than `longRun` arguments
/// that are not options, all but the first two are given to the parser
/// as one argument, joined by NUL (which no argument can hold). The
/// first two stay as they are: one may be an option's value (`-C DIR`),
/// the next a command's single leading argument (`unpack ARCHIVE`);
/// every other one is a name. After `--` every argument is a name.
enum JoinedArguments {
    static let separator: Character = "\0"
    static let longRun = 64

    static func joiningLongRuns(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var run: [String] = []
        func flush() {
            if run.count > longRun {
                result += run.prefix(2)
                result.append(run.dropFirst(2).joined(separator: String(separator)))
            } else {
                result += run
            }
            run = []
        }
        var passedTerminator = false
        for argument in arguments {
            if passedTerminator || argument == "-" || !argument.hasPrefix("-") {
                run.append(argument)
                continue
            }
            flush()
            result.append(argument)
            if argument == "--" { passedTerminator = true }
        }
        flush()
        return result
    }

    /// The names an array argument holds, runs joined by
    /// `joiningLongRuns` split again.
    static func split(_ values: [String]) -> [String] {
        guard values.contains(where: { $0.contains(separator) }) else { return values }
        return values.flatMap { $0.split(separator: separator, omittingEmptySubsequences: false).map(String.init) }
    }
}
