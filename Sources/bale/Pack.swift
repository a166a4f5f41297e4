import ArgumentParser
import BaleCore

#if canImport(Glibc)
import Glibc
#endif

struct Pack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        _superCommandName: "bale",
        abstract: "Pack files and directory trees into a .tar.gz, compressed in parallel.",
        discussion: """
        The archive is a POSIX tar (pax where ustar cannot hold a field), \
        compressed as standard gzip: GNU tar, bsdtar and python read it. \
        Entries are in a fixed order (the paths in the order given, as \
        tar keeps them, those of -T after the others; within each tree, names sorted by bytes, depth \
        first), so the same tree gives the same bytes for any -p. Names are stored \
        as GNU tar stores them: a leading '/' and everything up to the last \
        '..' are removed, with a notice. A path given that is missing: no \
        archive, exit 1; trouble inside the trees (a file unreadable, \
        vanished or changed while read): named, the archive whole, exit 2. \
        Extended attributes, ACLs and capabilities are stored as GNU tar \
        --xattrs --acls and bsdtar store them (--no-xattrs: none).

        Examples:
          bale pack logs/                       # -> logs.tar.gz
          bale pack -C /srv data -o /backup/data.tar.gz
          bale pack src --exclude '*.o' -o - | ssh host 'cat > src.tar.gz'
          bale pack --remove-files logs/2024-05 -o /archive/2024-05.tar.gz   # archive, then delete
        """,
        // -h is --dereference, as in GNU tar: help is --help alone (the
        // help listed -h twice, and `pack -h` was the dereference).
        helpNames: [.long])

    @Argument(help: ArgumentHelp("Files and directories to pack (or --files-from).", valueName: "paths"))
    var givenPaths: [String] = []
    /// The paths given (long runs joined for the parser split again: `JoinedArguments`).
    var paths: [String] { JoinedArguments.split(givenPaths) }

    @Option(name: .customShort("o", allowingJoined: true), help: ArgumentHelp("The archive FILE (default: NAME.tar.gz beside the first path; - for standard output).", valueName: "FILE"))
    var output: String?

    @Option(name: .customShort("C", allowingJoined: true), help: ArgumentHelp("Change to DIR before reading the paths (once, before them: it applies to every path).", valueName: "DIR"))
    var directories: [String] = []
    /// The one -C given (`validate` refuses a second).
    var directory: String? { directories.last }

    @Flag(name: [.customShort("h"), .customLong("dereference")], help: "Follow symbolic links; store what they point to.")
    var dereference = false

    @Option(name: .customLong("exclude"), help: "Leave out names matching this glob (repeatable).")
    var excludes: [String] = []

    @Option(name: [.customShort("T", allowingJoined: true), .customLong("files-from")], help: "Also pack the paths listed in FILE (- for standard input).")
    var filesFrom: String?

    @Flag(name: .customLong("null"), help: nullSeparatedHelp)
    var null = false

    @Flag(name: .customLong("one-file-system"), help: "Do not descend into other file systems.")
    var oneFileSystem = false

    @Option(name: .customLong("mtime"), help: "Give every entry this time: @SECONDS or YYYY-MM-DD[ HH:MM[:SS]] (local time); the seconds may have a fraction.")
    var mtime: String?

    @Option(name: .customLong("owner"), help: "Give every entry this owner: NAME, NAME:UID or UID.")
    var owner: String?

    @Option(name: .customLong("group"), help: "Give every entry this group: NAME, NAME:GID or GID.")
    var group: String?

    @Flag(name: .customLong("no-xattrs"), help: "Leave out extended attributes, ACLs and capabilities (stored by default).")
    var noXattrs = false

    @Flag(name: .customLong("numeric-owner"), help: "Store user and group ids only, no names.")
    var numericOwner = false

    @OptionGroup var level: LevelOptions

    @Option(name: .customLong("shard"), help: shardHelp, transform: Shard.parsed)
    var shard: Shard?

    @Option(name: .customLong("manifest"), help: "Also write the SHA-256 of every file, as sha256sum does, to FILE (- for standard output).")
    var manifest: String?

    @Flag(name: [.customShort("S"), .customLong("sparse")],
          help: "Store files of over 1 MiB with holes as sparse files (GNU tar's pax format, as tar -S): only their data is read and stored.")
    var sparse = false

    @Flag(name: .customLong("rsyncable"),
          help: "End each member where the content says, not every 4 MiB, so that after a change rsync sends only the members around it.")
    var rsyncable = false

    @Flag(name: .customLong("no-index"),
          help: "Write no index (by default the archive ends with one, which every gzip and tar skips, for an instant bale list, cat and named unpack).")
    var noIndex = false

    @Flag(name: .customLong("remove-files"),
          help: "Remove what was archived once the archive is whole and on disk (as tar --remove-files, but only after the archive is complete and synced; a file that changed is kept).")
    var removeFiles = false

    @OptionGroup var engine: EngineOptions

    @Flag(name: .shortAndLong, help: "Replace an existing default-named archive (with --remove-files, any archive there); write to a terminal. Not tar's -f: the archive is named with -o.")
    var force = false

    @Flag(name: .shortAndLong, help: "List each entry on standard error.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Suppress warnings.")
    var quiet = false

    func validate() throws {
        _ = try level.resolved(codec: engine.codec)
        if paths.isEmpty && filesFrom == nil { throw ValidationError("give at least one path to pack (or -T FILE)") }
        if paths.contains("") { throw ValidationError("a path to pack cannot be an empty string") }
        try requireNonEmpty(output, "-o", "a file name (- for standard output)")
        try requireOneDirectory(directories)
        if let path = Self.pathBeforeDirectory(RawArguments.commandLine) {
            throw ValidationError("-C comes after '\(path)': bale's -C applies to every path, so it goes before them "
                                  + "(GNU tar's applies only to the paths after it, and would read '\(path)' from here)")
        }
        try requireNonEmpty(filesFrom, "-T", "a file name (- for standard input)")
        try requireNonEmpty(manifest, "--manifest", "a file name (- for standard output)")
        try requireNonEmpty(excludes, "--exclude", "a glob")
        if manifest == "-" && output == "-" { throw ValidationError("the archive and the manifest cannot both go to standard output") }
        // Removing once the archive is safe needs an archive bale can make
        // durable: on standard output it cannot know that the archive
        // reached its reader whole (a pipe, a file it could not sync).
        if removeFiles && output == "-" {
            throw ValidationError("--remove-files needs the archive in a file (-o FILE): on standard output bale cannot know it arrived whole")
        }
        // Following links, what is archived is what they point to, which
        // only a removal through the links could reach.
        if removeFiles && dereference {
            throw ValidationError("--remove-files does not go with -h: the files archived would be the links' targets")
        }
        // `tar -f ARCHIVE` typed as `bale pack -f backup.tar.gz logs`: -f is
        // --force here, so the old archive would be packed as a path, into
        // backup.tar.gz.tar.gz (and with --remove-files removed): refused,
        // naming -o. An archive packed on purpose is named with -o.
        if force, output == nil, let first = paths.first, Self.namesAnArchive(first) {
            throw ValidationError("-f is --force here, not tar's -f: the archive is named with -o "
                                  + "(bale pack -o '\(first)' PATH...); to pack '\(first)' itself, give -o too")
        }
        let archiveOnStandardOutput = EngineOptions.namesStandardOutput(output)
        try engine.requireJSONApart(archiveOnStandardOutput || EngineOptions.namesStandardOutput(manifest),
                                    archiveOnStandardOutput ? "the archive" : "the manifest")
        try engine.requireDistinctOutputs([("-o", output), ("--manifest", manifest)])
        _ = try stamps()
    }

    /// The first path given before a `-C` in `arguments` (the command
    /// line after bale's name), if one is. bale's `-C` applies to every
    /// path; GNU tar's only to the paths after it: `tar -czf t.tgz same -C
    /// in` stores `./same` from where it was started (and says "-C 'in'
    /// has no effect"), where `bale pack same -C in` packed `in/same`, a
    /// different file, exit 0 (a probe helper). So a `-C` after a path is
    /// refused, never read another way than tar's.
    static func pathBeforeDirectory(_ arguments: [String]) -> String? {
        let valueOptions = OptionValues.options["pack"] ?? []
        var path: String?
        var skipsValue = false
        for argument in arguments.drop(while: { $0 != "pack" }).dropFirst() {
            if skipsValue { skipsValue = false; continue }
            if argument == "--" { return nil }  // only paths after it
            if argument.hasPrefix("-C"), let path { return path }  // `-C DIR` or `-CDIR`
            if valueOptions.contains(argument) { skipsValue = true; continue }
            if argument.hasPrefix("-") && argument != "-" { continue }
            if path == nil { path = argument }
        }
        return nil
    }

    /// True when `path` ends as a compressed tar's name does (`.tar.gz`,
    /// `.tgz`, `.tar` and their kin, in any case).
    static func namesAnArchive(_ path: String) -> Bool {
        let name = path.lowercased()
        return [".tar", ".tar.gz", ".tgz", ".taz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tzst"]
            .contains { name.hasSuffix($0) }
    }

    /// --mtime, --owner and --group, read (a malformed one is a usage error).
    private func stamps() throws -> (mtime: PackCommand.Options.Time?, owner: (name: [UInt8], id: UInt32)?,
                                     group: (name: [UInt8], id: UInt32)?) {
        var result: (mtime: PackCommand.Options.Time?, owner: (name: [UInt8], id: UInt32)?,
                     group: (name: [UInt8], id: UInt32)?) = (nil, nil, nil)
        if let mtime {
            guard let time = Reproducible.time(mtime) else {
                throw ValidationError("--mtime takes @SECONDS[.FRACTION] or a real date "
                                      + "YYYY-MM-DD[ HH:MM[:SS[.FRACTION]]], not '\(mtime)'")
            }
            result.mtime = PackCommand.Options.Time(seconds: time.seconds, nanoseconds: time.nanoseconds)
        }
        if let owner { result.owner = try Reproducible.identity(owner, option: "--owner", kind: "user", lookUp: Reproducible.userID,
                                                                  nameOf: Reproducible.userName) }
        if let group { result.group = try Reproducible.identity(group, option: "--group", kind: "group", lookUp: Reproducible.groupID,
                                                                  nameOf: Reproducible.groupName) }
        return result
    }

    func run() throws {
        var options = PackCommand.Options()
        options.paths = paths
        // The path's bytes, kept in the String (`TerminalText.name`): `-o` of a name that is not UTF-8.
        options.outputPath = output
        options.directory = directory
        options.walker.dereference = dereference
        options.walker.excludes = excludes
        options.walker.oneFileSystem = oneFileSystem
        options.walker.shard = shard
        options.walker.storesAttributes = !noXattrs
        options.filesFrom = filesFrom
        options.nullSeparated = null
        options.numericOwner = numericOwner
        let stamps = try stamps()
        options.mtime = stamps.mtime
        options.owner = stamps.owner
        options.group = stamps.group
        options.level = try level.resolved(codec: engine.codec)
        options.manifestPath = manifest
        options.sparse = sparse
        options.rsyncable = rsyncable
        options.writesIndex = !noIndex
        options.removesSources = removeFiles
        options.engine = engine.settings
        options.force = force
        options.context = RunContext(quiet: quiet, verbose: verbose)
        throw engine.report(command: "pack", inputs: paths, quiet: quiet, verbose: verbose, context: options.context) { PackCommand(options: options).run() }
    }
}

