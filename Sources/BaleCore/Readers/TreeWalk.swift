#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// The one walk through the trees given to `pack`, `gzip -r` and `sum`:
/// each path as given, then, for a directory, its children sorted by name
/// bytes, depth first (the order of GNU tar's `--sort=name`, so the same
/// tree always gives the same archive, the same outputs, the same lines).
///
/// It yields what it finds as values (`next()`): each entry with its
/// `stat`, and each problem with its path and cause. It prints nothing and
/// knows no command: what to make of a symbolic link, a socket or a file
/// with hard links is each command's own judgement of the entries.
///
/// How it goes, and why:
/// - Iterative, with an explicit stack of directories, so a deep tree
///   cannot overflow a thread's stack (bale's threads have 512 KiB).
/// - Relative to directory descriptors: a child is examined with
///   `fstatat` and opened with `openat` relative to its directory, so the
///   walk never resolves a whole path again, and a tree deeper than
///   PATH_MAX can be walked. Links not followed are never followed on the
///   way (`AT_SYMLINK_NOFOLLOW`, `O_NOFOLLOW`).
/// - A bounded number of descriptors: each directory's names are read
///   whole when it is entered (then sorted), and its descriptor is kept
///   for its children; only the `maximumOpenDirectories` deepest on the
///   stack stay open (fewer once the process ran out of descriptors:
///   `openDirectory`). A directory whose descriptor was given up is opened
///   again, when the walk comes back to it, name by name from the nearest
///   open ancestor (checked to be the same directory by device and inode).
///   Holding one descriptor per level would fail on a deep tree at the
///   process's limit (often 1024); going back to whole paths would fail
///   past PATH_MAX. The cost, reopening, is paid only by trees deeper
///   than the bound.
/// - Cancellable: `cancellation` is checked before every entry, so a job
///   that failed stops walking at once.
///
/// A class because it owns descriptors, closed when it is done or dropped.
/// Used by one thread at a time.
public final class TreeWalk {
    /// How many directory descriptors the walk keeps open at most (see
    /// above): its share of the process's descriptor limit
    /// (`DescriptorLimit.directoryShare`: 64 at most).
    public static let maximumOpenDirectories = DescriptorLimit.directoryShare

    private let policy: TreeWalkPolicy
    /// The inode numbers of `policy.outputsOfThisRun`: a regular file
    /// listed with one of them is stat'ed even where listing types suffice.
    private lazy var outputInodes = Set(policy.outputsOfThisRun.map(\.identity.inode))
    private let base: Int32
    private let cancellation: Cancellation?
    /// The paths still to walk, with their names, in reverse order.
    private var tops: [(path: [UInt8], name: [UInt8])]
    /// The directories being walked, from the top down.
    private var stack: [Frame] = []
    private var openCount = 0
    /// No directory above this index on the stack is open: where giving
    /// up the shallowest begins. From the top each time, a chain 20,000
    /// directories deep went over the whole stack for every directory
    /// entered, the square of the depth in time.
    private var shallowestOpen = 0
    /// How many directory descriptors stay open at most:
    /// `maximumOpenDirectories` or the fewer the caller gave (`init`), or
    /// fewer once the process ran out of descriptors (`openDirectory`).
    private var bound = TreeWalk.maximumOpenDirectories
    /// The directory yielded last, with its path and name: entered at the
    /// next call, so its own entry comes before the problems of reading it
    /// and before its children.
    private var toEnter: (frame: Frame, path: [UInt8], name: [UInt8])?
    /// The path and the name of the deepest directory on the stack; each
    /// frame keeps only where its own end in them (`pathEnd`, `nameEnd`).
    /// Each frame kept its whole path and name: on a chain 20,000
    /// directories deep, 800 MiB held for the walk's stack alone, the
    /// square of the depth (a reading helper; `find | sha256sum` 9 MB).
    private var stackPath: [UInt8] = []
    private var stackName: [UInt8] = []
    /// The device of the current top (`oneFileSystem`).
    private var topDevice: UInt64 = 0
    /// An event to give before walking on: a mount point's entry, after
    /// the problem that says it is on another file system.
    private var pending: TreeWalkEvent?

