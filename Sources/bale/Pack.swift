import ArgumentParser
import BaleCore

#if canImport(Glibc)
import Glibc
#endif

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

    @OptionGroup var level: LevelOptions

    @Option(name: .customLong("shard"), help: shardHelp)
    var shard: Shard?

    @Option(name: .customLong("manifest"), help: "Also write the SHA-256 of every file, as sha256sum does, to FILE (- for standard output).")
    var manifest: String?

    @Flag(name: [.customShort("S"), .customLong("sparse")],
          help: "Store files with holes as sparse files (GNU tar's pax format, as tar -S): only their data is read and stored.")
    var sparse = false

    @OptionGroup var engine: EngineOptions

    @Flag(name: .shortAndLong, help: "Replace an existing default-named archive; write to a terminal.")
    var force = false

    @Flag(name: .shortAndLong, help: "List each entry on standard error.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Suppress warnings.")
    var quiet = false

    func validate() throws {
        _ = try level.resolved(codec: engine.codec)
        if manifest == "-" && output == "-" { throw ValidationError("the archive and the manifest cannot both go to standard output") }
    }

    func run() throws {
        var options = PackCommand.Options()
        options.paths = paths
        options.outputPath = output
        options.directory = directory
        options.walker.dereference = dereference
        options.walker.excludes = excludes
        options.walker.oneFileSystem = oneFileSystem
        options.walker.shard = shard
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
        options.level = try level.resolved(codec: engine.codec)
        options.manifestPath = manifest
        options.sparse = sparse
        options.engine = engine.settings
        options.force = force
        options.messages = Messages(quiet: quiet, verbose: verbose)
        throw engine.report(command: "pack", inputs: paths, quiet: quiet, verbose: verbose) { PackCommand(options: options).run() }
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
