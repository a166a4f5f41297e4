import ArgumentParser
import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// Options shared by `bale gzip` and `bale gunzip`.
struct GzipOptions: ParsableArguments {
    // gzip's long names too (`--to-stdout`, `--uncompress`), so its command lines run as they are.
    @Flag(name: [.customShort("c"), .customLong("stdout"), .customLong("to-stdout")], help: "Write to standard output; keep the input files.")
    var toStandardOutput = false

    @Option(name: .customShort("o", allowingJoined: true), help: ArgumentHelp("Write the output to FILE (one input only); keep the input.", valueName: "FILE"))
    var output: String?

    @Flag(name: .shortAndLong, help: "Keep the input files.")
    var keep = false

    @Flag(name: .shortAndLong, help: "Overwrite existing outputs without asking; compress links named (never followed under -r: GNU gzip -rf follows them out of the tree), multi-linked and sticky files; write to a terminal.")
    var force = false

    @OptionGroup var level: LevelOptions

    @OptionGroup var engine: EngineOptions

    @Option(name: [.customShort("S", allowingJoined: true), .customLong("suffix")], help: "Suffix of compressed files.")
    var suffix = ".gz"

    /// gzip's `-n`: bale never stores the name or time (see README
    /// "Commands"), so this asks for what it does anyway; accepted so that
    /// gzip's command lines (`gzip -9n`, common in packaging) run as they are.
    @Flag(name: [.customShort("n"), .customLong("no-name")], help: "Do not store the file name and time (bale never does).")
    var noName = false

    /// gzip's `-N`: with gunzip, the output named and dated by what the
    /// header stores (`GzipStoredName`); compressing, bale stores neither.
    @Flag(name: [.customShort("N"), .customLong("name")],
          help: "Decompressing: name each output and set its time as its header stores them (gunzip -N), in the directory of its input.")
    var restoreName = false

    /// `-N` or `--name` in the `GZIP` variable (`GzipVariable`): taken
    /// where `-N` works (decompressing), passed over where it does not
    /// (compressing), as a machine-wide setting must not stop a run that
    /// cannot use it.
    @Flag(name: .customLong("name-from-gzip-variable"), help: .hidden)
    var nameFromVariable = false

    /// gzip's `-a` (text mode): it changes nothing on Unix, where gzip
    /// accepts it too.
    @Flag(name: [.customShort("a"), .customLong("ascii")], help: "Text mode: accepted, as gzip accepts it; nothing on Unix.")
    var ascii = false

    @Flag(name: .customLong("rsyncable"),
          help: "End each member where the content says, not every 4 MiB, so that rsync sends only what changed.")
    var rsyncable = false

    @Flag(name: [.short, .long, .customLong("silent")], help: "Suppress warnings (the last of -q and -v counts, as in gzip).")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Name each file processed, with its ratio.")
    var verbose = false

    @Flag(name: [.customShort("l"), .customLong("list")],
          help: "List each gzip file's compressed and uncompressed sizes and ratio, as gzip -l (exact for bale's files).")
    var list = false

    @Flag(name: .shortAndLong, help: "Process every file in the given directories, recursively.")
    var recursive = false

    @Option(name: .customLong("out-dir"), help: "With -r: write the outputs into a mirror of the trees under DIR; leave the inputs.")
    var outputDirectory: String?

    @Option(name: .customLong("exclude"), help: "With -r: leave out names matching this glob (repeatable).")
    var excludes: [String] = []

    @Option(name: .customLong("include"), help: "With -r: take only files whose names match this glob (repeatable).")
    var includes: [String] = []

    @Option(name: .customLong("min-size"), help: "With -r: take only files of at least SIZE bytes (K, M, G suffixes).")
    var minimumSize: String?

    @Option(name: .customLong("older-than"), help: "With -r: take only files modified at least this long ago (e.g. 7d, 12h, 30m; a number alone is days, as find -mtime counts).")
    var olderThan: String?

    @Option(name: .customLong("files-from"), help: "With -r: also process the paths listed in FILE (- for standard input).")
    var filesFrom: String?

    @Flag(name: .customLong("null"), help: nullSeparatedHelp)
    var null = false

    @Option(name: .customLong("manifest"), help: "With gzip -r: also write the SHA-256 of every file compressed, as sha256sum does, to FILE (- for standard output); not with -d or -t.")
    var manifest: String?

    @Option(name: .customLong("shard"), help: shardHelp, transform: Shard.parsed)
    var shard: Shard?

    @Option(name: .customLong("chunk-size"), help: ArgumentHelp("Chunk size in KiB (for measurement).", visibility: .hidden))
    var chunkKiB: Int = 4096

