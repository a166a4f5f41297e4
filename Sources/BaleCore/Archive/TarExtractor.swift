#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Writes the entries of a tar stream under a directory, safely.
///
/// Safe by default, as bsdtar is:
/// - a name with a ".." component is refused; a leading "/" is stripped;
/// - nothing is ever written through a symbolic link: every directory on
///   the way to an entry is opened with O_NOFOLLOW from the destination's
///   own descriptor, so a link (made by the archive or already there)
///   stops the entry instead of leading outside;
/// - a hard link must name an entry inside the destination, found the
///   same way;
/// - modes, owners, times, names and files already there are as the
///   `ExtractionPolicy` says (GNU tar's defaults and options): as root the
///   archive's modes in full and the owners (by user and group name where
///   this system knows the name, else by the numeric id), for anyone else
///   the modes less the umask, without setuid, setgid or sticky bits; a
///   file already there replaced atomically (`FileWriters`, `StagedFile`).
/// Every refused entry is an error naming it; the job then exits 1.
/// Types bale never writes are treated as GNU tar treats them: a volume
/// label is skipped, a continuation from another volume refused, a GNU
/// dump directory made as a directory, an unknown type extracted as a
/// regular file with a warning (exit 2).
/// A sparse file is written with its holes left as holes: the file is
/// seeked past them and truncated to its size at the end, never filled
/// with written zeros.
/// Modes and modification times are restored (directories' times at the
/// end, once nothing more is written into them). Extended attributes and
/// ACLs (unless the policy's `restoresAttributes` is off) are set on the file's
/// descriptor with its mode (`AttributeRestorer`: attributes, mode, then
/// ACL); a directory's at the end with its mode, as GNU tar does, so that
/// its default ACL is not inherited by the entries extracted into it.
///
/// Small files are written by `FileWriters` threads, several at once; the
/// directory each goes in is opened (and checked) here first, and the
/// path to it is kept open for the next entries (`DirectoryStack`).
public struct TarExtractor: TarReader.Handler {
    private let root: Int32
    private let policy: ExtractionPolicy
    private var userIDs = OwnerNames()
    private var groupIDs = OwnerNames()
    /// What the extraction has to say, said at the end (bounded:
    /// `CollectedDiagnostics`): the entries refused, and the warnings and
    /// notices that refuse none (an unknown type, an attribute not
    /// restored, a leading '/' removed), in one collection, so that all
    /// are said in the archive's order, as GNU tar says them as it goes.
    private var said = CollectedDiagnostics()
    /// None apart: the extractor's warnings are said with its refusals,
    /// each at its entry (`finish`).
    public var warnings: [Diagnostic] { [] }
    /// The place in the archive of the entry begun last, its header's
    /// offset (`TarEntry.headerOffset`): each diagnostic keeps the place of
    /// its entry (`CollectedDiagnostics.order`, `FileWriters.Job.order`),
    /// those of the small files the writer threads write come back out of
    /// the archive's order, and the reader's own problems (an unknown pax
    /// keyword) take the place of the entry they were met in: sorted,
    /// every diagnostic is said in the archive's order, as GNU tar says
    /// them (`unpack -k` named the large files first, then the small ones;
    /// the reader's warnings came after all). Never before the entry begun
    /// before it: a named unpack may hand a hard link its target's
    /// content, read at the target's place.
    private var entryPlace = 0
    /// The leading runs of '/' already said to be removed, from member
    /// names and from hard link targets (`noticeLeadingSlashes`).
    private var removedPrefixesSaid: Set<[UInt8]> = []
    /// Whether the `user.*` attributes a special file cannot take were said
    /// (`attributesOfSpecialFile`).
    private var saidUserAttributesOfSpecialFiles = false
    private var current: Int32 = -1
    private var currentEntry: TarEntry?
    /// Directories to finish at the end (in the order `DirectoryNames`
    /// gives), each path once: a directory archived again takes its
    /// earlier entry's place (`directoryPlaces`). An array and an index
    /// rather than one dictionary of them: 0.30 KiB a directory against
    /// 0.40 (the peak's slope from 20,000 to 100,000 directories, release).
    private var directoryTimes: [DirectoryToFinish] = []
    /// Their names, as a tree (`DirectoryNames`: a deep tree's paths took
    /// the square of its depth).
    private var directoryNames = DirectoryNames()
    /// The name split last, whose components the next name shares (`components(_:reusing:)`).
    private var lastSplit = SplitName()
    /// Where each directory (its place in `directoryNames`) is in
    /// `directoryTimes`. An archive of three million entries naming one
    /// directory (8 MB) held three million of them, 287 MB, where GNU tar
    /// held 2 MB (a reading helper).
    private var directoryPlaces: [Int32: Int] = [:]
    /// The staged files that killed runs left, found per directory as the
    /// large files they were for come (`TemporaryLeftovers`).
    private let leftovers = TemporaryLeftovers()

    /// A directory extracted, whose mode and time are given at the end:
    /// only what that takes, as every directory of the archive waits here
    /// until the end (a tree of a million directories keeps a million).
    /// Kept whole, with its entry and its components, one cost about 1 KiB
    /// (the slope of `unpack`'s peak between archives of 10,000 and
    /// 30,000 empty directories, debug build; 0.49 KiB release, from
    /// 20,000 to 100,000); `UnpackMemoryTests` bounds it. Its name is a
    /// place in `directoryNames`, not its path (0.30 KiB release, from
    /// 20,000 to 100,000, with the tree's node and lookup).
    private struct DirectoryToFinish {
        /// Its place in `directoryNames`.
        var place: Int32
        var seconds: Int64
        var nanoseconds: Int32
        /// The mode to give it then (`finalMode`).
        var mode: mode_t
        /// Whether this extraction made it (else it was there).
        var made: Bool
        /// Its entry, kept only when it has extended attributes or ACLs
        /// to restore (set after its files, with the mode).
        var attributed: AttributedEntry?
    }

    /// A directory's entry with attributes to restore at the end (a class,
    /// so that the others keep nothing of an entry's size).
    private final class AttributedEntry {
        let entry: TarEntry
        init(_ entry: TarEntry) { self.entry = entry }
    }
    /// Reports each entry as it is extracted (`-v`).
    public var onEntry: ((TarEntry) -> Void)?
    /// Called where the extraction is about to take a while with nothing
    /// more to report meanwhile: a large file's content begins, or the
    /// input pauses. `-v` writes out the names it holds there, so that
    /// they are on standard output while the files are on disk (held in a
    /// 64 KiB buffer to the end of the run, a listing redirected to a
    /// file had none of the 32 files written before a large one when a
    /// SIGINT came during it, where `tar -xv` had them all: a probe helper).
    public var onLongWait: (() -> Void)?
    private let writers: FileWriters
    /// Whether the descriptors left by the rest of the job were shared out
    /// yet (at the first entry: `ExtractionDescriptors`).
    private var descriptorsShared = false
    private var small: FileWriters.Job?
    /// Where the content being given comes from, if lent (`contentComes(from:)`).
    private var lent: LentBytes?
    /// The large file being written, under its temporary name.
    private var large: StagedFile?
    private var directories: DirectoryStack
    /// What a `./` entry gives the destination at the end, when this run
    /// made it (`ExtractionPolicy.destinationIsNew`; its `place` is -1:
    /// the destination has none in `directoryNames`), and the owner.
    private var destination: DirectoryToFinish?
    private var destinationOwner: (user: uid_t, group: gid_t)?
    /// Sets extended attributes and ACLs; nil with `--no-xattrs`.
    private let restorer: AttributeRestorer?