/// Parsing of the reproducible-archive options of `bale pack`.
enum Reproducible {
    /// "@SECONDS", or "YYYY-MM-DD" / "YYYY-MM-DD HH:MM[:SS]" in local time,
    /// as GNU tar reads them; the seconds may have a fraction (`@1.5`,
    /// `2024-01-02 03:04:05.25`), as GNU tar takes it and stores it (pax
    /// `mtime=1.5`), to the nanosecond: digits past the ninth are dropped.
    /// A time before 1970 with a fraction is the second before it and the
    /// nanoseconds after that (`@-1.5`: -2 s and 500,000,000 ns), as a
    /// file system's times are kept.
    /// A date that does not exist (month 13, February 30, 25:00) is nil:
    /// mktime would quietly carry it into the next month or year.
    static func time(_ text: String) -> (seconds: Int64, nanoseconds: Int32)? {
        // The fraction, split from the seconds it belongs to (the last field).
        var whole = Substring(text)
        var nanoseconds: Int32 = 0
        var roundsDown = false
        if let dot = text.lastIndex(of: "."), !text[dot...].contains(where: { "- T:".contains($0) }) {
            let digits = text[text.index(after: dot)...]
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  text[..<dot].last.map({ $0.isASCII && $0.isNumber }) == true else { return nil }
            nanoseconds = Int32(String(digits.prefix(9)) + String(repeating: "0", count: max(0, 9 - digits.count)))!
            // Before 1970, digits past the ninth make the time earlier by a
            // nanosecond, as GNU tar rounds them (down): `@-1.1234567891` is
            // -1.123456790.
            if text.hasPrefix("@-") && digits.dropFirst(9).contains(where: { $0 != "0" }) { roundsDown = true }
            whole = text[..<dot]
            // Only the seconds take one: `@S.F` or a date with HH:MM:SS.F.
            guard whole.hasPrefix("@") || whole.filter({ $0 == ":" }).count == 2 else { return nil }
        }
        guard var seconds = wholeSeconds(String(whole)) else { return nil }
        // Below 1970 the fraction counts back from the whole seconds: the
        // second before them, and what is left of it (a magnitude rounded
        // up to a whole second leaves 0 of the one before).
        if roundsDown { nanoseconds += 1 }
        if nanoseconds > 0 && whole.hasPrefix("@-") {
            guard seconds > Int64.min else { return nil }
            seconds -= 1
            nanoseconds = 1_000_000_000 - nanoseconds
        }
        return (seconds, nanoseconds)
    }

