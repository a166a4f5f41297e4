import ArgumentParser
import BaleCore

/// `bale cat ARCHIVE PATH...`: the named entries' contents on standard
/// output, as `tar -xOf ARCHIVE PATH...` writes them.
struct Cat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        _superCommandName: "bale",
        abstract: "Write the content of the named entries of an archive to standard output, as tar -xOf.",
        discussion: """
        The regular files among the named entries (a directory: every file \
        under it) are written one after another, in the archive's order, \
        with nothing between them; directories, symbolic links and devices \
        write nothing, a hard link its target's content (from an indexed \
        archive; without an index nothing, as tar -xO). Names are chosen \
        as tar -x NAME chooses them (see bale unpack --help); a name that \
        matches nothing is 'Not found in archive' (exit 2). Any archive is \
        read (GNU tar, bsdtar, pigz, bale); from bale's indexed archives \
        only the members holding the named entries are read and inflated, \
        so one file comes out of a large archive at once.

        Examples:
          bale cat backup.tar.gz etc/hosts
          bale cat logs.tar.gz --wildcards 'app/*.log' | grep ERROR
          bale cat data.tar.gz data/table.csv > table.csv
        """)

    @Argument(help: "The archive (- for standard input).")
    var archive: String

    @Argument(help: ArgumentHelp("The entries to write (a directory: the files under it); default: all.",
                                 valueName: "path"))
    var givenPaths: [String] = []
    /// The paths given (long runs joined for the parser split again: `JoinedArguments`).
    var paths: [String] { JoinedArguments.split(givenPaths) }

    @Option(name: .customLong("wildcards"), help: ArgumentHelp(
        "Also write the entries this pattern matches (fnmatch on the whole name, * matching '/'; repeatable).",
        valueName: "pattern"))
    var wildcards: [String] = []

    @Option(name: .customLong("exclude"), help: ArgumentHelp(
        "Leave out names matching this glob, at any depth, with what is under them (repeatable).", valueName: "glob"))
    var excludes: [String] = []

    @OptionGroup var engine: EngineOptions

    @Flag(name: .shortAndLong, help: "Suppress warnings.")
    var quiet = false

    func validate() throws {
        try requireNonEmpty(archive, "the archive", "a file name (- for standard input)")
        try requireNonEmpty(paths, "a PATH", "an entry's name")
        try requireNonEmpty(wildcards, "--wildcards", "a pattern")
        try requireNonEmpty(excludes, "--exclude", "a glob")
        try engine.requireJSONApart(true, "the entries' content")
    }

    func run() throws {
        var options = CatCommand.Options()
        options.archive = archive
        options.selection = EntrySelection(paths: paths.map(TerminalText.bytes(ofName:)),
                                           patterns: wildcards.map(TerminalText.bytes(ofName:)))
        options.exclusions = ExclusionPatterns(excludes)
        options.engine = engine.settings
        options.context = RunContext(quiet: quiet, verbose: false)
        throw engine.report(command: "cat", inputs: [archive] + paths + wildcards, quiet: quiet,
                            context: options.context) { CatCommand(options: options).run() }
    }
}