    @Argument(help: ArgumentHelp("Files to process; none or - for standard input to standard output.", valueName: "files"))
    var givenFiles: [String] = []
    /// The files given (long runs joined for the parser split again: `JoinedArguments`).
    var files: [String] { JoinedArguments.split(givenFiles) }

    func validate() throws {
        if minimumSize != nil && FileSelection.size(minimumSize!) == nil {
            throw ValidationError("--min-size takes a number of bytes, with an optional K, M, G or T")
        }
        if olderThan != nil && FileSelection.duration(olderThan!) == nil {
            throw ValidationError("--older-than takes a number of days, or a number with s, m, h, d or w (e.g. 7d, 12h)")
        }
        let selecting = outputDirectory != nil || !excludes.isEmpty || !includes.isEmpty || minimumSize != nil
            || olderThan != nil || filesFrom != nil || manifest != nil || shard != nil
        if selecting && !recursive {
            throw ValidationError("--out-dir, --exclude, --include, --min-size, --older-than, --files-from, --manifest and --shard go with -r")
        }
        guard (64...(32 << 10)).contains(chunkKiB) else { throw ValidationError("--chunk-size takes 64 to 32768 KiB") }
        try requireNonEmpty(suffix, "-S", "a suffix such as .gz")
        if suffix.contains("/") { throw ValidationError("-S takes a suffix, not a path: '\(suffix)' holds a '/'") }
        // gzip's own limit (MAX_SUFFIX): longer is "invalid suffix" there too.
        if suffix.utf8.count > 30 { throw ValidationError("-S takes a suffix of at most 30 bytes, as gzip") }
        try requireNonEmpty(output, "-o", "a file name")
        try requireNonEmpty(outputDirectory, "--out-dir", "a directory")
        try requireNonEmpty(excludes, "--exclude", "a glob")
        try requireNonEmpty(includes, "--include", "a glob")
        try requireNonEmpty(filesFrom, "--files-from", "a file name (- for standard input)")
        try requireNonEmpty(manifest, "--manifest", "a file name (- for standard output)")
        if output != nil && files.count > 1 { throw ValidationError("-o names one output: give one input, not \(files.count)") }
        if output != nil && output != "-" && toStandardOutput {
            throw ValidationError("-c and -o both name the output: give one")
        }
        // `-r -c` and `-r -l` are gzip's: every file the walk takes, one
        // after another, to standard output or to the list
        // (`gunzip -rc logs | grep ERROR`). `-o` names one output.
        if recursive && output != nil {
            throw ValidationError("-r writes one output per file: -o does not go with it (-c writes them all to standard output)")
        }
        if recursive && (toStandardOutput || list) && (outputDirectory != nil || manifest != nil) {
            throw ValidationError("--out-dir and --manifest go with -r writing files, not with \(list ? "-l" : "-c")")
        }
        if list && (output != nil || engine.json || engine.jsonFile != nil || engine.stats) {
            throw ValidationError("-l prints a list of the files given: -o, --json, --json-file and --stats do not go with it")
        }
        if recursive && files.isEmpty && filesFrom == nil {
            throw ValidationError("-r needs at least one file or directory (or --files-from)")
        }
        // "-" is standard input everywhere else: taken by -r as a path, it
        // compressed a file named "-" in place (and removed it), exit 0,
        // for someone who meant to pipe data in.
        if recursive && files.contains("-") {
            throw ValidationError("-r takes files and directories, not standard input ('-'); for a file named -, give ./-")
        }
    }

    /// The checks that depend on the command (`gzip`, `gzip -d`, `gunzip`)
    /// and on -t; called from each command's `validate`.
    func validate(decompress: Bool, test: Bool) throws {
        // The level is checked where one is used: `gunzip --codec isal`
        // compresses nothing, and the default 6 is none of isal's levels.
        if compresses(decompress: decompress, test: test) { _ = try level.resolved(codec: engine.codec) }
        if restoreName && !decompress && !test && !list {
            throw ValidationError("-N stores the name and time, which bale never does (the same input gives the same bytes); "
                                  + "-N goes with gunzip, to restore them")
        }
        if manifest != nil && (decompress || test) {
            throw ValidationError("--manifest lists the files compressed: it does not go with -d or -t")
        }
        let dataOnStandardOutput = recursive && !toStandardOutput
            ? EngineOptions.namesStandardOutput(manifest)
            : !test && (toStandardOutput || EngineOptions.namesStandardOutput(output)
                        || (output == nil && (files.isEmpty || files.contains("-"))))
        try engine.requireJSONApart(dataOnStandardOutput, recursive && !toStandardOutput ? "the manifest" : "the data")
        try engine.requireDistinctOutputs([("-o", output), ("--manifest", manifest)])
    }

