#if canImport(Glibc)
import Glibc
#endif

/// What a `TreeWalk` yields: an entry found, or a problem met.
public enum TreeWalkEvent {
    case entry(TreeWalkEntry)
    case problem(TreeWalkProblem)
}

/// One file, directory, link or other entry a `TreeWalk` found.
public struct TreeWalkEntry {
    /// The directory an entry was found in: its names (sorted by bytes,
    /// read when the walk entered it) and its `stat`. `gzip -r` asks it
    /// whether an output name exists, and whether the directory is setgid.
    public struct Directory {
        public var names: [[UInt8]]
        public var info: stat

        /// True when the directory holds an entry named `name`.
        public func contains(_ name: [UInt8]) -> Bool {
            var low = 0, high = names.count
            while low < high {
                let middle = (low + high) / 2
                if names[middle].lexicographicallyPrecedes(name) { low = middle + 1 } else { high = middle }
            }
            return low < names.count && names[low] == name
        }
    }

    /// The path as the walk reached it: the top as given, then the names
    /// below it (for messages, and to open the file relative to where the
    /// walk started when it is not too long).
    public var path: [UInt8]
    /// The name below the name given for its top (what an archive stores,
    /// what excludes and shards are matched against).
    public var name: [UInt8]
    /// What `fstatat` said (of the link itself unless links are followed);
    /// for an entry not stat'ed (`isStated` false), its type alone.
    public var info: stat
    /// False for a regular file whose type the walk took from its
    /// directory's listing, not stat'ed (`TreeWalkPolicy.typesFromListing`):
    /// `info` holds nothing but the type.
    public var isStated = true
    /// True for a path given to the walk, not found below one.
    public var isGiven: Bool
    /// The directory it was found in; nil for a path given.
    public var directory: Directory?
    /// False when a rule on content (`includes`, `minimumSize`,
    /// `olderThan`, `shard`) leaves this regular file out. It is yielded
    /// still, for a command that looks at every file whatever the rules
    /// (`gzip -r` removes its own leftover temporary files, and says which
    /// files already have its suffix, before it applies them).
    public var isSelected = true
    /// What a symbolic link points to (read with `readlinkat`); empty for other types.
    public var linkTarget: [UInt8] = []

    /// The last component of `name` (of `path` for a top with an empty name).
    /// Found from the end: split into every component, a chain 20,000
    /// deep spent 71% of `gzip -r`'s time here (a reading helper).
    public var baseName: [UInt8] {
        let whole = name.isEmpty ? path : name
        let slash = UInt8(ascii: "/")
        var end = whole.endIndex
        while end > whole.startIndex && whole[end - 1] == slash { end -= 1 }
        guard end > whole.startIndex else { return whole }
        let start = whole[..<end].lastIndex(of: slash).map { $0 + 1 } ?? whole.startIndex
        return Array(whole[start..<end])
    }

    /// The identity of the directory it was found in (nil for a path
    /// given): a reader that opens it later by its path takes it only
    /// from that directory (`DirectoryOfPaths`).
    public var walkedDirectory: FileIdentity? { directory.map { FileIdentity($0.info) } }

    /// The file type bits of its mode (`S_IFREG`, `S_IFDIR`, ...).
    public var type: mode_t { info.st_mode & S_IFMT }

    /// The path as text, for messages.
    public var displayPath: String { TerminalText.name(path) }
}

/// Something a `TreeWalk` could not do, with the path it is about; the
/// command words it and decides what it does to the exit status.
public struct TreeWalkProblem: Error, Sendable {
    /// What went wrong.
    public enum Cause: Sendable {
        /// `fstatat` failed (the entry vanished, or a directory on the way cannot be searched).
        case cannotStat(SystemError)
        /// A directory could not be opened or listed; nothing below it is walked.
        case cannotReadDirectory(SystemError)
        /// On another file system than its top, with `oneFileSystem`: left out.
        case otherFileSystem
        /// A directory met again on its own path through a followed link: not entered.
        case symbolicLinkLoop
        /// A directory opened again (see `TreeWalk`) is not the one walked: the rest of it is left out.
        case directoryReplaced
        /// One of `TreeWalkPolicy.outputsOfThisRun`, under a name of its own: left out.
        case isAnOutput(OutputOfThisRun.Kind)
        /// Another run's temporary file (`TreeWalkPolicy.leavesOutTemporaryFiles`): left out.
        case temporaryFile
    }

    /// How much it matters, as GNU tar rates it: an error leaves something
    /// out that was asked for; a notice says what a rule did.
    public enum Severity: Sendable { case error, notice }

    public var path: [UInt8]
    public var cause: Cause

    public var severity: Severity {
        switch cause {
        case .cannotStat, .cannotReadDirectory, .symbolicLinkLoop, .directoryReplaced: .error
        case .otherFileSystem, .isAnOutput, .temporaryFile: .notice
        }
    }

    /// What is said of another run's temporary file left out.
    static let temporaryFileNotice = temporaryFile + "; not dumped"
    /// What another run's temporary file is, in every command's notice.
    static let temporaryFile = "a temporary file of another bale run (killed, or still writing)"

    /// The path as text, for messages.
    public var displayPath: String { TerminalText.name(path) }

    /// The problem in bale's own words (`gzip -r`, `sum`); `pack` words it
    /// as GNU tar does (`PackEntryFinder`).
    public var diagnostic: Diagnostic {
        switch cause {
        case .cannotStat(let reason): .error(BaleError.cannotOpen(path: displayPath, reason))
        case .cannotReadDirectory(let reason): .error(path: displayPath, "cannot read the directory: \(reason.reason)")
        case .directoryReplaced: .error(path: displayPath, "the directory was replaced while it was walked")
        case .symbolicLinkLoop: .error(path: displayPath, "a symbolic link loop: not walked again")
        case .otherFileSystem: .notice(path: displayPath, "on another file system: not walked")
        case .isAnOutput: .notice(path: displayPath, "is an output of this run; not read")
        case .temporaryFile: .notice(path: displayPath, Self.temporaryFileNotice)
        }
    }
}
