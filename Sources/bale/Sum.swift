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

    @Flag(name: .long, help: "With -c: print only the failures.")
    var quiet = false

    @Option(name: .customLong("shard"), help: shardHelp)
    var shard: Shard?

    @OptionGroup var engine: EngineOptions

    @Argument(help: "Files and directories to hash (- or none: standard input).")
    var paths: [String] = []

    func validate() throws {
        if quiet && !check { throw ValidationError("--quiet goes with -c") }
        if check { try requireNonEmpty(paths, "-c", "manifest files (- for standard input)") }
        if check && shard != nil { throw ValidationError("--shard goes with paths to hash, not with -c") }
    }

    func run() throws {
        var options = SumCommand.Options()
        options.paths = paths
        options.check = check
        options.quiet = quiet
        options.shard = shard
        options.engine = engine.settings
        throw engine.report(command: "sum", inputs: check && paths.isEmpty ? ["-"] : paths, quiet: quiet, context: options.context) { SumCommand(options: options).run() }
    }
}
