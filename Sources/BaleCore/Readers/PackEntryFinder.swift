#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// The entries of `bale pack`, in archive order: the paths given, walked
/// by a `TreeWalk`, each thing found judged as GNU tar judges it.
///
/// - The name of each path given is made safe as GNU tar makes it
///   (`TarMemberName`), with its notice said once per prefix removed.
/// - Hard links: the first name of a file with several links is stored
///   with its content, later names as links to it.
/// - Sockets are left out with a warning that does not change the exit
///   status (tar cannot store them; GNU tar 1.34 says "socket ignored"
///   and exits 0); an unknown file type is an error.
/// - `--shard K/N` keeps every directory (so each part unpacks into the
///   same tree) and the other entries by name; a hard link goes with the
///   file it names, so that each part is whole and the parts unpacked
///   into one tree make it a link again. (This is why the shard is
///   applied here and not by the walk, which knows no hard links.) So a
///   hard link may be in another part of `pack` than of `sum` or `gzip
///   -r`, which take each name by its own path: tried the other way
///   (each name by its own path, the first in a part stored with the
///   content), the parts unpacked the names as separate files.
///
/// - Extended attributes (unless `storesAttributes` is off): every one
///   the file has that can be read (all namespaces as root; `user.*`
///   and what else the kernel shows otherwise); its POSIX ACLs become
///   `accessACL` and `defaultACL` with user and group names, as GNU tar
///   stores them (`PackAttributes`). A directory's, link's or device's
///   are read here, through an `O_PATH` descriptor of the entry itself
///   (`ExtendedAttributes.read`); a regular file's later, on the
///   descriptor its content is read through (`PackEntry.readsAttributesWithContent`),
///   which costs nearly nothing where an open here would cost as much as
///   the rest of the walk. A later name of a hard-linked file carries none
///   (its first name does), unless it is stored as the file itself, when
///   the first name could not be read (`TarChunkCutter`).
///
/// A problem the walk meets (a path that cannot be examined, a directory
/// that cannot be read, a loop) is a warning naming it, and the entry is
/// left out (a directory that cannot be read too, with nothing under it,
/// as GNU tar leaves it out); the job then ends with exit 2, as GNU tar's.
public struct PackEntryFinder {
    /// What to walk and how.
    public struct Options: Sendable {
        /// Follow symbolic links (`-h`): store what they point to.
        public var dereference = false
        /// Glob patterns (`--exclude`): an entry whose name or any path
        /// suffix matches is left out, with everything under it.
        public var excludes: [String] = []
        /// Do not descend into other file systems (`--one-file-system`).
        public var oneFileSystem = false
        /// Keep only this part of the entries (`--shard K/N`).
        public var shard: Shard?
        /// The parts remove what they store (`--remove-files`): an entry
        /// of another part found gone is passed over
        /// (`TreeWalkPolicy.partsRemoveTheirFiles`).
        public var removesSources = false
        /// Files never to store: the archive being written, when the walk
        /// runs while it is (its temporary file may lie inside the tree),
        /// the one it replaces (`AtomicOutputFile.filesWritten`), and the
        /// manifest the run replaces (`TreeWalkPolicy.outputsOfThisRun`).
        public var outputsOfThisRun: [OutputOfThisRun] = []
        /// Store extended attributes and ACLs (off with `--no-xattrs`).
        public var storesAttributes = true
        /// ACLs name users and groups by id only (`--numeric-owner`).
        public var numericOwner = false
        public init() {}
    }

    let options: Options
    /// Problems met, each naming the path: first the notices of names
    /// made safe, then the warnings, in the order met.
    private(set) var notices: [Diagnostic] = []
    private(set) var warnings: [Diagnostic] = []
    /// True when something asked for was left out (exit 2: the archive holds the rest).
    private(set) var hadErrors = false

    private var noticedPrefixes: Set<[UInt8]> = []
    private var hardLinks: [FileIdentity: (name: [UInt8], stamp: PackEntry.WalkedStamp)] = [:]
    private var owners = OwnerNames()
    private var attributes: PackAttributes
    /// The directory the walk's paths are relative to (set by `walk`).
    private var base: Int32 = AT_FDCWD

    init(options: Options) {
        self.options = options
        attributes = PackAttributes(namesOwners: !options.numericOwner)
    }

