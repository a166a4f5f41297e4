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
    /// Take only this part of the regular files (`--shard K/N`), by their
    /// paths' keys (`Shard.key(of:)`).
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
        !typesFromListing || minimumSize > 0 || olderThan != nil || oneFileSystem
            || partsRemoveTheirFiles != nil || links == .always
    }
    /// Files never to yield below a path given: what the run writes or
    /// replaces, which may lie inside the trees it reads (see
    /// `OutputOfThisRun`).
    public var outputsOfThisRun: [OutputOfThisRun] = []
    /// Leave out, with a notice, the regular files named as bale names its
    /// temporary files (`.NAME.bale-XXXXXX`, its check letters right): a
    /// killed run's half-made output, or another run's being written.
    public var leavesOutTemporaryFiles = false

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

    /// True when the entry at `path` (as the walk reached it: the top as
    /// given, then the names below it), named `name`, is left out, with
    /// all below it.
    ///
    /// A glob is tried on the name and on the path, as GNU tar tries it on
    /// the path as walked: `pack /srv/u --exclude /srv/u/cache` (or
    /// `pack ../u --exclude ../u/cache`) stores `srv/u/...` (`u/...`), a
    /// name the glob can never match, and so packed the cache without a
    /// word; it is left out, as tar leaves it out. The path is tried
    /// without its leading `./`, and so is the name (`pack .` stores `./x`,
    /// as GNU tar does), and a top given as `.` is not tried: there GNU
    /// tar's `--exclude '.*'` matches `.` and `./x`, and `tar -c .
    /// --exclude '.*'` stores nothing; bale leaves out only the hidden
    /// names, as the user meant.
    ///
    /// A path given (`isTop`) is left out also when a glob matches a
    /// directory on its way, as GNU tar matches (FNM_LEADING_DIR): `find
    /// . -type f | bale pack -T - --exclude .git` packed `./.git/HEAD`
    /// and the rest of `.git`, named one by one, exit 0, where tar leaves
    /// them out (a probe helper). Below a path given, the walk never
    /// enters a directory left out, so a name's own match is enough.
    func leavesOut(path: [UInt8], name: [UInt8], isTop: Bool = false) -> Bool {
        guard !excludes.isEmpty else { return false }
        // A path given: the globs with FNM_LEADING_DIR, as extraction
        // matches (the walk never met its directories).
        var patterns = excluding
        patterns.includesDirectoryContents = isTop
        let dot: [UInt8] = [UInt8(ascii: ".")]
        let bare = TarMemberName.withoutLeadingDot(name)
        if !bare.isEmpty && bare != dot && patterns.excludes(bare) { return true }
        guard path != name else { return false }
        let fromStart = TarMemberName.withoutLeadingDot(path)
        guard fromStart != bare, !fromStart.isEmpty, fromStart != dot else { return false }
        return patterns.excludes(fromStart)
    }

    /// True when a regular file named `name` is taken by name: no
    /// `includes`, or one of them matches it.
    func takesName(_ name: [UInt8]) -> Bool {
        includes.isEmpty || including.excludes(name)
    }

    /// True when the regular file at `path` (`name` below its top) with `info` is taken.
    func takesFile(path: [UInt8], name: [UInt8], _ info: stat) -> Bool {
        if !takesName(name) { return false }
        if Int64(info.st_size) < minimumSize { return false }
        if let olderThan, Int64(info.st_mtim.tv_sec) > now - olderThan { return false }
        if let shard, !shard.takes(path) { return false }
        return true
    }
}

/// A file the run writes or replaces, found by the walk inside a tree it
/// reads: an output, never an input. Read as one, the archive being
/// written grows as it is stored; the archive or the manifest it replaces
/// is stored beside its new self, and the new manifest lists the old
/// one's digest under its own name, which no `sha256sum -c` passes right
/// after an exit 0 (a probe helper's, for `pack --manifest` and `gzip -r
/// --manifest`). Known by identity, so that any name of it is left out
/// (a hard link too).
public struct OutputOfThisRun: Sendable, Equatable {
    /// What the output is, for the walk's notice.
    public enum Kind: Sendable, Equatable {
        /// The archive being written (its temporary file, or standard
        /// output's file) or the one it replaces.
        case archive
        /// The manifest the run replaces (its own is written once the walk is
        /// over), or the one it writes on standard output (`sum d > d/SUMS`).
        case manifest
        /// The JSON summary `--json-file` names (an earlier run's, emptied
        /// as the run begins; its own is written at the end).
        case report
        /// Standard output's file, where `gzip -rc` writes.
        case standardOutput
    }

    /// The file, as `stat` tells it.
    public var identity: FileIdentity
    public var kind: Kind

    public init(_ identity: FileIdentity, is kind: Kind) {
        self.identity = identity
        self.kind = kind
    }
}
