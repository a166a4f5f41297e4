#if canImport(Glibc)
import Glibc
#endif

/// What a `TreeWalk` takes and how it goes through links and mounts: the
/// rules each command sets from its own options (`pack`: excludes, -h,
/// --one-file-system, the archive being written; `gzip -r`: excludes,
/// includes, sizes, ages, shard; `sum`: shard).
///
/// The rules about names and links apply to every entry; those about
/// content (`includes`, `minimumSize`, `olderThan`, `shard`) apply to
/// regular files only, as a directory must be walked for what is below it.
public struct TreeWalkPolicy: Sendable {
    /// Which symbolic links the walk goes through (stats and opens what
    /// they point to) instead of reporting them as links.
    public enum LinkFollowing: Sendable {
        /// None: every link is an entry of its own (`gzip -r`, `pack`).
        case never
        /// Only the paths given: a link given on the command line stands
        /// for what it points to, links inside trees do not (`sum`).
        case givenPathsOnly
        /// All of them (`pack -h`); a directory met again on its own path
        /// is a loop, reported and not entered.
        case always
    }

    /// Which name the shard is taken on.
    public enum ShardKey: Sendable {
        /// The entry's name below the name given for its top (`gzip -r`).
        case name
        /// The path as the walk reached it, top included as given (`sum`).
        case path
    }

    public var links = LinkFollowing.never
    /// Leave out entries whose name (or any tail of it after a slash)
    /// matches one of these globs, with everything below them.
    public var excludes: [String] = [] { didSet { excluding = Self.patterns(excludes) } }
    /// If not empty, take only regular files whose name matches one of these globs.
    public var includes: [String] = [] { didSet { including = Self.patterns(includes) } }
    /// `excludes` and `includes` as bytes, made once (names are matched
    /// byte for byte: `ExclusionPatterns`, without FNM_LEADING_DIR, as a
    /// walk does not descend into an excluded directory).
    private var excluding = Self.patterns([])
    private var including = Self.patterns([])

    private static func patterns(_ globs: [String]) -> ExclusionPatterns {
        ExclusionPatterns(globs, includesDirectoryContents: false)
    }
    /// Take only regular files of at least this many bytes.
    public var minimumSize: Int64 = 0
    /// Take only regular files last modified at least this many seconds before `now`.
    public var olderThan: Int64?
    /// The time `olderThan` counts from (the start of the job).
    public var now: Int64 = Int64(time(nil))
    /// Do not go into directories on another file system than their top's
    /// (`--one-file-system`); each is reported (`.otherFileSystem`), then
    /// yielded itself, not entered (a mount point: GNU tar stores it).
    public var oneFileSystem = false
    /// Take only this part of the regular files (`--shard K/N`), by `shardKey`.
    public var shard: Shard?
    /// The parts of a `--shard` run, where each removes what it takes
    /// (`gzip -r`, `pack --remove-files`), run at once over the same tree:
    /// an entry found gone (ENOENT) that this shard does not take, or a
    /// bale temporary file (another part's live output, renamed), is
    /// passed over, for another part took it; one this shard takes is
    /// still a problem. Named or found in a tree alike: found in a tree, a
    /// part reported thousands of the others' files (the walk lists a
    /// directory, then examines each name later). nil elsewhere (`sum`):
    /// a path gone is an error in every part, as a name mistyped is.
    public var partsRemoveTheirFiles: Shard?
    public var shardKey = ShardKey.name
    /// Take a regular file's type from its directory's listing
    /// (getdents64's d_type) and leave it unstat'ed: its entry holds the
    /// type alone (`TreeWalkEntry.isStated`). For `sum`, whose workers
    /// `fstat` each file they open anyway: on the text corpus (12,079
    /// files) the walk's `fstatat` of each file was ~40% of the walk
    /// (a C walk: 18-21 ms with getdents64 alone, 38-46 ms with an
    /// `fstatat` per file); `bale sum -p 2` of that tree went from 230 to
    /// 219 ms, of the packed corpus's from 273 to 258 ms (medians of 40
    /// and 30 runs, alternated with the binary before). Files are still stat'ed
    /// where a rule needs what `stat` says (`statsEveryFile`), and where
    /// the file system does not give the type (DT_UNKNOWN).
    public var typesFromListing = false

    /// Whether the walk must stat every file, whatever `typesFromListing`
    /// asks: a rule of this policy reads sizes, times, devices or
    /// identities, or needs a file gone to be told (`partsRemoveTheirFiles`).
    var statsEveryFile: Bool {
        !typesFromListing || minimumSize > 0 || olderThan != nil || oneFileSystem || !skippedFiles.isEmpty
            || partsRemoveTheirFiles != nil || links == .always
    }
    /// Files never to yield below a path given (the output being written
    /// inside the tree, and the one it replaces).
    public var skippedFiles: [FileIdentity] = []

    public init() {}

    /// The selection rules of `gzip -r` (`FileSelection`) as a walk policy.
    public init(selection: FileSelection) {
        excludes = selection.excludes
        includes = selection.includes
        // didSet does not run in an initializer.
        excluding = Self.patterns(excludes)
        including = Self.patterns(includes)
        minimumSize = selection.minimumSize
        olderThan = selection.olderThan
        now = selection.now
        shard = selection.shard
    }

    /// True when an entry named `name` is left out, with all below it.
    func leavesOut(name: [UInt8]) -> Bool {
        guard !excludes.isEmpty, !name.isEmpty else { return false }
        return excluding.excludes(name)
    }

    /// True when the regular file at `path` (`name` below its top) with `info` is taken.
    func takesFile(path: [UInt8], name: [UInt8], _ info: stat) -> Bool {
        if !includes.isEmpty && !including.excludes(name) { return false }
        if Int64(info.st_size) < minimumSize { return false }
        if let olderThan, Int64(info.st_mtim.tv_sec) > now - olderThan { return false }
        if let shard, !shard.takes(shardName(path: path, name: name)) { return false }
        return true
    }

    /// What the shard is taken on: the name below its top, or (`.path`) the
    /// path with the spellings of one place made one, as `pack` stores it
    /// (`./d/f` and `d//f` are `d/f`), so that parts given `d`, `d/` and
    /// `./d` split the files alike: `sum --shard` parts given `./d` and `d`
    /// hashed some files twice and others never.
    func shardName(path: [UInt8], name: [UInt8]) -> [UInt8] {
        guard shardKey == .path else { return name }
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        let startsWithDot = path.count > 1 && path[0] == dot && path[1] == slash
        let doubled = zip(path, path.dropFirst()).contains { $0 == slash && $1 == slash }
        guard startsWithDot || doubled else { return path }
        var key: [UInt8] = []
        key.reserveCapacity(path.count)
        for byte in TarMemberName.withoutLeadingDot(path) where !(byte == slash && key.last == slash) {
            key.append(byte)
        }
        return key
    }
}