    /// One directory on the walk's path.
    private struct Frame {
        /// How long its path and name are: their bytes are the first of
        /// `stackPath` and `stackName` while it is on the stack.
        var pathEnd: Int
        var nameEnd: Int
        /// What it is opened by relative to its parent's descriptor (its
        /// name; for a top, the path as given, relative to `base`).
        var component: [UInt8]
        var info: stat
        var isTop: Bool
        var follows: Bool
        var listing = TreeWalkEntry.Directory(names: [], info: stat())
        /// The d_type of each of `listing.names`, in its order, kept where
        /// a file's type is taken from it (`TreeWalkPolicy.typesFromListing`)
        /// or parts remove what they take (`takenByAnotherPart`: a name
        /// listed as a directory, or of a type the file system does not
        /// say); empty otherwise.
        var listedTypes: [UInt8] = []
        /// The d_ino of each of `listing.names`, beside `listedTypes`.
        var listedInodes: [UInt64] = []
        var next = 0
        var fd: Int32 = -1
    }

    /// A walk of `tops` (path as given, and the name it stands for: the
    /// start of every name below it), resolved relative to the directory
    /// open on `base` (`AT_FDCWD`: the working directory).
    /// At most `openDirectories` directory descriptors are kept open
    /// (the usual share, `maximumOpenDirectories`, unless the caller
    /// knows of fewer to spare).
    public init(tops: [(path: [UInt8], name: [UInt8])], policy: TreeWalkPolicy,
                relativeTo base: Int32 = AT_FDCWD, cancellation: Cancellation? = nil,
                openDirectories: Int = TreeWalk.maximumOpenDirectories) {
        bound = max(1, min(openDirectories, TreeWalk.maximumOpenDirectories))
        self.tops = tops.reversed()
        self.policy = policy
        self.base = base
        self.cancellation = cancellation
    }

    deinit {
        closeAll()
        entryBuffer.deallocate()
    }

    /// The next entry or problem, in walk order; nil at the end, or once cancelled.
    public func next() -> TreeWalkEvent? {
        if let waiting = pending {
            pending = nil
            if cancellation?.isCancelled != true { return waiting }
        }
        while true {
            if cancellation?.isCancelled == true {
                closeAll()
                tops = []
                return nil
            }
            if let (frame, path, name) = toEnter {
                toEnter = nil
                if let problem = enter(frame, path: path, name: name) { return .problem(problem) }
                continue
            }
            if let last = stack.indices.last {
                guard stack[last].next < stack[last].listing.names.count else {
                    if last > 0 { reopenParentByDotDot(of: last) }
                    close(last)
                    stack.removeLast()
                    shallowestOpen = min(shallowestOpen, stack.count)
                    stackPath.removeSubrange((stack.last?.pathEnd ?? 0)...)
                    stackName.removeSubrange((stack.last?.nameEnd ?? 0)...)
                    continue
                }
                let child = stack[last].listing.names[stack[last].next]
                let listedType = stack[last].listedTypes.isEmpty ? UInt8(DT_UNKNOWN) : stack[last].listedTypes[stack[last].next]
                let listedInode = stack[last].listedInodes.isEmpty ? 0 : stack[last].listedInodes[stack[last].next]
                stack[last].next += 1
                let parent = stack[last]
                let path = Self.joining(stackPath, child, separatorAfterSlash: false)
                let name = stackName.isEmpty ? child : Self.joining(stackName, child, separatorAfterSlash: true)
                if policy.leavesOut(path: path, name: name) { continue }
                if listedType == UInt8(DT_REG) && !policy.statsEveryFile && !outputInodes.contains(listedInode) {
                    // Listed as a regular file, with no rule that needs its
                    // stat (`TreeWalkPolicy.typesFromListing`): no descriptor
                    // needed, none opened. One listed with the inode number
                    // of an output of this run is stat'ed, to be told by its
                    // identity (below): a stat of every file for that was
                    // ~10% of `sum d > file`'s CPU (12,000 `fstatat`s more
                    // on the text corpus). Where a file system lists other
                    // numbers than `stat` gives (overlayfs without xino), the
                    // output is read as any file, as before it was known.
                    var info = stat()
                    info.st_mode = S_IFREG
                    var entry = TreeWalkEntry(path: path, name: name, info: info, isGiven: false, directory: parent.listing)
                    entry.isStated = false
                    entry.isSelected = policy.takesFile(path: path, name: name, info)
                    return .entry(entry)
                }
                let parentFD: Int32
                switch descriptor(last) {
                case .success(let fd): parentFD = fd
                case .failure(let problem):
                    stack[last].next = stack[last].listing.names.count
                    return .problem(problem)
                }
                if let event = examine(path: path, name: name, component: child, in: parentFD, isTop: false,
                                       listedAsDirectory: listedType == UInt8(DT_DIR) || listedType == UInt8(DT_UNKNOWN),
                                       directory: parent.listing) {
                    return event
                }
                continue
            }
            guard let top = tops.popLast() else { return nil }
            if policy.leavesOut(path: top.path, name: top.name, isTop: true) { continue }
            if let event = examine(path: top.path, name: top.name, component: top.path, in: base, isTop: true,
                                   directory: nil) {
                return event
            }
        }
    }

