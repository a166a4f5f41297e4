import ArgumentParser
import BaleCore

#if canImport(Glibc)
import Glibc
#endif

extension CodecChoice: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }

    /// The names, in --help and in the parser's error messages.
    public static var allValueStrings: [String] { allCases.map(\.description) }
    public var defaultValueDescription: String { description }
}

extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }

    /// `--shard`'s value, or a usage error that says what is wrong with it
    /// (the parser's own said only "The value '4/3' is invalid": a batch
    /// script's mistyped variable deserves its cause; a probe helper).
    static func parsed(_ text: String) throws -> Shard {
        try Shard.parsing(text).mapError { ValidationError($0.description) }.get()
    }
}

/// The help of `--shard`, which pack, gzip -r and sum take.
let shardHelp = ArgumentHelp(
    "Take only part K of N of the files, chosen by a stable hash of each path (pack keeps a hard link with its "
        + "file's first name): run K = 1 ... N on N machines "
        + "or batch tasks, from the same directory with the same arguments, and together they do every file once "
        + "(give each part outputs of its own, as NAME-K: pack's -o, the --manifest of pack and gzip -r, sum's "
        + "standard output; pack's default archive is NAME-K.tar.gz when N > 1).",
    valueName: "K/N")

/// The help of `--null`, which pack and gzip -r take for `--files-from`.
let nullSeparatedHelp = ArgumentHelp(
    "Names in --files-from end with NUL (find -print0) and are taken as they are; without it each line's "
        + "C escapes (\\n, \\t, \\\\, \\NNN) are undone, as GNU tar does.")

/// `-p/--jobs`, `--io-threads` and `--codec`, which every command takes.
struct EngineOptions: ParsableArguments {
    @Option(name: [.customShort("p", allowingJoined: true), .customLong("jobs")], help: "Worker processes (default: the CPUs bale may run on, as nproc counts them: its CPU affinity and cgroup quota).")
    var jobs: Int?

    @Option(name: .customLong("io-threads"), help: "I/O threads: reading files (gzip, pack), writing them (unpack).")
    var ioThreads: Int = 2

    @Option(name: .customLong("codec"), help: "Library for bale's chunks: auto (each level's fastest: isal at 1, libdeflate above), isal (levels 1-3), libdeflate (1-12) or zlib (1-9).")
    var codec: CodecChoice = .automatic

    @Option(name: .customLong("worker-timeout"), help: ArgumentHelp(
        "Seconds a worker process may take to answer before it is killed and replaced, not counting its waits "
            + "for a CPU (0: no limit; "
            + "sum: at least a tenth of a second per MB of a file, none for a pipe).",
        valueName: "seconds"))
    var workerTimeout: Int = 120

    @Flag(name: .customLong("json"), help: "At the end, print a JSON summary of the run on standard output (fields in the README).")
    var json = false

    @Option(name: .customLong("json-file"), help: ArgumentHelp("Write the JSON summary to FILE instead (when standard output carries data).", valueName: "file"))
    var jsonFile: String?

    @Flag(name: .customLong("stats"), help: "At the end, print on standard error where the time went, stage by stage, and what bound the run.")
    var stats = false

    @Flag(name: .customLong("no-progress"), help: "Never show the progress line (shown only when standard error is a terminal).")
    var noProgress = false

    @Flag(name: .customLong("progress"),
          help: "Show the progress line on a terminal even when standard input or output is a pipe.")
    var forcesProgress = false

    func validate() throws {
        guard workerTimeout >= 0 else { throw ValidationError("--worker-timeout takes 0 or more seconds") }
        guard jobs.map({ $0 >= 1 && $0 <= 256 }) ?? true else { throw ValidationError("-p takes 1 to 256 jobs") }
        guard (1...64).contains(ioThreads) else { throw ValidationError("--io-threads takes 1 to 64") }
        try requireNonEmpty(jsonFile, "--json-file", "a file name")
        // '-' is standard output in every other place a name is taken:
        // written as a file named '-', a summary asked for there was not.
        if jsonFile == "-" { throw ValidationError("--json-file takes a file: for the summary on standard output, use --json (a file named -: ./-)") }
        if json && jsonFile != nil { throw ValidationError("--json and --json-file: give one (the summary goes to one place)") }
    }

    /// True for `-` and for a name of the file standard output is
    /// (`/dev/stdout`, `/dev/fd/1`, the file `>` made): `--json` there
    /// would write the summary into the data (`pack -o /dev/stdout
    /// --json > x.tgz` appended it to the archive, exit 0).
    static func namesStandardOutput(_ path: String?) -> Bool {
        guard let path else { return false }
        return path == "-" || OutputDestination.sameFile(path, "-")
    }