    /// The destination as messages name it (`-C`'s directory).
    public var destinationName = "."

    /// Extracts under the open directory `root` as `policy` says, with
    /// `writerThreads` threads writing small files.
    public init(root: Int32, policy: ExtractionPolicy = ExtractionPolicy(), writerThreads: Int = 2) {
        self.root = root
        self.policy = policy
        restorer = policy.restoresAttributes ? AttributeRestorer(restoresACLs: policy.modes == .archived) : nil
        let writers = FileWriters(threads: writerThreads, policy: policy, restorer: restorer)
        self.writers = writers
        directories = DirectoryStack(root: root, waitForFileNamed: { path in writers.hasQueuedFiles && writers.waitFor(path()) })
    }

    /// The most components a name extracted may have. Every component is a
    /// directory opened (and made) on the way down, so a name's cost is
    /// its depth, not its bytes: a pax path of 30 million `a/` (a .tar.gz
    /// of 61 kB) took 1.9 GB and minutes before it was refused; at this
    /// bound a name costs at most ~6 MB and one directory made a
    /// component, as `mkdir -p` would. GNU tar refuses any name of 4,096
    /// bytes or more ("File name too long"), so every tree it extracts,
    /// and any `bale pack` of a tree up to 65,536 levels deep, is within
    /// it.
    static let maximumDepth = 65536

    /// Says, once for each run of leading '/' (`/`, `//`), that it is
    /// removed from `what` ("member names", "hard link targets"): the
    /// name is extracted below the destination, not at the absolute path
    /// it gives, and GNU tar and bsdtar say so (a notice: the exit status
    /// is not changed).
    private mutating func noticeLeadingSlashes(of name: [UInt8], in what: String) {
        let slash = UInt8(ascii: "/")
        guard name.first == slash else { return }
        let prefix = Array(name.prefix { $0 == slash })
        guard removedPrefixesSaid.insert(prefix + Array(what.utf8)).inserted else { return }
        said.append(.notice(path: nil, "Removing leading `\(String(decoding: prefix, as: UTF8.self))' from \(what)"))
    }

    /// The cleaned, relative components of an archive name, or nil with a
    /// reason when the name must be refused.
    static func components(_ name: [UInt8]) -> Result<[[UInt8]], RefusedName> {
        var split = SplitName(name: name)
        return clean(&split, from: 0).map { split.parts }
    }

    /// Adds to `split` the cleaned components of its name from `start` (a
    /// component's start), each with where it ends; why the name is
    /// refused, if it is.
    private static func clean(_ split: inout SplitName, from start: Int) -> Result<Void, RefusedName> {
        // One pass over the name, each component copied once (splitting
        // into slices, then arrays, then keeping the clean ones cost three
        // allocations a component on every entry).
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        let name = split.name
        var start = start
        for end in start...name.count where end == name.count || name[end] == slash {
            defer { start = end + 1 }
            let part = name[start..<end]
            if part.isEmpty || part.count == 1 && part.first == dot { continue }
            if isDotDot(part) { return .failure(RefusedName(reason: "contains '..'")) }
            // The system reads a name up to a NUL byte: "..\0" would be
            // "..". The reader never gives one; refused should one come.
            if part.contains(0) { return .failure(RefusedName(reason: "contains a NUL byte")) }
            guard split.parts.count < maximumDepth else {
                return .failure(RefusedName(reason: "has more than \(maximumDepth) components"))
            }
            split.parts.append(Array(part))
            split.ends.append(end)
            if !split.path.isEmpty { split.path.append(slash) }
            split.path += part
            split.pathEnds.append(split.path.count)
        }
        return .success(())
    }

    /// The components of the name last split (`components(_:reusing:)`):
    /// the name, its cleaned components, and where each ends in the name.
    struct SplitName {
        var name: [UInt8] = []
        var parts: [[UInt8]] = []
        var ends: [Int] = []
        /// The parts joined by slashes (`path(of: parts)`), built as they
        /// are split, and where each part ends in it: the path of a name
        /// that shares its directories with the one before is mostly
        /// kept, not joined again part by part (one reference count each:
        /// a third of the CPU of `unpack` of a chain 10,000 deep).
        var path: [UInt8] = []
        var pathEnds: [Int] = []
        /// The places in `directoryNames` of the first parts, found when a
        /// directory was named (`DirectoryNames.place(of:known:)`), kept
        /// while the names after share those parts.
        var places: [Int32] = []

        /// The path of every part but the last (the entry's directory).
        var directoryPath: [UInt8] { Array(path[..<(pathEnds.count < 2 ? 0 : pathEnds[pathEnds.count - 2])]) }
    }

    /// `components(name)`, taking the components `name` shares with the
    /// name split last (`last`) from it, and splitting only the rest; `last`
    /// becomes `name`'s. An archive's names mostly share their directories
    /// with the one before: split whole, each entry of a chain 10,000
    /// directories deep allocated its thousands of components again, and
    /// `unpack` of it took 39 s (a reading helper; the finishing of its
    /// directories a fifth of that).
    static func components(_ name: [UInt8], reusing last: inout SplitName) -> Result<[[UInt8]], RefusedName> {
        let slash = UInt8(ascii: "/")
        // The longest common start of both names that ends a component in each.
        var common = 0
        let shorter = min(name.count, last.name.count)
        while common < shorter && name[common] == last.name[common] { common += 1 }
        let endsInBoth = (common == name.count || name[common] == slash)
            && (common == last.name.count || last.name[common] == slash)
        if !endsInBoth { common = name[..<common].lastIndex(of: slash) ?? 0 }
        // The components wholly within it, as split before (each checked
        // then); the rest split here.
        var kept = 0
        while kept < last.ends.count && last.ends[kept] <= common { kept += 1 }
        // Cut in place: copied (`Array(last.parts[..<kept])`), each entry
        // of that chain still took its thousands of components again, one
        // reference count each (a fifth of the CPU `unpack` of it took).
        last.parts.removeSubrange(kept...)
        last.ends.removeSubrange(kept...)
        last.path.removeSubrange((kept == 0 ? 0 : last.pathEnds[kept - 1])...)
        last.pathEnds.removeSubrange(kept...)
        if kept < last.places.count { last.places.removeSubrange(kept...) }
        last.name = name
        if case .failure(let refused) = clean(&last, from: common) {
            last = SplitName()
            return .failure(refused)
        }
        return .success(last.parts)
    }

    /// `parts` joined by slashes: the path below the destination.
    static func path(of parts: [[UInt8]]) -> [UInt8] {
        var path: [UInt8] = []
        path.reserveCapacity(parts.reduce(parts.count) { $0 + $1.count })
        for part in parts {
            if !path.isEmpty { path.append(UInt8(ascii: "/")) }
            path += part
        }
        return path
    }

