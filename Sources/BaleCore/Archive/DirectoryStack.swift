#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// The open directories along the path of the last entry extracted, from
/// the destination down.
///
/// An archive lists a directory's entries together, depth first, so the
/// next entry's directory is nearly always the last one, its child or one
/// of its ancestors. Keeping the whole path open (not only the last
/// directory) means moving to a sibling tree opens only the components
/// that differ, instead of walking again from the destination: on 100,000
/// small files in 11,615 directories that is one directory open per
/// directory instead of about two per file.
///
/// Every component is opened with O_NOFOLLOW | O_DIRECTORY relative to the
/// one above it, so a symbolic link (from the archive or already in the
/// destination) is never followed out of it; a missing component is
/// created (mode 0777 less the umask, as GNU tar makes a directory it
/// was not told a mode for: 0755 kept a shared tree's directories from
/// their group under umask 002; a directory entry sets its mode later).
///
/// At most `maximumOpenDirectories` descriptors stay open (fewer once the
/// process ran out of descriptors: `openDirectory`): the deepest of
/// the path. So an archive of any depth extracts within the process's
/// descriptor limit, as `TreeWalk` walks a tree of any depth: holding the
/// whole path open, a path 1,000 directories deep ran out of descriptors
/// under the usual limit of 1,024, and one 12 deep under `ulimit -n 20`.
///
/// An entry above every directory still open (the files of a deep chain,
/// archived on the way back up) needs ones given up: they are opened
/// again upwards by `..` from the shallowest one still open, each held to
/// the device and inode it had when given up (`climb`), as `TreeWalk`
/// goes up; by name from the root when that is shorter or a check fails.
/// Opened again from the root each time, a chain 10,000 deep took ~1.5
/// million opens to extract, the square of its depth over the 64 kept
/// (8.3 s, 4.9 of them in the kernel).
struct DirectoryStack {
    /// How many directory descriptors stay open at most: the walk's share
    /// of the descriptor limit (`DescriptorLimit.directoryShare`).
    static let maximumOpenDirectories = DescriptorLimit.directoryShare

    /// One component of the path: its name and its directory.
    private struct Level {
        var name: [UInt8]
        var directory: Directory

        /// The directory's descriptor when it is open.
        var open: OpenDirectory? {
            if case .open(let directory) = directory { return directory }
            return nil
        }
    }

    /// A component's directory: open, or its descriptor given up.
    private enum Directory {
        case open(OpenDirectory)
        /// Given up, with the device and inode it had then
        /// (`giveUpShallowest`), to hold a `..` opened on the way up to
        /// the directory that was there (`climb`); nil when they could
        /// not be asked.
        case givenUp(FileIdentity?)
    }

    private let root: Int32
    /// The path, from the destination down. Descriptors are given up
    /// shallowest first and the path is cut from its deep end, so the
    /// levels given up are always its first `givenUp`.
    private var levels: [Level] = []
    private var givenUp = 0
    private var openCount: Int { levels.count - givenUp }
    /// How many stay open at most: `maximumOpenDirectories`, or fewer once
    /// the process ran out of descriptors (`openDirectory`).
    private var bound = Self.maximumOpenDirectories
    private var rootDirectory: OpenDirectory?
    /// Asked, with its path below the root (built only when some file is
    /// queued), before a missing directory is made and after one already
    /// there is opened: whether it waited for a file of that name to be
    /// written (`FileWriters.waitFor`), which is then there instead.
    private let waitForFileNamed: (() -> [UInt8]) -> Bool

    /// A stack under the open directory `root` (not closed by the stack);
    /// `waitForFileNamed` as above.
    init(root: Int32, waitForFileNamed: @escaping (() -> [UInt8]) -> Bool = { _ in false }) {
        self.root = root
        self.waitForFileNamed = waitForFileNamed
    }