    /// Walks `paths` (relative to the directory open on `base`), handing
    /// the entries to `deliver` in archive order as they are found, in
    /// batches of about `batchSize`; stops when `deliver` returns false or
    /// `cancellation` is set. The walk keeps at most `openDirectories`
    /// directories open (`PackDescriptors`).
    mutating func walk(_ paths: [[UInt8]], relativeTo base: Int32 = AT_FDCWD, cancellation: Cancellation? = nil,
                       openDirectories: Int = TreeWalk.maximumOpenDirectories,
                       batchSize: Int = 256, deliver: ([PackEntry]) -> Bool) {
        self.base = base
        var tops: [(path: [UInt8], name: [UInt8])] = []
        for path in paths {
            let bytes = TarMemberName.withoutTrailingSlashes(path)
            let (name, removed) = TarMemberName.stored(bytes)
            if !removed.isEmpty && !noticedPrefixes.contains(removed) {
                // Once per prefix, as GNU tar says it (exit status unchanged).
                noticedPrefixes.insert(removed)
                notices.append(.notice(path: nil, "Removing leading `\(TerminalText.name(removed))' from member names"))
            }
            tops.append((bytes, name))
        }
        var policy = TreeWalkPolicy()
        policy.links = options.dereference ? .always : .never
        policy.excludes = options.excludes
        policy.oneFileSystem = options.oneFileSystem
        policy.outputsOfThisRun = options.outputsOfThisRun
        policy.leavesOutTemporaryFiles = true
        policy.partsRemoveTheirFiles = options.removesSources ? options.shard : nil
        let walk = TreeWalk(tops: tops, policy: policy, relativeTo: base, cancellation: cancellation,
                            openDirectories: openDirectories)
        var batch: [PackEntry] = []
        // A directory's entry is held until the walk has entered it: one it
        // cannot read (no read permission) is left out with the warning,
        // as GNU tar leaves it out, not stored as an empty directory that
        // would unpack as if it had held nothing.
        var heldDirectory: PackEntry?
        while let event = walk.next() {
            if let held = heldDirectory {
                heldDirectory = nil
                if case .problem(let problem) = event, case .cannotReadDirectory = problem.cause,
                   problem.path == held.source {
                    if inThisPart(problem.path) { report(problem) }
                    continue
                }
                // Delivered when the batch is full, as a file is: a tree
                // of directories alone (120,000 empty ones) was one batch,
                // held three times over (168 MiB, over the bound) and past
                // the feed's `walkAhead`.
                batch.append(held)
                if batch.count >= batchSize {
                    guard deliver(batch) else { return }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            switch event {
            case .problem(let problem) where inThisPart(problem.path): report(problem)
            case .problem: break
            case .entry(let found):
                guard let entry = judge(found, walk: walk) else { continue }
                if entry.header.kind == .directory {
                    heldDirectory = entry
                    continue
                }
                if let shard = options.shard, entry.header.kind != .directory,
                   !shard.takes(entry.header.kind == .hardLink ? entry.header.linkTarget : entry.header.name) {
                    continue
                }
                batch.append(entry)
                if batch.count >= batchSize {
                    guard deliver(batch) else { return }
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
        if let held = heldDirectory { batch.append(held) }
        if !batch.isEmpty && cancellation?.isCancelled != true { _ = deliver(batch) }
    }

    /// The entry `found` is stored as; nil when it is left out.
    private mutating func judge(_ found: TreeWalkEntry, walk: TreeWalk) -> PackEntry? {
        let display = found.displayPath
        guard var header = TarEntry(name: found.name, info: found.info, linkTarget: found.linkTarget) else {
            if !inThisPart(found.name) {
                // Another part's to speak of.
            } else if found.type == S_IFSOCK {
                warnings.append(.notice(path: display, "socket ignored"))
            } else {
                warnings.append(.warning(path: display, "unknown file type; not dumped"))
                hadErrors = true
            }
            return nil
        }
        header.userName = owners.user(found.info.st_uid)
        header.groupName = owners.group(found.info.st_gid)
        switch header.kind {
        case .file:
            if linksToAnEarlierName(found, &header) {
                // Read as a file only if the first name cannot be
                // (`TarChunkCutter.standingIn`): then with its attributes.
                return PackEntry(header: header, source: found.path, walkedStamp: .init(found.info),
                                 walkedDirectory: found.walkedDirectory, followsLinks: options.dereference,
                                 readsAttributesWithContent: options.storesAttributes, wasGiven: found.isGiven)
            }
            // "." and "a/..": a file cannot be either, but a name made empty stores nothing.
            if found.name.isEmpty { return nil }
            return PackEntry(header: header, source: found.path, walkedStamp: .init(found.info),
                             walkedDirectory: found.walkedDirectory, followsLinks: options.dereference,
                             readsAttributesWithContent: options.storesAttributes,
                             wasGiven: found.isGiven)
        case .directory:
            // A top named "." (or "a/..") is stored as `./`, as GNU tar
            // stores it: its mode, owner, time and attributes are the
            // tree's own (`pack -C /srv/data .`, a backup of a 0750
            // directory, stored none, and its restore was 0755; a probe
            // helper). Its contents keep their names without `./`.
            header.name = found.name.isEmpty ? Array("./".utf8) : found.name + [UInt8(ascii: "/")]
            readAttributes(of: found, into: &header, walk: walk)
            // Looked at again once its entries are stored (`TarChunkCutter`),
            // as the walk reached it.
            return PackEntry(header: header, source: found.path, walkedStamp: .init(found.info),
                             followsLinks: options.dereference, wasGiven: found.isGiven)
        default:
            if linksToAnEarlierName(found, &header) {
                return PackEntry(header: header, source: found.path, walkedStamp: .init(found.info))
            }
            // Another part's: its attributes are that part's to read, and to warn of.
            guard inThisPart(header.name) else { return nil }
            readAttributes(of: found, into: &header, walk: walk)
            return PackEntry(header: header, source: found.path, walkedStamp: .init(found.info))
        }
    }

    /// True, with `header` made a hard link to it, when `found` has several
    /// names and one was stored before; else the first of its names is
    /// noted. A regular file, and a symbolic link, FIFO or device too, as
    /// GNU tar links them (bale stored each name of a link as a link of
    /// its own, and they came back as separate files: a probe helper).
    ///
    /// One inode has one size and time: a name that shares the first's
    /// device and inode but not those is another file (a FUSE file system
    /// that gives every file one inode number made every file a link to
    /// the first, and `--remove-files` then removed them all: a probe), or
    /// it changed since: stored as itself.
    private mutating func linksToAnEarlierName(_ found: TreeWalkEntry, _ header: inout TarEntry) -> Bool {
        guard found.info.st_nlink > 1 else { return false }
        let identity = FileIdentity(found.info)
        let stamp = PackEntry.WalkedStamp(found.info)
        if let first = hardLinks[identity], first.stamp.hasSizeAndTime(of: stamp) {
            header.kind = .hardLink
            header.linkTarget = first.name
            header.size = 0
            return true
        }
        if hardLinks[identity] == nil { hardLinks[identity] = (found.name, stamp) }
        return false
    }

    /// Gives `header` the extended attributes and ACLs of the file `found`
    /// names; one that cannot be read is a warning (the entry is stored
    /// without them). Out of descriptors (a low `ulimit -n`, the workers'
    /// pipes and the files read ahead taking the rest), the walk gives up
    /// one of the directories it holds for each try (`TreeWalk.giveUpOne`),
    /// as it does for its own opens: under `ulimit -n` 14 to 18 with two
    /// workers, directories were stored without their attributes, with a
    /// warning each (exit 2), for want of the one descriptor this takes.
    private mutating func readAttributes(of found: TreeWalkEntry, into header: inout TarEntry, walk: TreeWalk) {
        guard options.storesAttributes else { return }
        let flags = bale_o_path() | O_CLOEXEC | (options.dereference ? 0 : O_NOFOLLOW)
        var fd = walk.openYielded(found, flags: flags)
        while fd < 0, errno == EMFILE || errno == ENFILE, walk.giveUpOne() {
            fd = walk.openYielded(found, flags: flags)
        }
        // Then a little later, as the walk's own opens: a reading thread
        // holds one more for a moment (`PackEntry.openSource`).
        fd = DescriptorLimit.retryingWhileShort(first: fd) { walk.openYielded(found, flags: flags) }
        guard fd >= 0 else {
            warnings.append(.warning(path: found.displayPath, "Cannot read extended attributes: \(SystemError.current("open").reason)"))
            hadErrors = true
            return
        }
        defer { close(fd) }
        switch ExtendedAttributes.read(from: fd) {
        case .failure(let error):
            warnings.append(.warning(path: found.displayPath, "Cannot read extended attributes: \(error.reason)"))
            hadErrors = true
        case .success(let read):
            attributes.store(read, in: &header)
        }
    }

    /// Whether this part of a `--shard` run takes the entry `path` names
    /// (as walked or as stored: one key, `Shard.key(of:)`), and so is the
    /// one part to warn of it: every part warned of each socket, dangling
    /// link (`-h`) or unreadable name, and every part's exit status was 2
    /// where `gzip -r --shard` warns once (a probe helper). A directory is
    /// stored by every part, but warned of by one too: the parts together
    /// say what one run would.
    private func inThisPart(_ path: [UInt8]) -> Bool {
        options.shard?.takes(path) ?? true
    }

    /// Words a problem of the walk as GNU tar does.
    private mutating func report(_ problem: TreeWalkProblem) {
        let display = problem.displayPath
        let cause: String
        switch problem.cause {
        case .cannotStat(let error): cause = "Cannot stat: \(error.reason)"
        case .cannotReadDirectory(let error): cause = "Cannot open: \(error.reason)"
        case .otherFileSystem: cause = "file is on a different filesystem; not dumped"
        case .isAnOutput(.archive): cause = "file is the archive; not dumped"
        case .isAnOutput(.manifest): cause = "file is the manifest; not dumped"
        case .isAnOutput(.report): cause = "file is the JSON summary; not dumped"
        case .isAnOutput(.standardOutput): cause = "file is the archive; not dumped"
        case .temporaryFile: cause = TreeWalkProblem.temporaryFileNotice
        case .symbolicLinkLoop: cause = "Symbolic link loop: directory already being archived"
        case .directoryReplaced: cause = "directory replaced while it was archived; the rest of it not dumped"
        }
        // Something asked for and left out is a warning (exit 2); what GNU
        // tar only remarks on (another file system, the archive) is a notice.
        warnings.append(problem.severity == .error ? .warning(path: display, cause) : .notice(path: display, cause))
        if problem.severity == .error { hadErrors = true }
    }
}
