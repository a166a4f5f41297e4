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
        symbolic links inside them are not followed. With -c, checks the \
        files a manifest lists and prints what sha256sum -c prints: NAME: OK, \
        NAME: FAILED or NAME: FAILED open or read, its warnings, exit 1 on \
        any failure or when no line of the manifest is well formed. With no \
        path, or the path -, standard input is hashed, as sha256sum hashes it.

        Examples:
          bale sum data/ > data.sha256
          bale sum -c data.sha256
        """)

    @Option(name: [.customShort("c", allowingJoined: true), .customLong("check")], help: "Check the digests listed in MANIFEST.")
    var check: String?

    @Flag(name: .long, help: "With -c: print only the failures.")
    var quiet = false

    @Option(name: .customLong("shard"), help: shardHelp)
    var shard: Shard?

    @OptionGroup var engine: EngineOptions

    @Argument(help: "Files and directories to hash (- or none: standard input).")
    var paths: [String] = []

    func validate() throws {
        if check != nil && !paths.isEmpty { throw ValidationError("-c takes the manifest alone: give no paths") }
        if quiet && check == nil { throw ValidationError("--quiet goes with -c") }
        try requireNonEmpty(check, "-c", "a manifest file (- for standard input)")
        if check != nil && shard != nil { throw ValidationError("--shard goes with paths to hash, not with -c") }
    }

    func run() throws {
        var options = SumCommand.Options()
        options.paths = paths
        options.check = check
        options.quiet = quiet
        options.shard = shard
        options.engine = engine.settings
        throw engine.report(command: "sum", inputs: check.map { [$0] } ?? paths, quiet: quiet, context: options.context) { SumCommand(options: options).run() }
    }
}