    struct RefusedName: Error { var reason: String }

    /// Why a hard link's refused target is refused, in words that fit it:
    /// one that climbs out (`../x`, `a/../../x`) leads outside the
    /// destination; one whose ".." stays inside (`sub/../f`, which GNU tar
    /// links to `f`) is refused for the ".." alone, as an entry's own name
    /// is, and says so (bale said "outside the destination" of it: a
    /// reading helper); any other reason is the name's.
    static func linkTargetRefusal(_ target: [UInt8], _ refused: RefusedName) -> String {
        var depth = 0
        var hasDotDot = false
        for part in target.split(separator: UInt8(ascii: "/")) where !(part.count == 1 && part.first == UInt8(ascii: ".")) {
            guard isDotDot(part) else {
                depth += 1
                continue
            }
            hasDotDot = true
            depth -= 1
            if depth < 0 { return "hard link to a name outside the destination" }
        }
        return hasDotDot ? "hard link to a name that contains '..'" : "hard link target \(refused.reason)"
    }

    /// True for the component "..".
    private static func isDotDot(_ part: ArraySlice<UInt8>) -> Bool {
        part.count == 2 && part.first == UInt8(ascii: ".") && part.last == UInt8(ascii: ".")
    }

    private mutating func refuse(_ entry: TarEntry, _ reason: String) {
        refuse(named: entry.name, reason)
    }

    /// `refuse(_:_:)` for an entry known by its name alone.
    private mutating func refuse(named name: [UInt8], _ reason: String) {
        said.append(.error(path: TerminalText.name(TarMemberName.withoutTrailingSlashes(name)), "\(reason); not extracted"))
    }

    /// Opens the directory that will hold `parts.last`, creating missing
    /// directories (unless `creatingMissing` is false), never following a
    /// link. Returns nil (the entry refused, its cause after `failing`) if
    /// the way is blocked.
    private mutating func openParent(_ parts: [[UInt8]], for entry: TarEntry, creatingMissing: Bool = true,
                                     failing: String = "") -> OpenDirectory? {
        openParent(parts, named: entry.name, creatingMissing: creatingMissing, failing: failing)
    }

    /// `openParent(_:for:…)` for an entry known by its name alone (a
    /// directory finished at the end: its path below the destination).
    private mutating func openParent(_ parts: [[UInt8]], named name: @autoclosure () -> [UInt8], creatingMissing: Bool = true,
                                     failing: String = "") -> OpenDirectory? {
        switch directories.open(parts.dropLast(), creatingMissing: creatingMissing) {
        case .success(let directory):
            return directory
        case .failure(let failure):
            let error = failure.error
            if let directory = failure.unmadeDirectory {
                refuse(named: name(), failing + "cannot make the directory \(TerminalText.name(directory)): \(error.reason)")
            } else {
                refuse(named: name(), failing + (error.code == ELOOP || error.code == ENOTDIR
                                               ? "a parent is a symbolic link or not a directory" : error.reason))
            }
            return nil
        }
    }

    /// What is where `entry` (not a directory) goes, as the policy makes
    /// room for it (`ExtractionPolicy.makeRoom`); what it has to say about
    /// an entry it refuses is noted.
    private mutating func makeRoom(for entry: TarEntry, _ leaf: [UInt8], in parent: Int32,
                                   refusal: @autoclosure () -> String) -> ExtractionPolicy.Room {
        let room = policy.makeRoom(at: leaf, in: parent, forEntryNamed: entry.extractionName,
                                   modified: (entry.modificationSeconds, entry.modificationNanoseconds), refusal: refusal())
        if case .refused(let refusal?) = room { said.append(refusal) }
        return room
    }

    /// Makes a link, FIFO or device at `leaf` with `make` (given the name to
    /// make it under; 0 or -1 with errno set, as the system call) and gives
    /// it its owner, mode and time with `finish`. Where the name is taken,
    /// the node is made and finished under a `StagedName` and renamed over
    /// what is there, so the name never goes missing. The problem (after
    /// `failing`, the words that name the failed call), if any.
    private func makeNode(_ leaf: [UInt8], in directory: OpenDirectory, room: ExtractionPolicy.Room, failing: String = "",
                          make: ([UInt8]) -> Int32, finish: ([UInt8]) -> Void = { _ in }) -> String? {
        var staged: StagedName?
        if case .taken = room {
            guard let name = StagedName(directory: directory, leaf: leaf) else { return SystemError.current("open").reason }
            staged = name
        }
        let name = staged?.temporaryLeaf ?? leaf
        if make(name) != 0 {
            let problem = failing + SystemError.current("make").reason
            staged?.discard()
            return problem
        }
        finish(name)
        return staged?.commit()
    }

