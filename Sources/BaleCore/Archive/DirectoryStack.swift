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
/// the path. A component whose descriptor was given up is opened again,
/// component by component as the first time, from its nearest open
/// ancestor (or the root) when an entry needs it. So an archive of any
/// depth extracts within the process's descriptor limit, as `TreeWalk`
/// walks a tree of any depth: holding the whole path open, a path 1,000
/// directories deep ran out of descriptors under the usual limit of
/// 1,024, and one 12 deep under `ulimit -n 20`.
struct DirectoryStack {
    /// How many directory descriptors stay open at most: the walk's share
    /// of the descriptor limit (`DescriptorLimit.directoryShare`).
    static let maximumOpenDirectories = DescriptorLimit.directoryShare

    private let root: Int32
    private var names: [[UInt8]] = []
    /// The directory of each name, nil where its descriptor was given up.
    /// Descriptors are given up shallowest first and the path is cut from
    /// its deep end, so the nil ones are always its first `givenUp`.
    private var directories: [OpenDirectory?] = []
    private var givenUp = 0
    private var openCount: Int { directories.count - givenUp }
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
        while common < names.count && common < path.count && names[common] == path[path.startIndex + common] {
            common += 1
        }
        truncate(to: common)
        // The path kept may end in components given up (then all of it
        // is): the deepest open one (or the root) is where opening starts again.
        if openCount == 0 { truncate(to: 0) }
        // Below a directory this call made, nothing can be queued (a file
        // is queued once its directory is open), so the writers are asked
        // only down to the first component made: asking at each level built
        // and hashed the whole path each time, and a name of 20,000
        // components (a pax path, 40 kB) took 4.4 s to extract instead of
        // a fraction of one.
        var madeAbove = false
        for part in path.dropFirst(directories.count) {
            let parent = directories.last??.fd ?? root
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
                && waitForFileNamed({ TarExtractor.path(of: names + [part]) }) {
                if next >= 0 { close(next) }
                (next, failure) = openDirectory(part, in: parent)
            }
            if next < 0 && failure == ENOENT && creatingMissing {
                let refused = withCString(part) { mkdirat(parent, $0, 0o777) == 0 ? 0 : errno }
                madeAbove = madeAbove || refused == 0
                (next, failure) = openDirectory(part, in: parent)
                if next < 0 && refused != 0 && refused != EEXIST {
                    return .failure(OpenFailure(error: SystemError(code: refused, operation: "mkdir"),
                                                unmadeDirectory: TarExtractor.path(of: names + [part])))
                }
            }
            if next < 0 { return .failure(OpenFailure(error: SystemError(code: failure, operation: "open"))) }
            names.append(part)
            directories.append(OpenDirectory(fd: next))
            giveUpShallowest()
        }
        if let last = directories.last { return .success(last!) }
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

    /// Keeps the first `count` components of the path.
    private mutating func truncate(to count: Int) {
        names.removeLast(names.count - count)
        directories.removeLast(directories.count - count)
        givenUp = min(givenUp, count)
    }

    /// Gives up the shallowest open descriptors while more than `limit`
    /// (by default `bound`) are open (never the deepest: it is the one
    /// returned). The
    /// open ones follow the given-up ones, so this starts where the last
    /// call stopped: a path N deep costs N steps in all, not N² / 2.
    private mutating func giveUpShallowest(downTo limit: Int? = nil) {
        while openCount > (limit ?? bound) && givenUp < directories.count - 1 {
            directories[givenUp] = nil
            givenUp += 1
        }
    }
}