    private static func wholeSeconds(_ text: String) -> Int64? {
        if text.hasPrefix("@") { return Int64(text.dropFirst()) }
        // YYYY-MM-DD, then optionally HH:MM:SS after a space or a T.
        let fields = text.split(whereSeparator: { "- T:".contains($0) }).map { Int32($0) }
        guard (3...6).contains(fields.count), fields.count != 4, fields.allSatisfy({ $0 != nil }),
              !text.hasPrefix("-") else { return nil }
        var numbers = fields.map { $0! }
        if numbers.count == 5 { numbers.append(0) }  // HH:MM
        guard (1...12).contains(numbers[1]), (1...31).contains(numbers[2]) else { return nil }
        if numbers.count == 6 {
            guard (0...23).contains(numbers[3]), (0...59).contains(numbers[4]), (0...60).contains(numbers[5]) else { return nil }
        }
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
        // The day must survive mktime unchanged (April 31 becomes May 1),
        // and the hour and minute too: a local time a clock change skips
        // (02:30 on a spring-forward night) is no real time, which GNU tar
        // refuses; mktime made it 03:30.
        guard parts.tm_mday == numbers[2], parts.tm_mon == numbers[1] - 1 else { return nil }
        if numbers.count == 6 {
            guard parts.tm_hour == numbers[3], parts.tm_min == numbers[4] else { return nil }
        }
        if seconds != -1 { return Int64(seconds) }
        return nil
    }

