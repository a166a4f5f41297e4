import ArgumentParser
import BaleCore

struct Sum: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sum",
        _superCommandName: "bale",
        abstract: "SHA-256 of files and trees, as sha256sum prints it, hashed in parallel.",
        discussion: """
        Prints one line per regular file: the digest, two spaces, the path \
        (names with a backslash, a newline or a carriage return escaped as \
        sha256sum escapes them). Directories are walked, names sorted; \
        symbolic links inside them are not followed. With -c, the paths are \
        manifests (none or -: standard input), each checked in turn as \
        sha256sum -c checks it: NAME: OK, NAME: FAILED or NAME: FAILED open \
        or read, its warnings, exit 1 on any failure or when no line of a \
        manifest is well formed. With no \
        path, or the path -, standard input is hashed, as sha256sum hashes it.

        Examples:
          bale sum data/ > data.sha256
          bale sum -c data.sha256
          bale sum -c --quiet data-*.sha256
        """)

    // A flag, as in sha256sum: the paths are then the manifests, so that
    // `sum -c --quiet m`, `sum -c *.sha256` and `sum -c < m` read as there.
    @Flag(name: [.customShort("c"), .customLong("check")],
          help: "Check the digests listed in the manifests given as paths (none or -: standard input).")
    var check = false

    /// sha256sum's three ways for -c to report, the last given counting,
    /// as there (`-w --quiet` is `--quiet`).
    enum Report: String, EnumerableFlag {
        case quiet, status, warn

        static func name(for value: Report) -> NameSpecification {
            value == .warn ? [.customShort("w"), .long] : .long
        }

        static func help(for value: Report) -> ArgumentHelp? {
            switch value {
            case .quiet: "With -c: print only the failures."
            case .status: "With -c: print nothing; the exit status says whether every file matched."
            case .warn: "With -c: name each improperly formatted line of a manifest by its number."
            }
        }
    }

    @Flag(exclusivity: .chooseLast)
    var report: Report?

    @Flag(name: .customLong("strict"), help: "With -c: fail (exit 1) when a manifest has an improperly formatted line.")
    var strict = false

    @Flag(name: .customLong("ignore-missing"), help: "With -c: pass over listed files that are not there; fail a manifest none of whose files was verified.")
    var ignoreMissing = false

    /// sha256sum's `-b` and `-t`, the last given counting, as there.
    enum Mode: String, EnumerableFlag {
        case binary, text
        static func name(for value: Mode) -> NameSpecification { .shortAndLong }
        static func help(for value: Mode) -> ArgumentHelp? {
            value == .binary ? "Mark each name with '*' (binary mode, as sha256sum -b; the bytes hashed are the same)."
                : "Mark each name with ' ' (text mode, the default)."
        }
    }

    @Flag(exclusivity: .chooseLast)
    var mode: Mode?

    @Flag(name: .customLong("tag"), help: "Print BSD-style lines: SHA256 (NAME) = DIGEST.")
    var tag = false

    @Flag(name: [.customShort("z"), .customLong("zero")], help: "End each line with NUL, not newline, and do not escape names.")
    var zero = false

    @Option(name: .customLong("shard"), help: shardHelp, transform: Shard.parsed)
    var shard: Shard?

    @OptionGroup var engine: EngineOptions

    @Argument(help: ArgumentHelp("Files and directories to hash (- or none: standard input).", valueName: "paths"))
    var givenPaths: [String] = []
    /// The paths given (long runs joined for the parser split again: `JoinedArguments`).
    var paths: [String] { JoinedArguments.split(givenPaths) }

    func validate() throws {
        if let report, !check { throw ValidationError("--\(report.rawValue) goes with -c") }
        if strict && !check { throw ValidationError("--strict goes with -c") }
        if ignoreMissing && !check { throw ValidationError("--ignore-missing goes with -c") }
        if check { try requireNonEmpty(paths, "-c", "manifest files (- for standard input)") }
        // The digests are data (`bale sum t --json > m.sha` made a manifest
        // whose last line sha256sum -c --strict refused; a probe helper).
        try engine.requireJSONApart(true, check ? "the check's lines" : "the digests")
        // sha256sum's words, its exit status aside (a usage error here).
        if check && mode != nil { throw ValidationError("the --binary and --text options are meaningless when verifying checksums") }
        if check && tag { throw ValidationError("the --tag option is meaningless when verifying checksums") }
        if check && zero { throw ValidationError("the --zero option is not supported when verifying checksums") }
        if tag && Self.textModeComesLast(RawArguments.commandLine) {
            throw ValidationError("--tag does not support --text mode")
        }
        if check && shard != nil { throw ValidationError("--shard goes with paths to hash, not with -c") }
    }

    func run() throws {
        var options = SumCommand.Options()
        options.paths = paths
        options.check = check
        switch report {
        case nil: options.lines = .all
        case .quiet?: options.lines = .failures
        case .status?: options.lines = .status
        case .warn?: options.lines = .allAndMalformed
        }
        options.strict = strict
        options.ignoreMissing = ignoreMissing
        options.shard = shard
        options.style = Manifest.LineStyle(binary: mode == .binary, tag: tag, zeroTerminated: zero)
        options.engine = engine.settings
        throw engine.report(command: "sum", inputs: check && paths.isEmpty ? ["-"] : paths, quiet: report == .quiet || report == .status, context: options.context) { SumCommand(options: options).run() }
    }

    /// True when the last of `--tag`, `-b` and `-t` given is `-t`
    /// (`--text`), which sha256sum refuses (`--tag -t`; `-t --tag` is a tag
    /// line, as `--tag` sets binary mode there). The parser keeps no order
    /// between two flags, so the arguments are read for it, clusters too.
    static func textModeComesLast(_ arguments: [String]) -> Bool {
        FlagOrder.given(in: arguments, long: ["--tag": "g", "--text": "t", "--binary": "b"], letters: ["b", "t"],
                        valueOptions: OptionValues.options["sum"] ?? []).last == "t"
    }
}
