import ArgumentParser
import BaleCore

#if canImport(Glibc)
import Glibc
#endif

struct Unpack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extract a .tar.gz, .tgz or .tar (from any tool), safely.",
        discussion: """
        bale's own archives are decompressed in parallel. Safe by default: \
        entries with '..' are refused, a leading '/' is stripped, nothing is \
        written through a symbolic link, hard links must stay inside DIR, and \
        setuid/setgid bits are dropped (unless --same-permissions). As root, \
        owners are restored (unless --no-same-owner). Each \
        refused entry, and each that cannot be written (a full disk: the \
        next entries are still tried), is named, and the exit status is 1. \
        Extended attributes, ACLs and capabilities are restored (security.* \
        and trusted.* as root; --no-xattrs: none).

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

    @Flag(name: .customLong("no-same-owner"), help: "Do not give entries their owners (done by default as root).")
    var noSameOwner = false

    @Flag(name: .customLong("no-xattrs"), help: "Do not restore extended attributes, ACLs and capabilities.")
    var noXattrs = false

    @OptionGroup var engine: EngineOptions

    @Flag(name: .shortAndLong, help: "Name each entry on standard output, as tar -xv does.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Suppress warnings.")
    var quiet = false

    func validate() throws {
        try requireNonEmpty(archive, "the archive", "a file name (- for standard input)")
        try requireNonEmpty(directory, "-C", "a directory")
    }

    func run() throws {
        var options = UnpackCommand.Options()
        options.archive = archive
        options.directory = directory
        options.samePermissions = samePermissions
        if noSameOwner { options.restoreOwners = false }
        options.restoresAttributes = !noXattrs
        options.engine = engine.settings
        options.context = RunContext(quiet: quiet, verbose: verbose)
        throw engine.report(command: "unpack", inputs: [archive], quiet: quiet, verbose: verbose, context: options.context) { UnpackCommand(options: options).run() }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the entries of a .tar.gz, .tgz or .tar, as tar -tv does.",
        discussion: """
        Any archive is read (GNU tar, bsdtar, pigz, bale); bale's own are \
        decompressed in parallel. Nothing is written.

        Examples:
          bale list logs.tar.gz
          bale list logs.tar.gz | grep '\\.log$'
          bale list --json-file summary.json logs.tar.gz > entries.txt
        """)

    @Argument(help: "The archive (- for standard input).")
    var archive: String

    @OptionGroup var engine: EngineOptions

    func validate() throws { try requireNonEmpty(archive, "the archive", "a file name (- for standard input)") }

    func run() throws {
        var options = UnpackCommand.Options()
        options.archive = archive
        options.listOnly = true
        options.engine = engine.settings
        throw engine.report(command: "list", inputs: [archive], quiet: true, context: options.context) { UnpackCommand(options: options).run() }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an archive or a .gz without extracting it.",
        discussion: """
        Checks every gzip member's CRC and size and, for a .tar.gz, .tgz or \
        .tar, that the tar structure is whole; with --manifest, that every \
        file listed has the listed SHA-256 in the archive. bale's own files \
        are checked on all workers. On damage, names the offset of the first \
        damaged member and the entry it falls in or after. Exit 0 or 1.

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
        options.verifyOnly = true
        options.manifest = manifest
        options.engine = engine.settings
        throw engine.report(command: "verify", inputs: [archive], quiet: false, context: options.context) { UnpackCommand(options: options).run() }
    }
}