    /// Refuses `--json` when standard output carries the command's data
    /// (`-c`, `-o -`, `--manifest -`, or their names by
    /// `namesStandardOutput`): the summary would be mixed into it.
    /// `--json-file` naming standard output's file (`/dev/stdout`, `/dev/fd/1`)
    /// is refused alike: `sum --json-file /dev/stdout > m.sha` made the
    /// summary the manifest's last line, exit 0, and `sha256sum -c
    /// --strict` then failed it (a probe helper). A terminal or /dev/null
    /// is never taken for it (`OutputDestination.sameFile`).
    func requireJSONApart(_ dataOnStandardOutput: Bool, _ what: String) throws {
        if json && dataOnStandardOutput {
            throw ValidationError("--json would mix the summary into \(what) on standard output: use --json-file FILE")
        }
        if dataOnStandardOutput, let jsonFile, jsonFile != "-", Self.namesStandardOutput(jsonFile) {
            throw ValidationError("--json-file '\(jsonFile)' is standard output, which carries \(what): "
                                  + "the summary would be mixed into it; name another file")
        }
    }

    /// Throws when two of the outputs `named` (each an option and the file
    /// it names, `-` for standard output), or one of them and the
    /// summary's file (`--json-file`), are one file (`OutputDestination.sameFile`:
    /// through links, `./x` and `x`, `/dev/stdout` and `-`): one would
    /// overwrite or garble the other. `pack -o x.tgz --manifest x.tgz`
    /// left only the manifest, exit 0 (and with --remove-files, no copy of
    /// the data anywhere).
    func requireDistinctOutputs(_ named: [(option: String, path: String?)]) throws {
        let outputs = (named + [("--json-file", jsonFile)]).compactMap { output in output.path.map { (output.option, $0) } }
        for (index, first) in outputs.enumerated() {
            for second in outputs[(index + 1)...] where OutputDestination.sameFile(first.1, second.1) {
                throw ValidationError("\(first.0) and \(second.0) name the same file ('\(second.1)'): one would overwrite the other")
            }
        }
    }

    /// The engine settings these options ask for.
    var settings: EngineSettings {
        var settings = EngineSettings()
        settings.jobs = jobs ?? 0
        settings.pipeline.ioThreads = ioThreads
        settings.pipeline.workerTimeout = workerTimeout
        settings.codecChoice = codec
        return settings
    }
}

/// Usage errors are found before anything is read or written, and end with
/// exit 64 (the parser's ValidationError): an option given an empty value
/// (`-o ''`, `-S ''`, `--exclude ''`) is one, as an out-of-range number is,
/// rather than a failure (exit 1) met later on the empty name.
func requireNonEmpty(_ value: String?, _ option: String, _ takes: String) throws {
    if let value, value.isEmpty { throw ValidationError("\(option) takes \(takes), not an empty string") }
}

/// The -C of `pack` and `unpack`: one directory, not empty. GNU tar's -C
/// applies to the paths after it, and a second one to those after that;
/// bale changes to one directory for the whole run, and took the last -C
/// for every path: `-C d1 one -C d2 two` stored d2/one, exit 0 (a probe
/// helper). Refused, not guessed.
func requireOneDirectory(_ directories: [String]) throws {
    try requireNonEmpty(directories, "-C", "a directory")
    if directories.count > 1 {
        throw ValidationError("-C is given \(directories.count) times: bale takes one directory for the whole run "
                              + "(not GNU tar's -C before each path); give one -C, or run bale once per directory")
    }
}

/// `requireNonEmpty` for a repeatable option.
func requireNonEmpty(_ values: [String], _ option: String, _ takes: String) throws {
    for value in values { try requireNonEmpty(value, option, takes) }
}

/// The compression level: `--level N`, gzip's `-1` … `-9` (and libdeflate's
/// `-10` … `-12`), `--fast` and `--best`, for the commands that compress.
struct LevelOptions: ParsableArguments {
    @Option(name: .customLong("level"), help: "Compression level: 1 (fastest) to 9, or to 12 with libdeflate (smallest, slow); also -1 ... -12, --fast, --best. Default 6.")
    var level: Int32?

    /// Set by `--best`, rewritten before parsing (see `LevelArguments`).
    @Flag(name: .customLong("best-level"), help: .hidden)
    var best = false