    /// Why a directory could not be opened: the failed call, and the
    /// directory (its path below the root) when it was missing and could
    /// not be made, as GNU tar names it ("d/sub: Cannot mkdir: Permission
    /// denied"), not the open that failed after it ("No such file or
    /// directory").
    struct OpenFailure: Error {
        var error: SystemError
        var unmadeDirectory: [UInt8]?
    }

    /// The directory `path` names below the root, opened, or created where
    /// missing unless `creatingMissing` is false (a hard link's target
    /// names a directory to find, not one to make).
    mutating func open(_ path: ArraySlice<[UInt8]>, creatingMissing: Bool = true) -> Result<OpenDirectory, OpenFailure> {
        var common = 0
        while common < levels.count && common < path.count && levels[common].name == path[path.startIndex + common] {
            common += 1
        }
        climb(to: common)
        // Below a directory this call made, nothing can be queued (a file
        // is queued once its directory is open), so the writers are asked
        // only down to the first component made: asking at each level built
        // and hashed the whole path each time, and a name of 20,000
        // components (a pax path, 40 kB) took 4.4 s to extract instead of
        // a fraction of one.
        var madeAbove = false
        for part in path.dropFirst(levels.count) {
            let parent = levels.last?.open?.fd ?? root
            // Each open's errno is taken as it returns (`openDirectory`):
            // what runs between (the waits, the paths built) allocates, and
            // malloc may set errno even when it succeeds. Read later, an
            // ENOENT had become ENOMEM under `ulimit -v` (glibc failing to
            // reserve a thread's arena, then using another): no directory
            // was made, and every entry was refused, "Cannot allocate
            // memory".
            var (next, failure) = openDirectory(part, in: parent)
            // Missing, it may be a file still queued: once written, it
            // is there, and the open fails as for any file in the way.
            // There, it may be a directory a queued file of that name is
            // to replace (an empty one): opened before the file was
            // written, it took this entry, the file was then refused
            // ("File exists") or not, as the threads' timing had it (a
            // reading helper: a pipe and a file gave two trees).
            if (next >= 0 || failure == ENOENT && creatingMissing) && !madeAbove
                && waitForFileNamed({ TarExtractor.path(of: levels.map(\.name) + [part]) }) {
                if next >= 0 { close(next) }
                (next, failure) = openDirectory(part, in: parent)
            }
            if next < 0 && failure == ENOENT && creatingMissing {
                let refused = withCString(part) { mkdirat(parent, $0, 0o777) == 0 ? 0 : errno }
                madeAbove = madeAbove || refused == 0
                (next, failure) = openDirectory(part, in: parent)
                if next < 0 && refused != 0 && refused != EEXIST {
                    return .failure(OpenFailure(error: SystemError(code: refused, operation: "mkdir"),
                                                unmadeDirectory: TarExtractor.path(of: levels.map(\.name) + [part])))
                }
            }
            if next < 0 { return .failure(OpenFailure(error: SystemError(code: failure, operation: "open"))) }
            levels.append(Level(name: part, directory: .open(OpenDirectory(fd: next))))
            giveUpShallowest()
        }
        if let last = levels.last?.open { return .success(last) }
        // Close-on-exec, as every descriptor bale opens: a worker started
        // later (a replacement for one that died) must not inherit it.
        if rootDirectory == nil { rootDirectory = OpenDirectory(fd: bale_dup_cloexec(root)) }
        return .success(rootDirectory!)
    }

