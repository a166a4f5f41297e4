import ArgumentParser
import BaleCore

#if canImport(Glibc)
import Glibc
#endif

struct Unpack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpack",
        _superCommandName: "bale",
        abstract: "Extract a .tar.gz, .tgz or .tar (from any tool), safely.",
        discussion: """
        bale's own archives are decompressed in parallel. Safe by default: \
        entries with '..' are refused, a leading '/' is stripped, nothing is \
        written through a symbolic link, and hard links must stay inside DIR. \
        As GNU tar: as root, entries get the archive's modes in full \
        (setuid/setgid too) and their owners (unless --no-same-owner); \
        anyone else gets the modes less the umask, without setuid/setgid \
        (unless --same-permissions). A file already there is replaced \
        atomically (unless -k, --skip-old-files, --keep-newer-files). Each \
        refused entry, and each that cannot be written (a full disk: the \
        next entries are still tried), is named, and the exit status is 1. \
        Extended attributes, ACLs and capabilities are restored (ACLs with \
        the modes in full, as bsdtar: as root or with --same-permissions; \
        security.* and trusted.* as root; --no-xattrs: none). An entry of \
        bale's own archive (a file) that differs from what the archive's \
        index records of it (its name, type, mode, owner, size, link target \
        and place: what bale list shows) is not extracted (exit 1): the \
        archive was changed after bale made it. Content is held to its \
        members' CRC-32s as it is inflated; to the SHA-256 the index keeps \
        of each file (an archive made with pack --manifest: others keep \
        none), only by bale verify (a member re-deflated with its CRC-32s \
        made anew passes the first).

        Examples:
          bale unpack logs.tar.gz
          bale unpack backup.tgz -C /srv/restore
          bale unpack src.tar.gz --strip-components 1 --exclude '*.o' -C src
          bale unpack backup.tar.gz home/ann/notes.txt etc/hosts -C /tmp/r
          bale unpack logs.tar.gz --wildcards '*/2026-11-*.log'

        Named entries (PATH, --wildcards PATTERN) are chosen as tar -x NAME \
        chooses them: a PATH is the entry of exactly that name, and a \
        directory comes with everything under it; a PATTERN is matched on \
        the whole name, * matching '/' too; C escapes in both (\\\\, \\n, \\t, \\012) \
        are undone, as tar's --unquote does. A name that matches nothing is \
        'Not found in archive' (exit 2). From bale's indexed archives only \
        the members holding the named entries are read, on all workers; a \
        hard link named without its target gets the target's content.
        """)

    @Argument(help: "The archive (- for standard input).")
    var archive: String

    @Argument(help: ArgumentHelp("Extract only these entries (a directory with everything under it); default: all.",
                                 valueName: "path"))
    var givenPaths: [String] = []
    /// The paths given (long runs joined for the parser split again: `JoinedArguments`).
    var paths: [String] { JoinedArguments.split(givenPaths) }

    @Option(name: .customLong("wildcards"), help: ArgumentHelp(
        "Also extract the entries this pattern matches (fnmatch on the whole name, * matching '/'; repeatable).",
        valueName: "pattern"))
    var wildcards: [String] = []

    @Option(name: .customShort("C", allowingJoined: true), help: ArgumentHelp("Extract into DIR (created if missing).", valueName: "DIR"))
    var directories: [String] = []
    /// The one -C given, or the current directory (`validate` refuses a second).
    var directory: String { directories.last ?? "." }

    @Option(name: .customLong("strip-components"), help: ArgumentHelp(
        "Remove N leading components from names (and hard links' targets); skip entries with no more.", valueName: "n"))
    var stripComponents = 0

    @Option(name: .customLong("exclude"), help: ArgumentHelp(
        "Do not extract names matching this glob, at any depth, with what is under them (repeatable).", valueName: "glob"))
    var excludes: [String] = []

    @Flag(name: [.customShort("k"), .customLong("keep-old-files")], help: "Keep files already there; each is an error (exit 2).")
    var keepOldFiles = false

    @Flag(name: .customLong("skip-old-files"), help: "Keep files already there, silently.")
    var skipOldFiles = false

    @Flag(name: .customLong("keep-newer-files"), help: "Keep files already there that are as new as the entry or newer.")
    var keepNewerFiles = false

    @Flag(name: [.customShort("m"), .customLong("touch")], help: "Do not restore modification times (files get the time of extraction).")
    var touch = false

    @Flag(name: [.customLong("same-permissions"), .customLong("preserve-permissions")],
          help: "Give the archive's modes in full, setuid/setgid and ACLs too (done by default as root).")
    var samePermissions = false

    @Flag(name: .customLong("no-same-permissions"), help: "Give the modes less the umask, without setuid/setgid or ACLs (done by default when not root).")
    var noSamePermissions = false

    @Flag(name: .customLong("no-same-owner"), help: "Do not give entries their owners (done by default as root).")
    var noSameOwner = false

    @Flag(name: .customLong("numeric-owner"), help: "Give owners by the archive's numeric ids, not by user and group names.")
    var numericOwner = false

    @Flag(name: .customLong("no-xattrs"), help: "Do not restore extended attributes, ACLs and capabilities.")
    var noXattrs = false

    @OptionGroup var engine: EngineOptions

    @Flag(name: .shortAndLong, help: "Name each entry on standard output, as tar -xv does.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Suppress warnings.")
    var quiet = false

    func validate() throws {
        try requireNonEmpty(archive, "the archive", "a file name (- for standard input)")
        try requireOneDirectory(directories)
        try requireNonEmpty(excludes, "--exclude", "a glob")
        try requireNonEmpty(paths, "a PATH", "an entry's name")
        try engine.requireJSONApart(verbose, "the names -v lists")
        try requireNonEmpty(wildcards, "--wildcards", "a pattern")
        if stripComponents < 0 { throw ValidationError("--strip-components takes a number of components, 0 or more") }
        if [keepOldFiles, skipOldFiles, keepNewerFiles].filter({ $0 }).count > 1 {
            throw ValidationError("give only one of -k (--keep-old-files), --skip-old-files and --keep-newer-files")
        }
        if samePermissions && noSamePermissions {
            throw ValidationError("--same-permissions and --no-same-permissions cannot go together")
        }
    }

    func run() throws {
        var options = UnpackCommand.Options()
        options.archive = archive
        options.directory = directory
        options.selection = EntrySelection(paths: paths.map(TerminalText.bytes(ofName:)),
                                           patterns: wildcards.map(TerminalText.bytes(ofName:)))
        var policy = ExtractionPolicy()
        policy.stripComponents = stripComponents
        policy.exclusions = ExclusionPatterns(excludes)
        policy.existingFiles = keepOldFiles ? .keep : skipOldFiles ? .skip : keepNewerFiles ? .keepNewer : .replace
        policy.restoresTimes = !touch
        if samePermissions { policy.modes = .archived }
        if noSamePermissions { policy.modes = .lessUmask }
        if noSameOwner { policy.restoresOwners = false }
        policy.numericOwner = numericOwner
        policy.restoresAttributes = !noXattrs
        options.policy = policy
        options.engine = engine.settings
        options.context = RunContext(quiet: quiet, verbose: verbose)
        throw engine.report(command: "unpack", inputs: [archive] + paths + wildcards, quiet: quiet, verbose: verbose, context: options.context) { UnpackCommand(options: options).run() }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        _superCommandName: "bale",
        abstract: "List the entries of a .tar.gz, .tgz or .tar, as tar -tv does.",
        discussion: """
        Any archive is read (GNU tar, bsdtar, pigz, bale). bale's own \
        indexed archives are listed from their index, checked against the \
        entries of their first and last members: the members between are \
        not read, so damage there goes unseen (bale verify reads every \
        byte). Nothing is written.

        Examples:
          bale list logs.tar.gz
          bale list logs.tar.gz | grep '\\.log$'
          bale list --json-file summary.json logs.tar.gz > entries.txt
        """)

    @Argument(help: "The archive (- for standard input).")
    var archive: String

    @Option(name: .customLong("exclude"), help: ArgumentHelp(
        "Do not list names matching this glob, at any depth, with what is under them (repeatable).", valueName: "glob"))
    var excludes: [String] = []

    // `tar -tvf`'s habit: `bale list -v x.tgz` was a usage error (exit 64)
    // for a listing that is always tar -tv's.
    @Flag(name: [.customShort("v"), .customLong("verbose")],
          help: "Accepted, as in tar -tv: the listing is always tar -tv's columns.")
    var verbose = false

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        try requireNonEmpty(archive, "the archive", "a file name (- for standard input)")
        try requireNonEmpty(excludes, "--exclude", "a glob")
        try engine.requireJSONApart(true, "the listing")
    }

    func run() throws {
        var options = UnpackCommand.Options()
        options.archive = archive
        options.policy.exclusions = ExclusionPatterns(excludes)
        options.mode = .list
        options.engine = engine.settings
        throw engine.report(command: "list", inputs: [archive], quiet: true, context: options.context) { UnpackCommand(options: options).run() }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        _superCommandName: "bale",
        abstract: "Check an archive or a .gz without extracting it.",
        discussion: """
        Checks every gzip member's CRC and size and, for a tar (plain or \
        in a gzip, whatever its name: its first header says), that the tar \
        structure is whole; with --manifest, that every file listed has the \
        listed SHA-256 in the archive. bale's own files are checked on all \
        workers, and a bale archive in a file is held to its index: every \
        entry's header, and each file's SHA-256 where the index keeps one \
        (an archive made with pack --manifest). On damage, names the offset of the first damaged member and \
        the entry it falls in or after.

        Exit 0: OK. Exit 1: damage, a file that does not match the \
        manifest, or an input that is neither gzip nor tar. Exit 2, "read \
        with warnings": bytes that are not gzip after the last member \
        (trailing garbage, as gunzip -t warns), or a tar stream that ends \
        without its end-of-archive blocks (it may be truncated).

        Examples:
          bale verify backup.tar.gz
          bale verify backup.tar.gz --manifest backup.sha256
        """)

    @Argument(help: "The archive or .gz file (- for standard input).")
    var archive: String

    @Option(name: .customLong("manifest"), help: "Check each file's SHA-256 against this sha256sum-style list.")
    var manifest: String?

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        try requireNonEmpty(archive, "the archive", "a file name (- for standard input)")
        try requireNonEmpty(manifest, "--manifest", "a file name")
    }

    func run() throws {
        var options = UnpackCommand.Options()
        options.archive = archive
        options.mode = .verify(manifest: manifest)
        options.engine = engine.settings
        options.printsVerdict = !engine.json
        throw engine.report(command: "verify", inputs: [archive], quiet: false, context: options.context) { UnpackCommand(options: options).run() }
    }
}