    /// NAME, NAME:ID or ID; a NAME alone is looked up, and so is an ID
    /// alone (`nameOf`), whose name is stored when this system has one, as
    /// GNU tar stores it (`--owner 1` is daemon/1 on Debian; an ID without
    /// a name is stored as the number only). A malformed value (an ID that
    /// is not a number, an empty NAME) or an unknown NAME is a usage error
    /// naming `option`.
    static func identity(
        _ text: String, option: String, kind: String, lookUp: (String) -> UInt32?, nameOf: (UInt32) -> String?
    ) throws -> (name: [UInt8], id: UInt32) {
        guard !text.isEmpty else { throw ValidationError("\(option) takes NAME, NAME:ID or ID, not an empty string") }
        if let colon = text.firstIndex(of: ":") {
            let name = String(text[..<colon]), id = String(text[text.index(after: colon)...])
            guard !name.isEmpty, let number = UInt32(id) else {
                throw ValidationError("\(option) takes NAME:ID with a numeric ID (0 to \(UInt32.max)), not '\(text)'")
            }
            return (Array(name.utf8), number)
        }
        if let number = UInt32(text) { return (nameOf(number).map { Array($0.utf8) } ?? [], number) }
        if text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            throw ValidationError("\(option): \(text) is out of range for a \(kind) id (0 to \(UInt32.max))")
        }
        guard let id = lookUp(text) else { throw ValidationError("\(option): no such \(kind) '\(text)'") }
        return (Array(text.utf8), id)
    }

    static func userID(_ name: String) -> UInt32? { getpwnam(name).map { $0.pointee.pw_uid } }
    static func groupID(_ name: String) -> UInt32? { getgrnam(name).map { $0.pointee.gr_gid } }
    static func userName(_ id: UInt32) -> String? { getpwuid(id).map { String(cString: $0.pointee.pw_name) } }
    static func groupName(_ id: UInt32) -> String? { getgrgid(id).map { String(cString: $0.pointee.gr_name) } }
}