    /// Opens the directory `name` in `parent`. Out of descriptors (EMFILE,
    /// ENFILE: the job's other parts took more of a low `ulimit -n` than
    /// the share allowed for, as under `ulimit -n 17` with two workers,
    /// whose pipes and arena, with the standard streams, the archive and
    /// the destination, take 14), it gives up every open directory above
    /// `parent` and tries once more, and keeps to that many for the rest
    /// of the extraction (`bound`; a shortage that passes leaves it low:
    /// slower, never wrong). The directories given up are opened again
    /// when needed, as any given up, so the extraction goes on instead of
    /// refusing every entry below. A directory a queued file holds
    /// (`FileWriters`) stays open until the file is written; where only
    /// those are left, the open fails as before.
    /// Returns the descriptor, or -1 and the open's errno.
    private mutating func openDirectory(_ name: [UInt8], in parent: Int32) -> (fd: Int32, error: Int32) {
        func open() -> (fd: Int32, error: Int32) {
            withCString(name) {
                let fd = openat(parent, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                return (fd, fd < 0 ? errno : 0)
            }
        }
        let first = open()
        guard first.fd < 0, first.error == EMFILE || first.error == ENFILE, openCount > 1 else { return first }
        bound = max(1, openCount - 1)
        giveUpShallowest(downTo: 1)
        return open()
    }

    /// Keeps at most `count` directories open from now on (at least one).
    mutating func keepOpen(atMost count: Int) {
        bound = max(1, min(bound, count))
        giveUpShallowest()
    }

    /// Closes every directory but the root (the tree may have changed).
    mutating func forget() {
        truncate(to: 0)
    }

    /// Keeps the first `count` components of the path, with the deepest of
    /// them open. When every one kept was given up, the deepest (up to
    /// `bound`) are opened again by `..` from the shallowest directory
    /// still open, before it is closed, each checked to be the directory
    /// given up (device and inode: one moved or replaced since is not
    /// taken). The steps up cost one open each, so this is done only when
    /// fewer than the `count` opens of going down again from the root;
    /// then, or when a check fails, the path is cut to nothing and the
    /// next open goes down from the root by name.
    ///
    /// A directory reached by `..` is the one this stack had open, as if
    /// its descriptor had been kept: moved elsewhere meanwhile, it is
    /// still the one held, as the deepest ones kept open would be. But the
    /// climb never leaves such a part upwards: the `..` of its top is the
    /// directory it was moved into, not the one given up above it, and
    /// the levels above are opened by name from the root
    /// (`DirectoryClimbTests`; without the check, the directory it was
    /// moved into was taken for its parent).
    private mutating func climb(to count: Int) {
        var reopened: [Int32] = []  // from `count - 1` upwards
        let lowest = max(0, count - bound)
        if count > 0, count < levels.count, count <= givenUp, givenUp < levels.count, givenUp - lowest < count,
           let start = levels[givenUp].open {
            var fd = start.fd
            var level = givenUp
            while level > lowest {
                let up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard up >= 0, let found = FileIdentity(ofOpen: up), case .givenUp(found) = levels[level - 1].directory else {
                    if up >= 0 { close(up) }
                    break
                }
                if fd != start.fd && level > count - 1 { close(fd) }  // a step between, not kept
                fd = up
                level -= 1
                if level < count { reopened.append(up) }
            }
            if level > count - 1 && fd != start.fd { close(fd) }
        }
        truncate(to: count)
        for (place, fd) in zip(stride(from: count - 1, through: 0, by: -1), reopened) {
            levels[place].directory = .open(OpenDirectory(fd: fd))
        }
        givenUp = min(givenUp, count - reopened.count)
        // The path kept may end in components given up (then all of it
        // is): the deepest open one (or the root) is where opening starts again.
        if openCount == 0 { truncate(to: 0) }
    }

    /// Keeps the first `count` components of the path.
    private mutating func truncate(to count: Int) {
        levels.removeLast(levels.count - count)
        givenUp = min(givenUp, count)
    }

    /// Gives up the shallowest open descriptors while more than `limit`
    /// (by default `bound`) are open (never the deepest: it is the one
    /// returned). The
    /// open ones follow the given-up ones, so this starts where the last
    /// call stopped: a path N deep costs N steps in all, not N² / 2.
    private mutating func giveUpShallowest(downTo limit: Int? = nil) {
        while openCount > (limit ?? bound) && givenUp < levels.count - 1 {
            // The identity is taken before the descriptor is let go (the
            // `OpenDirectory` closes it as the level changes).
            let identity = levels[givenUp].open.flatMap { FileIdentity(ofOpen: $0.fd) }
            levels[givenUp].directory = .givenUp(identity)
            givenUp += 1
        }
    }
}