    public mutating func begin(_ entry: TarEntry) throws(BaleError) {
        currentEntry = entry
        entryPlace = max(entryPlace, Int(entry.headerOffset))
        said.order = entryPlace
        if !descriptorsShared {
            descriptorsShared = true
            // Under a limit the workers and the archive all but took
            // (`ulimit -n 13` beside one worker), every entry failed alike
            // ("Too many open files; not extracted", exit 1) where the
            // other commands, with one worker, complete (a probe helper):
            // said once, before any entry is touched.
            let spare = DescriptorLimit.spare()
            guard spare >= ExtractionDescriptors.fewest else {
                throw .tooFewDescriptors(path: destinationName, limit: DescriptorLimit.current, spare: spare)
            }
            directories.keepOpen(atMost: writers.share(spare: spare).openDirectories)
        }
        // Excluded by the name as archived, then judged whole, then
        // stripped, as GNU tar does: a name with a ".." anywhere is refused
        // before --strip-components could cut it away ("../x" with one
        // stripped is refused, not extracted as "x", whatever the
        // archive's maker meant by it).
        if policy.exclusions.excludes(entry.name) { return }
        noticeLeadingSlashes(of: entry.name, in: "member names")
        if policy.stripComponents > 0, case .failure(let refused) = Self.components(entry.name) {
            refuse(entry, refused.reason)
            return
        }
        // Nothing left once stripped (`top/` with one component stripped,
        // as `top`): skipped, and not listed by -v, as GNU tar skips it.
        guard let name = policy.stripped(entry.name), policy.stripComponents == 0 || !name.isEmpty else { return }
        // Named in every message as it is extracted, stripped, as GNU tar
        // names it ("b/c: Cannot open: File exists", not "a/b/c"); -v lists
        // it as archived (`archived`), as tar -xv does.
        let archived = entry
        var entry = entry
        if policy.stripComponents > 0 {
            entry.name = name
            currentEntry = entry
        }
        let parts: [[UInt8]]
        switch Self.components(name, reusing: &lastSplit) {
        case .success(let cleaned): parts = cleaned
        case .failure(let refused):
            refuse(entry, refused.reason)
            return
        }
        guard let leaf = parts.last else {
            // ".", "/" or an empty name: the destination itself. A directory
            // there is nothing to make; anything else would have to replace
            // the destination, and is named, never dropped without a word
            // (GNU tar: ".: Cannot open: File exists"; bsdtar refuses it too).
            // Listed (-v) as tar -xv lists `./`, a label excepted.
            if entry.special != .volumeLabel { onEntry?(archived) }
            if entry.kind != .directory && entry.special != .volumeLabel {
                var named = entry
                if named.name.isEmpty { named.name = [UInt8(ascii: ".")] }  // as GNU tar names it
                refuse(named, "names the destination directory itself")
                return
            }
            if let warning = entry.dataSkippedWarning {
                said.append(warning)  // "./" with data, as for any directory entry (and `verify`)
            }
            if entry.kind == .directory && policy.destinationIsNew { takeForTheDestination(entry) }
            return
        }
        switch entry.special {
        case .volumeLabel?:
            return  // a label names the archive, not a file (GNU tar skips it too)
        case .continuation?, .paxContinuation?:
            refuse(entry, TarEntry.Special.continuationRefusal)
            return
        case .unknownType(let type)?:
            let letter = type >= 0x20 && type < 0x7f ? String(UnicodeScalar(type)) : "\\" + String(type, radix: 8)
            said.append(.warning(path: entry.displayName, "unknown file type '\(letter)', extracted as normal file"))
        case .dumpDirectory?, .contiguous?, nil:
            break
        }
        if let warning = entry.dataSkippedWarning { said.append(warning) }
        // A sparse file needs a file to seek in, whatever its size.
        let isSmallFile = entry.kind == .file && !entry.isSparse && entry.size <= FileWriters.smallFileLimit
        let path = lastSplit.path
        // Replacing a file still queued: let it be written first (a small
        // file's submit does the same). And an entry named for a directory
        // that queued files go in waits for them: the directory looks empty
        // until they are written, and making room for a link or a file
        // there would remove it, the files with it (`FileWriters`).
        // A directory entry removes nothing there but under
        // --keep-newer-files (`.remakeIfEmpty`): others go on at once, so an
        // archive listing each directory after its files (`find -depth`)
        // does not wait for the writers at every directory.
        if !isSmallFile { writers.waitFor(path) }
        // A large file's content is written on this thread, as it comes:
        // the small files queued before it go to the writers now, not once
        // a batch is full after it, so that they are on disk while it is
        // written, as tar (one entry after another) has them. A signal
        // during the large one lost them: the batch held up to 31 whole
        // files that were never written (a probe helper).
        let beginsALongWrite = entry.kind == .file && !isSmallFile
        if beginsALongWrite { writers.handOverQueued() }
        if entry.kind != .directory || policy.existingFiles == .keepNewer { writers.waitForFiles(in: path) }
        // Listed (-v) before it is tried, as tar -xv lists a name before
        // any error about it.
        onEntry?(archived)
        if beginsALongWrite { onLongWait?() }
        // Under --skip-old-files and --keep-newer-files a link's own name
        // is judged first, as GNU tar judges every entry's before it makes
        // it (`prepare_to_extract`): a file kept there is kept, exit 0,
        // whether or not the link's target is in the destination; it was
        // "cannot link to ...", exit 1, where the target was not (a probe
        // helper). Only a look (`fstatat` by the path from the
        // destination); under -k tar tries the link, and a missing target
        // fails it first, as here.
        if entry.kind == .hardLink, policy.existingFiles == .skip || policy.existingFiles == .keepNewer,
           path.count < Int(PATH_MAX) {
            var existing = stat()
            if withCString(path, { fstatat(root, $0, &existing, AT_SYMLINK_NOFOLLOW) }) == 0,
               case .keep(let warning) = policy.verdict(
                   on: existing, forEntryNamed: entry.extractionName, isDirectory: false,
                   modified: (entry.modificationSeconds, entry.modificationNanoseconds),
                   refusal: "Cannot hard link to \(Self.quoted(entry.linkTarget))") {
                if let warning { said.append(warning) }
                return
            }
        }
        // A hard link's target is found before anything is made for the
        // link itself: one that names nothing in the destination leaves
        // nothing behind, not even the link's own directories.
        var linkTarget: (leaf: [UInt8], directory: OpenDirectory, path: [UInt8])?
        if entry.kind == .hardLink {
            guard let found = findLinkTarget(of: entry) else { return }
            // A link to its own name: what is there already is what it
            // says, and stays, as GNU tar leaves it. Made, it first removed
            // what was there (a directory, and then "cannot link to e: No
            // such file or directory").
            if let target = policy.stripped(entry.linkTarget), case .success(let targetParts) = Self.components(target),
               targetParts == parts { return }
            linkTarget = found
        }
        guard let directory = openParent(parts, for: entry) else { return }
        let parent = directory.fd
        if restorer != nil { said.append(contentsOf: entry.attributeProblems.map { .warning(path: entry.displayName, $0) }) }
        let mode = policy.mode(entry.mode)
        let owner = policy.restoresOwners ? owner(of: entry) : nil
        switch entry.kind {
        case .directory:
            // Made first, looked at only when something is there: most
            // directories of an archive are new, and a stat before each
            // mkdir cost a call for nothing.
            // Made as GNU tar makes it: with the owner's bits alone while an
            // owner or the archive's mode is to be given at the end (no one
            // else makes a file in it meanwhile), else with its own bits and
            // the owner's write and search, so that the end has nothing to
            // change. Never given a mode before its files are made: a
            // set-group-ID bit it takes from its parent (a shared directory)
            // must still be there when they are, so that they take its group.
            let restrictive = policy.restoresOwners || policy.modes == .archived
            let creationMode: mode_t = restrictive ? 0o700 : (mode & 0o777) | 0o300
            var info = stat()
            var made = withCString(leaf) { mkdirat(parent, $0, creationMode) } == 0
            var exists = !made && errno == EEXIST
                && withCString(leaf) { fstatat(parent, $0, &info, AT_SYMLINK_NOFOLLOW) } == 0
            if exists {
                switch policy.verdict(on: info, forEntryNamed: entry.extractionName, isDirectory: true,
                                      modified: (entry.modificationSeconds, entry.modificationNanoseconds),
                                      refusal: "Cannot mkdir") {
                case .keep(let warning):
                    if let warning { said.append(warning) }
                    return
                case .remakeIfEmpty:
                    guard withCString(leaf, { unlinkat(parent, $0, AT_REMOVEDIR) }) == 0 else { return }
                    exists = false
                case .replace:
                    break
                }
            }
            if exists && info.st_mode & S_IFMT != S_IFDIR {
                _ = withCString(leaf) { unlinkat(parent, $0, 0) }
            }
            if !made && (!exists || info.st_mode & S_IFMT != S_IFDIR) {
                if withCString(leaf, { mkdirat(parent, $0, creationMode) }) != 0 {
                    refuse(entry, SystemError.current("mkdir").reason)
                    return
                }
                made = true
            }
            // Owner and mode are set by name, never through a symbolic link:
            // between the mkdir and here, whoever can write the parent (a
            // user's directory in a restore run as root) could put a link to
            // any file in its place, and a plain chmod would change that
            // file. `bale_chmod_nofollow` needs no descriptor (under a low
            // `ulimit -n` there may be none to spare) and fails on a link,
            // which then refuses the entry.
            // As GNU tar: a directory its owner cannot write into (0555, say)
            // stays writable until the end, so that its entries can be made
            // (by a user other than root); `finish` gives it its mode.
            // (A directory's owner change keeps its set-group-ID bit.)
            if let owner, withCString(leaf, { fchownat(parent, $0, owner.user, owner.group, AT_SYMLINK_NOFOLLOW) }) != 0 {
                // Named without its trailing slash, as tar names it (and
                // as its time and mode are named, at the end).
                said.append(Self.cannotChangeOwnership(TerminalText.name(path), to: owner))
            }
            // One that was there and that its owner cannot write into (or a
            // umask that takes the owner's bits) is made writable until the
            // end, its other bits kept.
            let current = made ? creationMode & ~ProcessUmask.bits : info.st_mode & 0o7777
            if current & 0o700 != 0o700,
               withCString(leaf, { bale_chmod_nofollow(parent, $0, (made ? creationMode : current) | 0o700) }) != 0
                && errno == EOPNOTSUPP {
                refuse(entry, "Cannot change mode: a symbolic link took its place")
                return
            }
            // The last entry of a path gives its mode and time, as in GNU
            // tar (`finishInOrder`): it replaces an earlier one.
            let named = directoryNames.place(of: parts, known: &lastSplit.places)
            let finishing = DirectoryToFinish(
                place: named, seconds: entry.modificationSeconds, nanoseconds: entry.modificationNanoseconds,
                mode: mode, made: made, attributed: restoresAttributes(of: entry) ? AttributedEntry(entry) : nil)
            if let place = directoryPlaces[named] {
                directoryTimes[place] = finishing
            } else {
                directoryPlaces[named] = directoryTimes.count
                directoryTimes.append(finishing)
            }
        case .file where isSmallFile:
            small = FileWriters.Job(
                parent: directory, leaf: leaf, key: PathKey(bytes: path),
                content: FileContent(expected: Int(entry.size)), mode: mode, owner: owner,
                seconds: entry.modificationSeconds, nanoseconds: entry.modificationNanoseconds,
                name: entry.name, attributes: attributesToSet(entry), order: entryPlace)
        case .file:
            // A large file is written under a temporary name and renamed
            // over its own at `end`: an archive cut short, a full disk or a
            // signal leaves no partial file, and an older file of that name
            // stays until the new one is whole.
            guard !makeRoom(for: entry, leaf, in: parent, refusal: "Cannot open").refuses else { return }
            // The staged copies of this file that a run killed with SIGKILL
            // (the OOM killer, a batch system's time limit) left, hidden
            // and as large as they got, go first: no later run would take
            // them away (`TemporaryLeftovers`; one listing per directory).
            let directoryPath = lastSplit.directoryPath
            for removed in leftovers.remove(leftOversOf: leaf, in: parent, key: directoryPath) {
                let shown = directoryPath.isEmpty ? removed : directoryPath + [UInt8(ascii: "/")] + removed
                said.append(.notice(path: TerminalText.name(shown), "removed, left by an interrupted run"))
            }
            guard let temporary = StagedFile(directory: directory, leaf: leaf) else {
                refuse(entry, SystemError.current("open").reason)
                return
            }
            large = temporary
            current = temporary.fd
        case .symbolicLink:
            forgetCachedParent()
            // GNU tar's words, for a name taken (kept) and a link not made.
            let failing = "Cannot create symlink to \(Self.quoted(entry.linkTarget))"
            let room = makeRoom(for: entry, leaf, in: parent, refusal: failing)
            guard !room.refuses else { return }
            let attributes = attributesOfSpecialFile(entry)
            var attributeProblems: [Diagnostic] = []
            let problem = makeNode(leaf, in: directory, room: room, failing: failing + ": ", make: { name in
                withCString(entry.linkTarget) { target in withCString(name) { symlinkat(target, parent, $0) } }
            }, finish: { name in
                if let owner, withCString(name, { fchownat(parent, $0, owner.user, owner.group, AT_SYMLINK_NOFOLLOW) }) != 0 {
                    attributeProblems.append(Self.cannotChangeOwnership(entry.displayName, to: owner))
                }
                attributeProblems += restore(attributes, ofSpecialFile: name, in: parent, displayName: entry.displayName)
                setTime(parent, name, entry, flags: AT_SYMLINK_NOFOLLOW)
            })
            said.append(contentsOf: attributeProblems)
            if let problem { refuse(entry, problem) }
        case .hardLink:
            guard let (targetLeaf, targetDirectory, targetPath) = linkTarget else { return }
            let targetParent = targetDirectory.fd
            let failing = "cannot link to \(TerminalText.name(targetPath)): "
            // Already a name of its target (a tree extracted before): there
            // is nothing to make, and nothing to say under -k, as GNU tar
            // finds it (bale said "Cannot hard link ...: File exists").
            var there = stat(), target = stat()
            if withCString(leaf, { fstatat(parent, $0, &there, AT_SYMLINK_NOFOLLOW) }) == 0,
               withCString(targetLeaf, { fstatat(targetParent, $0, &target, AT_SYMLINK_NOFOLLOW) }) == 0,
               FileIdentity(there) == FileIdentity(target) { return }
            let room = makeRoom(for: entry, leaf, in: parent, refusal: "Cannot hard link to \(Self.quoted(entry.linkTarget))")
            guard !room.refuses else { return }
            let problem = makeNode(leaf, in: directory, room: room, failing: failing) { name in
                withCString(targetLeaf) { target in withCString(name) { linkat(targetParent, target, parent, $0, 0) } }
            }
            if let problem { refuse(entry, problem) }
        case .fifo, .characterDevice, .blockDevice:
            let failing = entry.kind == .fifo ? "Cannot mkfifo" : "Cannot mknod"
            let room = makeRoom(for: entry, leaf, in: parent, refusal: failing)
            guard !room.refuses else { return }
            let type: mode_t = entry.kind == .fifo ? S_IFIFO : (entry.kind == .characterDevice ? S_IFCHR : S_IFBLK)
            let device = dev_t(UInt64(entry.deviceMajor & 0xfff) << 8 | UInt64(entry.deviceMinor & 0xff)
                               | UInt64(entry.deviceMinor & ~0xff) << 12 | UInt64(entry.deviceMajor & ~0xfff) << 32)
            let attributes = attributesOfSpecialFile(entry)
            var attributeProblems: [Diagnostic] = []
            let problem = makeNode(leaf, in: directory, room: room, failing: failing + ": ", make: { name in
                withCString(name) { mknodat(parent, $0, type | mode, device) }
            }, finish: { name in
                // Owner first (chown clears setuid/setgid bits), then the
                // mode in full where the policy says: mknod took the umask off.
                if let owner, withCString(name, { fchownat(parent, $0, owner.user, owner.group, AT_SYMLINK_NOFOLLOW) }) != 0 {
                    attributeProblems.append(Self.cannotChangeOwnership(entry.displayName, to: owner))
                }
                // By name, never through a symbolic link put in its place (a
                // FIFO opened to be changed could block).
                if mode & ProcessUmask.bits != 0 || owner != nil && mode & 0o6000 != 0 {
                    _ = withCString(name) { bale_chmod_nofollow(parent, $0, mode) }
                }
                attributeProblems += restore(attributes, ofSpecialFile: name, in: parent, displayName: entry.displayName)
                setTime(parent, name, entry, flags: AT_SYMLINK_NOFOLLOW)
            })
            said.append(contentsOf: attributeProblems)
            if let problem { refuse(entry, problem) }
        }
    }