    /// Whether the run compresses, and so uses a level: `-d`, `-t` and
    /// `-l` read gzip and check none (the default 6 is none of ISA-L's
    /// levels: `gunzip --codec isal`).
    private func compresses(decompress: Bool, test: Bool) -> Bool { !decompress && !test && !list }

    func commandOptions(decompress: Bool, test: Bool) throws -> GzipCommand.Options {
        var options = GzipCommand.Options()
        options.files = files
        options.decompress = decompress
        options.test = test
        options.toStandardOutput = toStandardOutput
        options.outputPath = output == "-" ? nil : output
        if output == "-" { options.toStandardOutput = true }
        options.keep = keep || toStandardOutput || output != nil
        options.force = force
        options.level = compresses(decompress: decompress, test: test) ? try level.resolved(codec: engine.codec) : 6
        options.recursive = recursive
        options.rsyncable = rsyncable
        options.list = list
        options.restoresName = restoreName || nameFromVariable && !compresses(decompress: decompress, test: test)
        options.outputDirectory = outputDirectory
        options.selection.excludes = excludes
        options.selection.includes = includes
        options.selection.minimumSize = minimumSize.flatMap(FileSelection.size) ?? 0
        options.selection.olderThan = olderThan.flatMap(FileSelection.duration)
        options.selection.shard = shard
        options.filesFrom = filesFrom
        options.nullSeparated = null
        options.manifestPath = manifest
        options.engine = engine.settings
        options.suffix = suffix
        options.context = RunContext(quiet: quiet, verbose: verbose)
        options.engine.pipeline.chunkSize = chunkKiB << 10
        return options
    }
}

struct Gzip: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gzip",
        _superCommandName: "bale",
        abstract: "Compress files (or standard input) to gzip, in parallel.",
        discussion: """
        Each FILE becomes FILE.gz, written under a temporary name and renamed \
        into place when complete; FILE is removed only then (unless -k, -c or -o). \
        The output is standard gzip: gzip, pigz, zcat and python read it. \
        As in gzip, -V shows the version.

        Examples:
          bale gzip big.log                  # big.log -> big.log.gz
          bale gzip -9 -k data.csv           # keep data.csv
          tar -cf - dir | bale gzip > dir.tar.gz
          bale gzip -d big.log.gz            # same as bale gunzip
        """)

    @OptionGroup var common: GzipOptions

    @Flag(name: [.short, .long, .customLong("uncompress")], help: "Decompress (as bale gunzip).")
    var decompress = false

    @Flag(name: .shortAndLong, help: "Test compressed files: decompress and check, write nothing.")
    var test = false

    func validate() throws { try common.validate(decompress: decompress, test: test) }

    func run() throws {
        let options = try common.commandOptions(decompress: decompress, test: test)
        throw common.engine.report(command: decompress ? "gunzip" : "gzip", inputs: common.files, quiet: common.quiet,
                                   verbose: common.verbose, context: options.context) {
            GzipCommand(options: options).run()
        }
    }
}

struct Gunzip: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gunzip",
        _superCommandName: "bale",
        abstract: "Decompress gzip files (or standard input), bale's own in parallel.",
        discussion: """
        Any gzip input is accepted: single or multi-member, from gzip, pigz or \
        any other tool. Files written by bale are split at their members and \
        decompressed on all workers. Only gzip: the formats GNU gunzip also \
        reads (compress's .Z, pack's .z, a zip of one file) are 'not in gzip \
        format' (exit 1, the input kept). \
        As in gunzip, -V shows the version.

        Examples:
          bale gunzip big.log.gz             # big.log.gz -> big.log
          bale gunzip -c big.log.gz | less
        """)

    @OptionGroup var common: GzipOptions

    @Flag(name: .shortAndLong, help: "Test compressed files: decompress and check, write nothing.")
    var test = false

    /// `-d` says what gunzip does anyway; accepted, as GNU gunzip accepts
    /// it (`gunzip -dc FILE`), rather than a usage error.
    @Flag(name: .shortAndLong, help: .hidden)
    var decompress = false

    func validate() throws { try common.validate(decompress: true, test: test) }

    func run() throws {
        let options = try common.commandOptions(decompress: true, test: test)
        throw common.engine.report(command: "gunzip", inputs: common.files, quiet: common.quiet,
                                   verbose: common.verbose, context: options.context) {
            GzipCommand(options: options).run()
        }
    }
}
