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
        Exit status: 0 success, 1 error, 2 warning (something skipped), \
        141 standard output closed early.
        """,
        subcommands: [Gzip.self, Gunzip.self, Pack.self, Unpack.self, List.self]
    )

    static func main() {
        MemoryTuning.apply()
        // Worker mode: the parent started this executable again to do CPU work.
        if CommandLine.arguments.count == 2 && CommandLine.arguments[1] == WorkerProcess.modeArgument {
            Glibc.exit(WorkerLoop.run())
        }
        AtomicOutputFile.installSignalCleanup()
        Self.main(LevelArguments.rewrite(Array(CommandLine.arguments.dropFirst())))
    }
}

/// gzip's `-1` … `-9`, `--fast` and `--best`, which argument-parser cannot
/// spell as flags, rewritten to `--level N` before parsing.
enum LevelArguments {
    static func rewrite(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var passedTerminator = false
        for argument in arguments {
            if passedTerminator { result.append(argument); continue }
            switch argument {
            case "--": passedTerminator = true; result.append(argument)
            case "--fast": result += ["--level", "1"]
            case "--best": result += ["--level", "9"]
            case _ where argument.count == 2 && argument.first == "-" && ("1"..."9").contains(argument.last!):
                result += ["--level", String(argument.last!)]
            default: result.append(argument)
            }
        }
        return result
    }
}

/// Options shared by `bale gzip` and `bale gunzip`.
struct GzipOptions: ParsableArguments {
    @Flag(name: [.customShort("c"), .customLong("stdout")], help: "Write to standard output; keep the input files.")
    var toStandardOutput = false

    @Option(name: .customShort("o"), help: "Write the output to FILE (one input only); keep the input.")
    var output: String?

    @Flag(name: .shortAndLong, help: "Keep the input files.")
    var keep = false

    @Flag(name: .shortAndLong, help: "Overwrite existing outputs; compress links, multi-linked and setuid files; write to a terminal.")
    var force = false

    @Option(name: .customLong("level"), help: "Compression level, 1 (fastest) to 9 (smallest); also -1 … -9, --fast, --best.")
    var level: Int32 = 6

    @Option(name: [.customShort("p"), .customLong("jobs")], help: "Worker processes (default: online cores).")
    var jobs: Int?

    @Option(name: .customLong("io-threads"), help: "Reader threads.")
    var ioThreads: Int = 2

    @Option(name: [.customShort("S"), .customLong("suffix")], help: "Suffix of compressed files.")
    var suffix = ".gz"

    @Flag(name: .shortAndLong, help: "Suppress warnings.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Name each file processed, with its ratio.")
    var verbose = false

    @Option(name: .customLong("chunk-size"), help: ArgumentHelp("Chunk size in KiB (for measurement).", visibility: .hidden))
    var chunkKiB: Int = 4096

    @Argument(help: "Files to process; none or - for standard input to standard output.")
    var files: [String] = []

    func validate() throws {
        guard (1...9).contains(level) else { throw ValidationError("the level must be 1 to 9") }
        guard jobs.map({ $0 >= 1 && $0 <= 256 }) ?? true else { throw ValidationError("-p takes 1 to 256 jobs") }
        guard (1...64).contains(ioThreads) else { throw ValidationError("--io-threads takes 1 to 64") }
        guard (64...(32 << 10)).contains(chunkKiB) else { throw ValidationError("--chunk-size takes 64 to 32768 KiB") }
    }

    func commandOptions(decompress: Bool, test: Bool) -> GzipCommand.Options {
        var options = GzipCommand.Options()
        options.files = files
        options.decompress = decompress
        options.test = test
        options.toStandardOutput = toStandardOutput
        options.outputPath = output == "-" ? nil : output
        if output == "-" { options.toStandardOutput = true }
        options.keep = keep || toStandardOutput || output != nil
        options.force = force
        options.level = level
        options.engine.jobs = jobs ?? 0
        options.suffix = suffix
        options.messages = Messages(quiet: quiet, verbose: verbose)
        options.engine.pipeline.ioThreads = ioThreads
        options.engine.pipeline.chunkSize = chunkKiB << 10
        return options
    }
}

struct Gzip: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compress files (or standard input) to gzip, in parallel.",
        discussion: """
        Each FILE becomes FILE.gz, written under a temporary name and renamed \
        into place when complete; FILE is removed only then (unless -k, -c or -o). \
        The output is standard gzip: gzip, pigz, zcat and python read it.

        Examples:
          bale gzip big.log                  # big.log -> big.log.gz
          bale gzip -9 -k data.csv           # keep data.csv
          tar -cf - dir | bale gzip > dir.tar.gz
          bale gzip -d big.log.gz            # same as bale gunzip
        """)

    @OptionGroup var common: GzipOptions

    @Flag(name: .shortAndLong, help: "Decompress (as bale gunzip).")
    var decompress = false

    @Flag(name: .shortAndLong, help: "Test compressed files: decompress and check, write nothing.")
    var test = false

    func run() throws {
        let status = GzipCommand(options: common.commandOptions(decompress: decompress, test: test)).run()
        throw ArgumentParser.ExitCode(status.rawValue)
    }
}

struct Gunzip: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decompress gzip files (or standard input), bale's own in parallel.",
        discussion: """
        Any gzip input is accepted: single or multi-member, from gzip, pigz or \
        any other tool. Files written by bale are split at their members and \
        decompressed on all workers.

        Examples:
          bale gunzip big.log.gz             # big.log.gz -> big.log
          bale gunzip -c big.log.gz | less
        """)

    @OptionGroup var common: GzipOptions

    @Flag(name: .shortAndLong, help: "Test compressed files: decompress and check, write nothing.")
    var test = false

    func run() throws {
        let status = GzipCommand(options: common.commandOptions(decompress: true, test: test)).run()
        throw ArgumentParser.ExitCode(status.rawValue)
    }
}

struct Pack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pack files and directory trees into a .tar.gz, compressed in parallel.",
        discussion: """
        The archive is a POSIX tar (pax where ustar cannot hold a field), \
        compressed as standard gzip: GNU tar, bsdtar and python read it. \
        Entries are in a fixed order (names sorted by bytes, depth first), \
        so the same tree gives the same bytes for any -p.

        Examples:
          bale pack logs/                       # -> logs.tar.gz
          bale pack -C /srv data -o /backup/data.tar.gz
          bale pack src --exclude '*.o' -o - | ssh host 'cat > src.tar.gz'
        """)

    @Argument(help: "Files and directories to pack (or --files-from).")
    var paths: [String] = []

    @Option(name: .customShort("o"), help: "The archive (default: NAME.tar.gz beside the first path; - for standard output).")
    var output: String?

    @Option(name: .customShort("C"), help: "Change to DIR before reading the paths.")
    var directory: String?

    @Flag(name: [.customShort("h"), .customLong("dereference")], help: "Follow symbolic links; store what they point to.")
    var dereference = false

    @Option(name: .customLong("exclude"), help: "Leave out names matching this glob (repeatable).")
    var excludes: [String] = []

    @Option(name: [.customShort("T"), .customLong("files-from")], help: "Also pack the paths listed in FILE (- for standard input).")
    var filesFrom: String?

    @Flag(name: .customLong("null"), help: "Names in --files-from end with NUL (find -print0).")
    var null = false

    @Flag(name: .customLong("one-file-system"), help: "Do not descend into other file systems.")
    var oneFileSystem = false

    @Option(name: .customLong("mtime"), help: "Give every entry this time: @SECONDS or YYYY-MM-DD[ HH:MM:SS] (local time).")
    var mtime: String?

    @Option(name: .customLong("owner"), help: "Give every entry this owner: NAME, NAME:UID or UID.")
    var owner: String?

    @Option(name: .customLong("group"), help: "Give every entry this group: NAME, NAME:GID or GID.")
    var group: String?

    @Flag(name: .customLong("numeric-owner"), help: "Store user and group ids only, no names.")
    var numericOwner = false

    @Option(name: .customLong("level"), help: "Compression level, 1 to 9; also -1 … -9.")
    var level: Int32 = 6

    @Option(name: [.customShort("p"), .customLong("jobs")], help: "Worker processes (default: online cores).")
    var jobs: Int?

    @Option(name: .customLong("io-threads"), help: "Reader threads.")
    var ioThreads: Int = 2

    @Flag(name: .shortAndLong, help: "Replace an existing default-named archive; write to a terminal.")
    var force = false

    @Flag(name: .shortAndLong, help: "List each entry on standard error.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Suppress warnings.")
    var quiet = false

    func validate() throws {
        guard (1...9).contains(level) else { throw ValidationError("the level must be 1 to 9") }
        guard jobs.map({ $0 >= 1 && $0 <= 256 }) ?? true else { throw ValidationError("-p takes 1 to 256 jobs") }
        guard (1...64).contains(ioThreads) else { throw ValidationError("--io-threads takes 1 to 64") }
    }

    func run() throws {
        var options = PackCommand.Options()
        options.paths = paths
        options.outputPath = output
        options.directory = directory
        options.walker.dereference = dereference
        options.walker.excludes = excludes
        options.walker.oneFileSystem = oneFileSystem
        options.filesFrom = filesFrom
        options.nullSeparated = null
        options.numericOwner = numericOwner
        if let mtime {
            guard let seconds = Reproducible.time(mtime) else { throw ValidationError("--mtime: cannot read '\(mtime)'") }
            options.mtime = seconds
        }
        if let owner {
            guard let value = Reproducible.identity(owner, lookUp: Reproducible.userID) else {
                throw ValidationError("--owner: no such user '\(owner)'")
            }
            options.owner = value
        }
        if let group {
            guard let value = Reproducible.identity(group, lookUp: Reproducible.groupID) else {
                throw ValidationError("--group: no such group '\(group)'")
            }
            options.group = value
        }
        options.level = level
        options.engine.jobs = jobs ?? 0
        options.force = force
        options.messages = Messages(quiet: quiet, verbose: verbose)
        options.engine.pipeline.ioThreads = ioThreads
        throw ArgumentParser.ExitCode(PackCommand(options: options).run().rawValue)
    }
}

struct Unpack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extract a .tar.gz, .tgz or .tar (from any tool), safely.",
        discussion: """
        bale's own archives are decompressed in parallel. Safe by default: \
        entries with '..' are refused, a leading '/' is stripped, nothing is \
        written through a symbolic link, hard links must stay inside DIR, and \
        setuid/setgid bits are dropped (unless --same-permissions). Each \
        refused entry is named in a warning, and the exit status is 1.

        Examples:
          bale unpack logs.tar.gz
          bale unpack backup.tgz -C /srv/restore
        """)

    @Argument(help: "The archive (- for standard input).")
    var archive: String

    @Option(name: .customShort("C"), help: "Extract into DIR (created if missing).")
    var directory = "."

    @Flag(name: .customLong("same-permissions"), help: "Keep setuid and setgid bits.")
    var samePermissions = false

    @Option(name: [.customShort("p"), .customLong("jobs")], help: "Worker processes (default: online cores).")
    var jobs: Int?

    @Flag(name: .shortAndLong, help: "Name each entry on standard error.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Suppress warnings.")
    var quiet = false

    func run() throws {
        var options = UnpackCommand.Options()
        options.archive = archive
        options.directory = directory
        options.samePermissions = samePermissions
        options.engine.jobs = jobs ?? 0
        options.messages = Messages(quiet: quiet, verbose: verbose)
        throw ArgumentParser.ExitCode(UnpackCommand(options: options).run().rawValue)
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the entries of a .tar.gz, .tgz or .tar, as tar -tv does.")

    @Argument(help: "The archive (- for standard input).")
    var archive: String

    @Option(name: [.customShort("p"), .customLong("jobs")], help: "Worker processes (default: online cores).")
    var jobs: Int?

    func run() throws {
        var options = UnpackCommand.Options()
        options.archive = archive
        options.listOnly = true
        options.engine.jobs = jobs ?? 0
        throw ArgumentParser.ExitCode(UnpackCommand(options: options).run().rawValue)
    }
}

/// Parsing of the reproducible-archive options of `bale pack`.
enum Reproducible {
    /// "@SECONDS", or "YYYY-MM-DD" / "YYYY-MM-DD HH:MM:SS" in local time, as GNU tar reads them.
    static func time(_ text: String) -> Int64? {
        if text.hasPrefix("@") { return Int64(text.dropFirst()) }
        // YYYY-MM-DD, then optionally HH:MM:SS after a space or a T.
        let fields = text.split(whereSeparator: { "- T:".contains($0) }).map { Int32($0) }
        guard fields.count == 3 || fields.count == 6, fields.allSatisfy({ $0 != nil }) else { return nil }
        let numbers = fields.map { $0! }
        var parts = tm()
        parts.tm_year = numbers[0] - 1900
        parts.tm_mon = numbers[1] - 1
        parts.tm_mday = numbers[2]
        if numbers.count == 6 {
            parts.tm_hour = numbers[3]
            parts.tm_min = numbers[4]
            parts.tm_sec = numbers[5]
        }
        parts.tm_isdst = -1
        let seconds = mktime(&parts)
        if seconds != -1 { return Int64(seconds) }
        return nil
    }

    /// NAME, NAME:ID or ID; a NAME alone is looked up.
    static func identity(_ text: String, lookUp: (String) -> UInt32?) -> (name: [UInt8], id: UInt32)? {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2, let id = UInt32(parts[1]) { return (Array(parts[0].utf8), id) }
        if let id = UInt32(text) { return ([], id) }
        guard let id = lookUp(text) else { return nil }
        return (Array(text.utf8), id)
    }

    static func userID(_ name: String) -> UInt32? { getpwnam(name).map { $0.pointee.pw_uid } }
    static func groupID(_ name: String) -> UInt32? { getgrnam(name).map { $0.pointee.gr_gid } }
}