    /// The file a hard link entry links to: its name (stripped as the
    /// entry's is, as GNU tar strips it) and its directory, found, never
    /// made, and the file there; nil (the entry refused) when the name has
    /// too few components, leads outside the destination, names the
    /// destination itself, or names nothing. The target's directory stays
    /// open (the stack moves on to the link's own), held by the
    /// `OpenDirectory` returned; `path` is how messages name the target:
    /// without its leading '/' or the components --strip-components
    /// takes, as GNU tar names it.
    private mutating func findLinkTarget(of entry: TarEntry) -> (leaf: [UInt8], directory: OpenDirectory, path: [UInt8])? {
        noticeLeadingSlashes(of: entry.linkTarget, in: "hard link targets")
        // A target with a ".." anywhere is refused before it is stripped,
        // as the entry's own name is (`begin`).
        if policy.stripComponents > 0, case .failure(let refused) = Self.components(entry.linkTarget) {
            refuse(entry, Self.linkTargetRefusal(entry.linkTarget, refused))
            return nil
        }
        guard let target = policy.stripped(entry.linkTarget) else {
            refuse(entry, "cannot hard link to \(Self.quoted(entry.linkTarget)): it has no more than "
                   + "\(policy.stripComponents) name components (--strip-components)")
            return nil
        }
        let targetParts: [[UInt8]]
        switch Self.components(target) {
        case .success(let parts): targetParts = parts
        case .failure(let refused):
            refuse(entry, Self.linkTargetRefusal(target, refused))
            return nil
        }
        // "", ".", "./": the destination directory, which no hard link can
        // name (GNU tar: "Cannot hard link to ‘.’: Operation not permitted").
        guard let targetLeaf = targetParts.last else {
            refuse(entry, "hard link to the destination directory itself")
            return nil
        }
        let targetPath = Array(target.drop { $0 == UInt8(ascii: "/") })
        writers.waitFor(Self.path(of: targetParts))
        let failing = "cannot link to \(TerminalText.name(targetPath)): "
        guard let directory = openParent(targetParts, for: entry, creatingMissing: false, failing: failing) else {
            return nil
        }
        var info = stat()
        guard withCString(targetLeaf, { fstatat(directory.fd, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 else {
            refuse(entry, failing + SystemError.current("stat").reason)
            return nil
        }
        // A name ending in '/' names a directory: "f/" is not the file f,
        // as linkat(2) says (ENOTDIR) and GNU tar and bsdtar refuse it
        // (bale linked to f, exit 0).
        if target.last == UInt8(ascii: "/"), info.st_mode & S_IFMT != S_IFDIR {
            refuse(entry, failing + SystemError(code: ENOTDIR, operation: "linkat").reason)
            return nil
        }
        return (targetLeaf, directory, targetPath)
    }

    /// Gives `leaf` the entry's modification time, unless the policy says not to (`-m`).
    private func setTime(_ parent: Int32, _ leaf: [UInt8], _ entry: TarEntry, flags: Int32) {
        guard policy.restoresTimes else { return }
        var times = OpenDirectory.times(seconds: entry.modificationSeconds, nanoseconds: entry.modificationNanoseconds)
        _ = withCString(leaf) { utimensat(parent, $0, &times, flags) }
    }

    /// The ids to give an entry: its names' ids on this system, else (or
    /// with `--numeric-owner`) its numeric ids.
    private mutating func owner(of entry: TarEntry) -> (user: uid_t, group: gid_t)? {
        if policy.numericOwner { return (entry.userID, entry.groupID) }
        let user = Self.resolve(entry.userName, else: entry.userID, cache: &userIDs) { getpwnam($0)?.pointee.pw_uid }
        let group = Self.resolve(entry.groupName, else: entry.groupID, cache: &groupIDs) { getgrnam($0)?.pointee.gr_gid }
        return (user, group)
    }

    /// The ids the system gives owner names, as found (nil: no such name),
    /// the last name asked first: an archive's entries mostly have one
    /// owner, and hashing its name for every entry showed in the profile.
    struct OwnerNames {
        var last: (name: [UInt8], id: UInt32?)?
        var found: [[UInt8]: UInt32?] = [:]
    }

    /// The id `lookUp` finds for `name` (cached), or `fallback` (the
    /// entry's own numeric id) for an empty or unknown name.
    private static func resolve(
        _ name: [UInt8], else fallback: UInt32, cache: inout OwnerNames,
        lookUp: (UnsafePointer<CChar>) -> UInt32?
    ) -> UInt32 {
        guard !name.isEmpty else { return fallback }
        if let last = cache.last, last.name == name { return last.id ?? fallback }
        let id: UInt32?
        if let known = cache.found[name] {
            id = known
        } else {
            id = withCString(name, lookUp)
            cache.found[name] = .some(id)
        }
        cache.last = (name, id)
        return id ?? fallback
    }

    /// A name as GNU tar quotes it in messages: ‘NAME’ (in C: 'NAME').
    private static func quoted(_ name: [UInt8]) -> String { TerminalText.quoted(TerminalText.name(name)) }

    /// Whether `entry` has extended attributes or ACLs to restore (and
    /// they are restored: not with `--no-xattrs`).
    private func restoresAttributes(of entry: TarEntry) -> Bool {
        restorer != nil && (!entry.attributes.isEmpty || entry.accessACL != nil || entry.defaultACL != nil)
    }

    /// The attributes and ACLs to set on `entry`'s file (its ACLs' names
    /// looked up here, on the extractor's thread: getpwnam is not
    /// thread-safe); what cannot be set is a warning.
    private mutating func attributesToSet(_ entry: TarEntry) -> [ExtendedAttributes.Attribute] {
        guard let restorer, restoresAttributes(of: entry) else { return [] }
        let (attributes, problems) = restorer.attributes(of: entry) { name, tag in
            withCString(name) { tag == .user ? getpwnam($0)?.pointee.pw_uid : getgrnam($0)?.pointee.gr_gid }
        }
        said.append(contentsOf: problems)
        return attributes
    }

    /// Sets `entry`'s attributes, `mode` (nil: left as it is) and ACLs on
    /// the file open on `fd`.
    private mutating func restoreAttributesAndMode(_ entry: TarEntry, to fd: Int32, mode: mode_t?) {
        let attributes = attributesToSet(entry)
        guard let restorer, !attributes.isEmpty else {
            if let mode { fchmod(fd, mode) }
            return
        }
        said.append(contentsOf: restorer.restore(attributes, mode: mode, to: fd, displayName: entry.displayName))
    }

    /// The attributes a symbolic link, FIFO or device can take
    /// (`trusted.*`, `security.*`, a device's ACL: the kernel takes no
    /// `user.*` on these, and no ACL on a symbolic link, which GNU tar
    /// does not try: tried, it gave a warning that the file system does
    /// not support ACLs, exit 2, and hid that warning for a file later).
    /// The `user.*` ones are left, but said, once for the run (exit 2), as
    /// GNU tar says each ("Operation not permitted"): an archive made where
    /// a link may have them (macOS) lost them with nothing said (a probe
    /// helper).
    private mutating func attributesOfSpecialFile(_ entry: TarEntry) -> [ExtendedAttributes.Attribute] {
        guard restorer != nil, !entry.attributes.isEmpty || entry.accessACL != nil else { return [] }
        let acls = [ExtendedAttributes.accessACLName, ExtendedAttributes.defaultACLName]
        let user = Array("user.".utf8)
        let all = attributesToSet(entry)
        if !saidUserAttributesOfSpecialFiles, let left = all.first(where: { $0.name.starts(with: user) }) {
            saidUserAttributesOfSpecialFiles = true
            said.append(.warning(path: entry.displayName, "cannot restore extended attribute \(left.displayName): Linux "
                                 + "takes no user.* attribute on a symbolic link, FIFO or device (the first; no more said of the others)"))
        }
        return all.filter { attribute in
            !attribute.name.starts(with: user) && !(entry.kind == .symbolicLink && acls.contains(attribute.name))
        }
    }

    /// Sets `attributes` on the special file `leaf` itself, opened
    /// `O_PATH`, never followed or opened as a device (its mode was given
    /// when it was made); the problems met.
    private func restore(_ attributes: [ExtendedAttributes.Attribute], ofSpecialFile leaf: [UInt8], in parent: Int32,
                         displayName: String) -> [Diagnostic] {
        guard let restorer, !attributes.isEmpty else { return [] }
        let fd = withCString(leaf) { openat(parent, $0, bale_o_path() | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        return restorer.restore(attributes, toPathDescriptor: fd, displayName: displayName)
    }

    /// Gives a directory made earlier its attributes, mode, ACLs and time
    /// at the end, while its owner may still write it (the kernel asks that
    /// of `user.*` attributes). A later entry may have put a symbolic link
    /// or a file where it was (an empty directory is replaced): then
    /// nothing is done, as GNU tar and bsdtar do, so the directory's mode
    /// (setuid, say) never reaches what the link names, outside the
    /// destination perhaps, nor the file. One with attributes or ACLs to
    /// set is opened for them in its `parent` with O_NOFOLLOW and
    /// O_DIRECTORY; the others are looked at in it (`fstatat`, not
    /// following) and given their mode and time by name, never through a
    /// link (`fchmodat`, `utimensat`): an open and a close fewer per
    /// directory, where 1,662 of them took some 11 ms at the end of an
    /// extraction.
    private mutating func finishDirectory(_ directory: DirectoryToFinish, leaf: [UInt8], in parent: Int32) {
        var times = OpenDirectory.times(seconds: directory.seconds, nanoseconds: directory.nanoseconds)
        if let entry = directory.attributed?.entry {
            let fd = withCString(leaf) { openat(parent, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            guard fd >= 0 else { return }
            defer { close(fd) }
            var info = stat()
            let mode = fstat(fd, &info) == 0 ? finalMode(of: directory, now: info.st_mode) : directory.mode
            restoreAttributesAndMode(entry, to: fd, mode: mode)
            if policy.restoresTimes { futimens(fd, &times) }
            return
        }
        var info = stat()
        guard withCString(leaf, { fstatat(parent, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0,
              info.st_mode & S_IFMT == S_IFDIR else { return }
        // The time first, then the mode (a change of mode leaves the time
        // alone), each failure named as GNU tar names it, in its order: the
        // directory was there and is not ours (`exit 2`), never a silent 0.
        // Named only when something is said (its path is built from the
        // tree, the errno taken first).
        if policy.restoresTimes, withCString(leaf, { utimensat(parent, $0, &times, AT_SYMLINK_NOFOLLOW) }) != 0 {
            let reason = SystemError.current("utimensat").reason
            said.append(.warning(path: TerminalText.name(directoryNames.path(of: directory.place)), "Cannot utime: \(reason)"))
        }
        if let mode = finalMode(of: directory, now: info.st_mode),
           withCString(leaf, { bale_chmod_nofollow(parent, $0, mode) }) != 0 {
            let reason = SystemError.current("chmod").reason
            said.append(.warning(path: TerminalText.name(directoryNames.path(of: directory.place)),
                                 "Cannot change mode to \(Self.permissions(mode)): \(reason)"))
        }
    }

    /// A `./` entry, for a destination this run made
    /// (`ExtractionPolicy.destinationIsNew`): its owner, mode, time and
    /// attributes are given at the end (`finishDestination`), after its
    /// entries, as every directory's; its owner too (a directory this
    /// run makes gets the archive's owner at once, but is kept 0700 until
    /// the end: the destination, made before, is not, and given to
    /// another owner now, it would let that owner add to it meanwhile).
    private mutating func takeForTheDestination(_ entry: TarEntry) {
        destinationOwner = policy.restoresOwners ? owner(of: entry) : nil
        destination = DirectoryToFinish(
            place: -1, seconds: entry.modificationSeconds, nanoseconds: entry.modificationNanoseconds,
            mode: policy.mode(entry.mode), made: true, attributed: restoresAttributes(of: entry) ? AttributedEntry(entry) : nil)
    }

    /// Gives the destination what its `./` entry holds (`takeForTheDestination`),
    /// through its descriptor, as `finishDirectory` gives a directory its own.
    private mutating func finishDestination(_ directory: DirectoryToFinish) {
        if let owner = destinationOwner, fchown(root, owner.user, owner.group) != 0 {
            said.append(Self.cannotChangeOwnership(".", to: owner))
        }
        var info = stat()
        guard fstat(root, &info) == 0 else { return }
        let mode = finalMode(of: directory, now: info.st_mode)
        if let entry = directory.attributed?.entry {
            restoreAttributesAndMode(entry, to: root, mode: mode)
        } else if let mode, fchmod(root, mode) != 0 {
            said.append(.warning(path: ".", "Cannot change mode to \(Self.permissions(mode)): \(SystemError.current("chmod").reason)"))
        }
        var times = OpenDirectory.times(seconds: directory.seconds, nanoseconds: directory.nanoseconds)
        if policy.restoresTimes, futimens(root, &times) != 0 {
            said.append(.warning(path: ".", "Cannot utime: \(SystemError.current("utimensat").reason)"))
        }
    }

    /// The mode to give a directory at the end, as GNU tar gives it, or nil
    /// where it has it already (`now`, its mode as it is). With the
    /// archive's modes (root's default) it is the archive's, in full. Else
    /// its permission bits less the umask, with the set-user-ID,
    /// set-group-ID and sticky bits the directory has (one taken from a
    /// shared parent, or an existing directory's own): and one this run
    /// made is left alone when its permission bits are those already, as
    /// GNU tar leaves it (for a user outside the directory's group, a
    /// change of mode would take its set-group-ID bit away).
    private func finalMode(of directory: DirectoryToFinish, now: mode_t) -> mode_t? {
        let current = now & 0o7777
        switch policy.modes {
        case .archived:
            return current == directory.mode ? nil : directory.mode
        case .lessUmask:
            let wanted = (directory.mode & 0o777) | (current & 0o7000)
            if directory.made { return current & 0o777 == wanted & 0o777 ? nil : wanted }
            return current == wanted ? nil : wanted
        }
    }

    /// `mode`'s permission bits as `ls -l` shows them (`rwxr-sr-x`), as
    /// GNU tar's "Cannot change mode to" names them.
    static func permissions(_ mode: mode_t) -> String {
        let letters = Array("rwxrwxrwx")
        var text = (0..<9).map { mode & (0o400 >> mode_t($0)) != 0 ? letters[$0] : "-" }
        if mode & 0o4000 != 0 { text[2] = text[2] == "x" ? "s" : "S" }
        if mode & 0o2000 != 0 { text[5] = text[5] == "x" ? "s" : "S" }
        if mode & 0o1000 != 0 { text[8] = text[8] == "x" ? "t" : "T" }
        return String(text)
    }

    private mutating func forgetCachedParent() {
        directories.forget()
    }

    public mutating func contentComes(from lent: LentBytes?) {
        self.lent = lent
    }

    public mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        if small != nil {
            // Kept lent where the bytes are (an arena slot, held until the
            // file is written) unless the writers hold enough slots already.
            var owner: (AnyObject & Sendable)?
            if let lent, lent.contains(bytes), writers.mayHold(lent.owner) { owner = lent.owner }
            small!.content.append(bytes, lentBy: owner)
            return
        }
        guard current >= 0, let base = bytes.baseAddress, bytes.count > 0 else { return }
        do { try FileIO.write(current, from: base, count: bytes.count) } catch {
            // A write error (a full disk, a file-size limit) fails this entry
            // alone, as a small file's does in `FileWriters` and as GNU tar
            // does: its temporary file is removed, the rest of its data
            // skipped, it is named with the other entries not extracted, and
            // the next entries are tried (space may be left for them), so
            // every entry that is not on disk is named.
            large?.discard()
            large = nil
            current = -1
            if let entry = currentEntry { refuse(entry, "write error: \(error.reason)") }
        }
    }

    /// A hole in a sparse file: skipped by seeking, so that it stays a hole.
    public mutating func hole(_ length: Int64) throws(BaleError) {
        // A sparse file is never a small one (`isSmallFile`): kept so that
        // a hole can never be dropped from one, should that change.
        if small != nil {
            small!.content.appendZeros(Int(length))
            return
        }
        guard current >= 0 else { return }
        if lseek(current, off_t(length), SEEK_CUR) < 0 {
            // A hole past what this file system allows: the file cannot be
            // made; it is removed and named (where, as GNU tar's "Cannot
            // seek to N"), and the next entries go on. The failed seek left
            // the offset where it was: asked only now, not at every hole.
            let reason = SystemError.current("lseek").reason
            let (target, overflow) = Int64(lseek(current, 0, SEEK_CUR)).addingReportingOverflow(length)
            giveUpSparseFile("cannot seek to byte \(overflow ? Int64.max : target): \(reason)")
        }
    }

    /// Removes the sparse file being written and refuses its entry.
    private mutating func giveUpSparseFile(_ reason: String) {
        large?.discard()
        large = nil
        current = -1
        if let entry = currentEntry { refuse(entry, reason) }
    }

    public mutating func end() throws(BaleError) {
        if let job = small {
            small = nil
            writers.submit(job)
            return
        }
        guard current >= 0, let entry = currentEntry, let file = large else { return }
        // A sparse file's last hole is made by giving the file its size.
        if entry.isSparse && ftruncate(current, off_t(entry.size)) != 0 {
            giveUpSparseFile("cannot make it \(entry.size) bytes long: \(SystemError.current("ftruncate").reason)")
            return
        }
        defer {
            current = -1
            large = nil
        }
        // Owner first: chown clears setuid/setgid bits, so the mode comes after.
        if policy.restoresOwners, let owner = owner(of: entry), fchown(current, owner.user, owner.group) != 0 {
            said.append(Self.cannotChangeOwnership(entry.displayName, to: owner))
        }
        restoreAttributesAndMode(entry, to: current, mode: policy.mode(entry.mode))
        if policy.restoresTimes {
            var times = OpenDirectory.times(seconds: entry.modificationSeconds, nanoseconds: entry.modificationNanoseconds)
            futimens(current, &times)
        }
        if let problem = file.commit() { refuse(entry, problem) }
    }

    /// GNU tar's warning for an owner not given (as root without the
    /// right to, in a container or a user namespace; on NFS with root
    /// squashed), from errno: the entry is extracted, owned by the user,
    /// its mode as given (as tar gives it), and the run ends in exit 2.
    /// bale said it of directories only: files, links and devices were
    /// left the user's in silence, exit 0.
    static func cannotChangeOwnership(_ name: String, to owner: (user: uid_t, group: gid_t)) -> Diagnostic {
        .warning(path: name, "Cannot change ownership to uid \(owner.user), gid \(owner.group): \(SystemError.current("chown").reason)")
    }

    /// The small files queued are written now, not when a batch is full.
    public mutating func inputPauses() {
        writers.handOverQueued()
        onLongWait?()
    }

    /// Waits for the writer threads, sets the directories' times (each
    /// after the ones in it), and returns every refused entry; call once
    /// at the end.
    public mutating func finish() -> [Diagnostic] { finishInOrder().inOrder }

    /// `finish`, each diagnostic at its entry's place in the archive.
    public mutating func finishInOrder() -> CollectedDiagnostics {
        // The reading stopped inside a file (an archive cut short, damage):
        // the file is not extracted, and named, as `verify` names where the
        // damage is; the error alone did not say which file was missing.
        if small != nil || large != nil, let entry = currentEntry {
            refuse(named: entry.name, "the archive breaks off inside it")
        }
        small = nil  // an archive cut inside a small file: that file is dropped
        large?.discard()  // and one cut inside a large file is removed
        large = nil
        current = -1
        // The writers' refusals, and what they could not restore of a
        // file's attributes (warnings): each put back at its entry.
        let written = writers.finish()
        said.append(written)
        forgetCachedParent()
        // What finishing the directories says comes after all the archive
        // gave, the reader's last problems too: GNU tar says it at the end.
        said.order = .max
        // A directory archived twice takes its last entry's mode and time,
        // as in GNU tar: the earlier entries of a path already done are passed.
        // By name, last first (`DirectoryNames.visitDeepestFirst`), so
        // that a directory is finished after the ones in it (their opens
        // need its search permission, which its mode may take away), each
        // in its parent kept open by the `DirectoryStack`, whatever the
        // archive's order: the archive's own, reversed, finished a parent
        // archived after its children (`find -depth`, `tar --no-recursion`
        // lists) first, and a mode of 0400 then left them unfinished.
        let names = directoryNames
        let places = directoryPlaces
        names.visitDeepestFirst { named, parts in
            guard let place = places[named], let leaf = parts.last,
                  let parent = openParent(parts, named: names.path(of: named)) else { return }
            finishDirectory(directoryTimes[place], leaf: leaf, in: parent.fd)
        }
        // The destination last: a mode it is given may take away the
        // search permission the others' opens needed.
        if let destination { finishDestination(destination) }
        destination = nil
        destinationOwner = nil
        directoryTimes = []
        directoryPlaces = [:]
        directoryNames = DirectoryNames()
        lastSplit = SplitName()
        return said
    }
}