    /// The level asked for, checked against what `codec` offers: `--best` is
    /// the codec's strongest (12 with auto and libdeflate, 9 with zlib, 3 with isal).
    func resolved(codec: CodecChoice) throws -> Int32 {
        let chosen = best ? codec.levels.upperBound : (level ?? 6)
        guard codec.levels.contains(chosen) else {
            throw ValidationError("the level must be \(codec.levels.lowerBound) to \(codec.levels.upperBound) with --codec \(codec)")
        }
        return chosen
    }
}

extension EngineOptions {
    /// Runs a command's work with the progress line (on a terminal, unless
    /// `quiet`, `verbose` or --no-progress), then prints --stats and --json,
    /// and returns the exit status for the parser to exit with. With -v the
    /// names listed as the work goes are the progress, as with tar -v and
    /// gzip -v: a line redrawn in place would be torn by them.
    ///
    /// `context` is the run's: the command reports into it, and the exit
    /// status is the worse of what the command returns and what its
    /// diagnostics ask for (`RunContext.exitStatus`; 141, quietly, when
    /// standard output's reader went away).
    ///
    /// Standard output is written through `StandardOutput` only, and
    /// closed here, checked: a JSON summary that cannot be written, or a
    /// close that reports a lost write, is exit 1 with a message; a reader
    /// that went away is 141, quietly (and then no JSON is attempted, nor
    /// after a write there that failed: its message was said once).
    func report(command: String, inputs: [String], quiet: Bool, verbose: Bool = false, context: RunContext,
                _ work: () -> BaleCore.ExitCode) -> ArgumentParser.ExitCode {
        let progress = !quiet && !verbose && !noProgress && Progress.isWanted(besidePipes: forcesProgress)
            ? Progress(summary: context.summary) : nil
        // The JSON summary is written at the end; a name it cannot have
        // is said before the work, which is then not done.
        var refused = false
        var guarded: GuardedOutputName?
        if let jsonFile {
            do throws(BaleError) { try AtomicOutputFile.checkCanBeMade(jsonFile) } catch {
                context.fail(error, writing: "the JSON summary")
                refused = true
            }
            // An input named as the summary's file would be replaced by it
            // (`gzip -k g --json-file g` left the JSON, exit 0): refused,
            // nothing done.
            if !refused, let input = inputs.first(where: { $0 != "-" && OutputDestination.sameFile($0, jsonFile) }) {
                context.report(.error(path: jsonFile, "is an input of this run ('\(input)'): the JSON summary would replace it"))
                refused = true
            }
            // And an output this run makes there (`gzip f --json-file
            // f.gz`, `pack d --json-file d.tar.gz`, a file `unpack`
            // extracts) is not replaced at the end: the summary goes only
            // where the name holds what it held at the start.
            guarded = GuardedOutputName(jsonFile)
            // An earlier report inside a tree this run walks is an output,
            // never an input: stored, hashed or compressed, it was the
            // emptied file, beside the report written at the end.
            if !refused, let earlier = RunReport.emptyEarlierReport(at: jsonFile) {
                context.reportFile = OutputOfThisRun(earlier, is: .report)
            }
        }
        var status = max(refused ? .failure : work(), context.exitStatus)
        progress?.stop()
        for (path, reason) in AtomicOutputFile.takeLeftBehind() {
            context.report(.error(path: path, "a temporary file of this run is left: it cannot be removed (\(reason))"))
        }
        status = max(status, context.exitStatus)
        // Asked only for a report that shows them: finding them reads the
        // process's cgroup files (a dozen calls at the end of every run
        // that named its -p otherwise).
        if stats { FileIO.reportRaw(RunReport.stageTable(context.summary, cores: EngineSettings.usableCPUs)) }
        if !refused && (json || jsonFile != nil) {
            let text = Array(RunReport.json(context, command: command, inputs: inputs,
                                            exitStatus: status.rawValue, cores: EngineSettings.usableCPUs).utf8)
            if let jsonFile, let guarded {
                do throws(BaleError) {
                    let file = try AtomicOutputFile(path: jsonFile)
                    try file.write(text)
                    if try !guarded.commit(file, sync: false) {
                        file.discard()
                        context.report(.error(path: jsonFile, "was made or replaced while bale worked (an output of this run?); "
                                              + "the JSON summary not written there"))
                    }
                } catch {
                    context.fail(error, writing: "the JSON summary")
                }
            } else if status != .brokenPipe && !StandardOutput.hasFailed {
                do throws(BaleError) { try StandardOutput.write(text) } catch { context.fail(error) }
            }
        }
        do throws(BaleError) { try StandardOutput.close() } catch {
            if status != .brokenPipe { context.fail(error) }
        }
        status = max(status, context.exitStatus)
        return ArgumentParser.ExitCode(status.rawValue)
    }
}