    /// Examines one entry; the event to yield, or nil when it is left out.
    private func examine(path: [UInt8], name: [UInt8], component: [UInt8], in parent: Int32, isTop: Bool,
                         listedAsDirectory: Bool = false, directory: TreeWalkEntry.Directory?) -> TreeWalkEvent? {
        let follows = policy.links == .always || (isTop && policy.links == .givenPathsOnly)
        var info = stat()
        if withCString(component, { fstatat(parent, $0, &info, follows ? 0 : AT_SYMLINK_NOFOLLOW) }) != 0 {
            if errno == ENOENT && takenByAnotherPart(path: path, name: name, component: component, isTop: isTop,
                                                     listedAsDirectory: listedAsDirectory) { return nil }
            return .problem(.init(path: path, cause: .cannotStat(.current("stat"))))
        }
        if isTop { topDevice = UInt64(info.st_dev) }
        if policy.oneFileSystem && UInt64(info.st_dev) != topDevice {
            // A mount point is yielded, not entered, as GNU tar stores the
            // directory and leaves out what is below it (left out too, a
            // mode-700 mount point came back with default permissions);
            // anything else there is only reported.
            if info.st_mode & S_IFMT == S_IFDIR {
                pending = .entry(TreeWalkEntry(path: path, name: name, info: info, isGiven: isTop, directory: directory))
            }
            return .problem(.init(path: path, cause: .otherFileSystem))
        }
        let identity = FileIdentity(info)
        // Found in a tree, not named: a path given is stored whatever it
        // is (`pack a b -o a` keeps a's old bytes in the archive).
        // The output's temporary file (a name of bale's own) is passed over
        // in silence; any other name of those files (the archive the output
        // replaces, a hard link to it) with GNU tar's notice.
        if !isTop, let output = policy.outputsOfThisRun.first(where: { $0.identity == identity }) {
            return AtomicOutputFile.isTemporaryName(component) ? nil : .problem(.init(path: path, cause: .isAnOutput(output.kind)))
        }
        // Another run's temporary file (one killed, or still writing): a
        // half-made output, never the user's data.
        if !isTop && policy.leavesOutTemporaryFiles && info.st_mode & S_IFMT == S_IFREG
            && AtomicOutputFile.isTemporaryName(component) {
            return .problem(.init(path: path, cause: .temporaryFile))
        }
        var entry = TreeWalkEntry(path: path, name: name, info: info, isGiven: isTop, directory: directory)
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            entry.isSelected = policy.takesFile(path: path, name: name, info)
        case S_IFDIR:
            if follows && stack.contains(where: { FileIdentity($0.info) == identity }) {
                return .problem(.init(path: path, cause: .symbolicLinkLoop))
            }
            toEnter = (Frame(pathEnd: path.count, nameEnd: name.count, component: component, info: info, isTop: isTop,
                             follows: follows), path, name)
        case S_IFLNK:
            entry.linkTarget = Self.linkTarget(component, in: parent) ?? []
        default:
            break
        }
        return .entry(entry)
    }

    /// Whether an entry found gone was another run's or another part's:
    /// a bale temporary file below a top (another run's live output,
    /// renamed into place since it was listed: a part of the same `--shard`
    /// run, even one that removes nothing, as with -k), or, where parts
    /// remove what they take (`TreeWalkPolicy.partsRemoveTheirFiles`), a
    /// name not this part's to take, or a directory inside a tree (each
    /// `pack` part keeps every directory and removes those it emptied, so
    /// any part may have removed it; its name's hash says nothing of it).
    /// `component` is the entry's name in its directory (for an entry
    /// below a top).
    private func takenByAnotherPart(path: [UInt8], name: [UInt8], component: [UInt8], isTop: Bool,
                                    listedAsDirectory: Bool) -> Bool {
        if !isTop && AtomicOutputFile.isTemporaryName(component) { return true }
        guard let parts = policy.partsRemoveTheirFiles else { return false }
        if !parts.takes(path) { return true }
        return !isTop && listedAsDirectory
    }

    /// Opens the directory of `frame` (at `path`, named `name`), reads its
    /// names and puts it on the stack; the problem if it cannot be read.
    private func enter(_ frame: Frame, path: [UInt8], name: [UInt8]) -> TreeWalkProblem? {
        var frame = frame
        let parent: Int32
        if let last = stack.indices.last {
            switch descriptor(last) {
            case .success(let fd): parent = fd
            case .failure(let problem): return problem
            }
        } else {
            parent = base
        }
        let fd = openDirectory(frame.component, in: parent, following: frame.follows, keeping: stack.count - 1)
        guard fd >= 0 else {
            // Gone since it was examined, removed by another part (see
            // `takenByAnotherPart`): its entry stands, there is nothing in it.
            if errno == ENOENT && !frame.isTop && policy.partsRemoveTheirFiles != nil { return nil }
            return .init(path: path, cause: .cannotReadDirectory(.current("open")))
        }
        switch names(fd, keepingTypes: !policy.statsEveryFile || policy.partsRemoveTheirFiles != nil) {
        case .success(let (names, types, inodes)):
            frame.listing = .init(names: names, info: frame.info)
            frame.listedTypes = types
            frame.listedInodes = outputInodes.isEmpty ? [] : inodes
        case .failure(let error):
            FileIO.close(fd)
            return .init(path: path, cause: .cannotReadDirectory(error))
        }
        frame.fd = fd
        stack.append(frame)
        shallowestOpen = min(shallowestOpen, stack.count - 1)
        // Its path is the one below it and its name (the same bytes): the
        // array is taken as it is, no copy.
        stackPath = path
        stackName = name
        openCount += 1
        keepWithinBound()
        return nil
    }

    /// The descriptor of the directory at `index` on the stack, opening it
    /// again from its nearest open ancestor if it was given up.
    private func descriptor(_ index: Int) -> Result<Int32, TreeWalkProblem> {
        if stack[index].fd >= 0 { return .success(stack[index].fd) }
        var from = index
        while from > 0 && stack[from - 1].fd < 0 { from -= 1 }
        for level in from...index {
            let parent = level == 0 ? base : stack[level - 1].fd
            let fd = openDirectory(stack[level].component, in: parent, following: stack[level].follows,
                                   keeping: level - 1)
            guard fd >= 0, FileIdentity(ofOpen: fd) == FileIdentity(stack[level].info) else {
                let error = SystemError.current("open")
                if fd >= 0 { FileIO.close(fd) }
                return .failure(.init(path: Array(stackPath[..<stack[level].pathEnd]),
                                      cause: fd >= 0 ? .directoryReplaced : .cannotReadDirectory(error)))
            }
            stack[level].fd = fd
            openCount += 1
            shallowestOpen = min(shallowestOpen, level)
            // Gives up the shallowest as it goes down, so that reopening a
            // long way never holds more than the bound either.
            keepWithinBound(keeping: level)
        }
        return .success(stack[index].fd)
    }

    /// Going up out of the directory at `index`, done with: its parent,
    /// given up on the way down (a tree deeper than the bound), is opened
    /// again as `..` of it, checked to be the same directory by device and
    /// inode, rather than name by name from its nearest open ancestor
    /// (`descriptor`), which on the way up a chain is the top: a chain
    /// 20,000 deep with a file at each level took ~6 million opens and 12
    /// s to walk (GNU tar 1.9 s), the square of the depth over the bound.
    /// Opened even with no entries left in it, so that the way up goes on
    /// by `..` past levels with nothing more to list. Not at the bound
    /// (the parent is then opened by `descriptor`, which makes room), nor
    /// when `..` is not the directory walked (moved since, or reached
    /// through a link: `descriptor` says so).
    private func reopenParentByDotDot(of index: Int) {
        let parent = index - 1
        guard stack[parent].fd < 0, stack[index].fd >= 0, openCount < bound else { return }
        let fd = openat(stack[index].fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0, FileIdentity(ofOpen: fd) == FileIdentity(stack[parent].info) else {
            if fd >= 0 { FileIO.close(fd) }
            return
        }
        stack[parent].fd = fd
        openCount += 1
        shallowestOpen = min(shallowestOpen, parent)
    }

    /// Opens `entry`, the entry this walk yielded last, relative to the
    /// directory it was found in (held open by the walk, or opened again
    /// from its nearest open ancestor), with `flags`; a given path by its
    /// path. -1 with errno set when it cannot. An entry deeper than
    /// PATH_MAX opened by its whole path went down from the start one
    /// component at a time (`LongPathOpen`), each entry of a chain of
    /// 5,000 directories: `pack` of it ran past a minute where GNU tar
    /// took half a second (a reading helper).
    public func openYielded(_ entry: TreeWalkEntry, flags: Int32) -> Int32 {
        guard !entry.isGiven, let last = stack.indices.last else {
            return LongPathOpen.open(entry.path, relativeTo: base, flags: flags)
        }
        switch descriptor(last) {
        case .success(let parent): return withCString(entry.baseName) { openat(parent, $0, flags) }
        case .failure: return LongPathOpen.open(entry.path, relativeTo: base, flags: flags)
        }
    }

    /// Gives up the shallowest open directory but the deepest, and keeps
    /// to one fewer from then on: for a caller that found no descriptor for
    /// a file of its own (`PackEntryFinder`'s attributes), as the walk
    /// does when it finds none for a directory (`openDirectory`). Whether
    /// one was given up (false with only the deepest open).
    public func giveUpOne() -> Bool {
        guard openCount > 1 else { return false }
        let before = openCount
        bound = max(1, openCount - 1)
        keepWithinBound()
        return openCount < before
    }

    /// Gives up the shallowest descriptors until at most `bound` are open
    /// (never the one at `keeping`).
    private func keepWithinBound(keeping: Int? = nil) {
        var level = shallowestOpen
        while openCount > bound && level < stack.count {
            if level != keeping && level != stack.count - 1 { close(level) }
            level += 1
        }
        // All above `level` are closed now, but those it kept.
        shallowestOpen = max(0, min(level, keeping ?? level, stack.count - 1))
    }

    private func close(_ index: Int) {
        guard stack[index].fd >= 0 else { return }
        FileIO.close(stack[index].fd)
        stack[index].fd = -1
        openCount -= 1
    }

    private func closeAll() {
        for index in stack.indices { close(index) }
        stack = []
        shallowestOpen = 0
        toEnter = nil
        stackPath = []
        stackName = []
    }

    private static func openDirectory(_ name: [UInt8], in parent: Int32, following: Bool) -> Int32 {
        withCString(name) { openat(parent, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (following ? 0 : O_NOFOLLOW)) }
    }

    /// Opens the directory `name` in `parent` (the descriptor of the stack
    /// at `keeping`, or `base` for -1). Out of descriptors (EMFILE, ENFILE:
    /// the job's other parts took more of a low `ulimit -n` than the share
    /// allowed for, as under `ulimit -n 16` with two workers, whose pipes
    /// and arena, with the standard streams, take 11, and the files the
    /// readers and the output hold), it gives up every open directory but
    /// the parent, tries once more, and keeps to that many for the rest of
    /// the walk (`bound`; a shortage that passes, another thread's file
    /// closed since, leaves it low: slower, never wrong). Those given up
    /// are opened again when the walk comes back to them, so the walk goes
    /// on instead of losing the rest of the tree. With only the parent
    /// open, the open fails as before: the directory is reported.
    ///
    /// Room is made first: the shallowest open directories but the parent
    /// are given up until one more fits within `bound`, so the walk never
    /// holds more than its bound, not even between an open and the close
    /// after it (one more for that moment took, now and then, the last
    /// descriptor of a low `ulimit -n` from pack's cutter, whose file was
    /// then left out).
    private func openDirectory(_ name: [UInt8], in parent: Int32, following: Bool, keeping: Int) -> Int32 {
        var level = shallowestOpen
        while openCount >= bound && level < stack.count {
            if level != keeping { close(level) }
            level += 1
        }
        shallowestOpen = min(level, keeping >= 0 ? keeping : level)
        var fd = Self.openDirectory(name, in: parent, following: following)
        guard fd < 0, errno == EMFILE || errno == ENFILE else { return fd }
        if openCount > (keeping >= 0 ? 1 : 0) {
            bound = max(1, openCount - 1)
            for index in stack.indices where index != keeping { close(index) }
            fd = Self.openDirectory(name, in: parent, following: following)
        }
        // Nothing more of its own to give up: another thread may hold one
        // for a moment, so it tries again a little later before the
        // directory is reported.
        return DescriptorLimit.retryingWhileShort(first: fd) { Self.openDirectory(name, in: parent, following: following) }
    }

    /// What the symbolic link `name` in `parent` points to.
    private static func linkTarget(_ name: [UInt8], in parent: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX))
        let length = withCString(name) { cName in
            buffer.withUnsafeMutableBytes {
                readlinkat(parent, cName, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
            }
        }
        return length < 0 ? nil : Array(buffer[0..<length])
    }

    /// `directory`, then a slash (unless `directory` ends with one and
    /// `separatorAfterSlash` is false), then `child`: one array, made once
    /// (this runs for every entry of the tree).
    private static func joining(_ directory: [UInt8], _ child: [UInt8], separatorAfterSlash: Bool) -> [UInt8] {
        var joined: [UInt8] = []
        joined.reserveCapacity(directory.count + 1 + child.count)
        joined += directory
        if separatorAfterSlash || directory.last != UInt8(ascii: "/") { joined.append(UInt8(ascii: "/")) }
        joined += child
        return joined
    }

    /// Where `names` reads directory entries (`getdents64`), kept for the
    /// whole walk.
    private let entryBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 << 10, alignment: 8)

    /// The names in the directory open on `fd`, sorted by bytes, without
    /// "." and ".."; `fd` stays open.
    ///
    /// Read with getdents64 on `fd` itself into `entryBuffer`: a DIR stream
    /// (fdopendir) would take the descriptor for its own and close it, so
    /// it was given a duplicate, and each directory cost a dup, two fcntl,
    /// a close and a 32 KiB allocation more (for the 1,671 directories of
    /// the text corpus, about 6,700 system calls).
    ///
    /// With `keepingTypes`, the d_type of each name too, in the names'
    /// order (empty without).
    func names(_ fd: Int32, keepingTypes: Bool = false)
        -> Result<(names: [[UInt8]], types: [UInt8], inodes: [UInt64]), SystemError> {
        var names: [[UInt8]] = []
        var types: [UInt8] = []
        var inodes: [UInt64] = []
        let buffer = entryBuffer
        while true {
            let length = bale_getdents(fd, buffer.baseAddress, buffer.count)
            if length < 0 {
                if errno == EINTR { continue }
                return .failure(.current("getdents64"))
            }
            if length == 0 { break }
            var offset = 0
            while offset < length {
                // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2),
                // d_type (1), then d_name up to its NUL, within d_reclen.
                let record = Int(buffer.loadUnaligned(fromByteOffset: offset + 16, as: UInt16.self))
                let field = buffer.baseAddress! + offset + 19
                let name = Array(UnsafeRawBufferPointer(start: field, count: strnlen(field.assumingMemoryBound(to: CChar.self), record - 19)))
                offset += record
                if PathParts.isSelfOrParent(name) { continue }
                names.append(name)
                if keepingTypes {
                    types.append(buffer.load(fromByteOffset: offset - record + 18, as: UInt8.self))
                    inodes.append(buffer.loadUnaligned(fromByteOffset: offset - record, as: UInt64.self))
                }
            }
        }
        guard keepingTypes else { return .success((names.sorted { $0.lexicographicallyPrecedes($1) }, [], [])) }
        let order = names.indices.sorted { names[$0].lexicographicallyPrecedes(names[$1]) }
        return .success((order.map { names[$0] }, order.map { types[$0] }, order.map { inodes[$0] }))
    }
}
