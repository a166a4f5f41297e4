#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// The directory of the last path a file was opened by, kept open while
/// the next paths name files in it too: `bale sum`'s workers and `pack`'s
/// reading threads (the walk lists a directory's files one after another).
/// One per thread.
///
/// Why: a worker opening `usr/share/doc/pkg/file` by its path has the
/// kernel look up every component again, for every file; in `bale sum` of
/// the text corpus (12,000 files, 7 a directory on average) the lookups
/// were some 4% of the workers' samples (`__d_lookup_rcu`,
/// `link_path_walk`). Opened once as an O_PATH descriptor, the directory
/// then takes each file by its name alone (`openat`).
///
/// The same file is opened either way: the directory is opened by the
/// path's own text up to its last slash (following links as the whole
/// path would), and the name after it is opened there as the path's last
/// component is. A path with no slash, one that ends with a slash, and
/// any path whose directory cannot be opened here are opened whole
/// (`wholePath`), so a failure is the one the path itself gives; so is a
/// path of PATH_MAX bytes or more not listed by the walk (too long whole,
/// as sha256sum finds it, though its parts are not).
///
/// A file the walk listed comes with the identity of the directory it was
/// listed in (`expected`: `DigestTarget.directory`, `PackEntry.walkedDirectory`):
/// the directory its path opens must be that one (one `fstat` a
/// directory), or the file is `replaced`, never looked for elsewhere. The
/// walk and the read are apart in time, and a path is only a name: a
/// directory of the tree replaced meanwhile by a symbolic link (to
/// `/etc`, to another user's home), renamed away or rotated (`logs` moved
/// to `logs.1`, a new `logs` made) would lead the path to other files
/// than those walked. `pack` opened its files by their whole path, with
/// O_NOFOLLOW on the last component only, and stored such outside files
/// under the tree's names (a reading helper). GNU tar reads through the
/// directory descriptor its walk holds; bale's walk runs ahead of its
/// readers and cannot hold a descriptor for every directory in flight.
/// Held open, the directory stays the one walked even once its name is
/// taken. Such a path of any length is opened: a directory deeper than
/// PATH_MAX one component at a time (`LongPathOpener`), as the walk
/// reached it.
final class DirectoryOfPaths {
    /// Where a file is to be opened.
    enum Place {
        /// In the directory open on `fd`, by its `name` there.
        case inDirectory(fd: Int32, name: UnsafePointer<CChar>)
        /// By its whole path (see above).
        case wholePath
        /// Nowhere: its path no longer leads to the directory the walk
        /// listed it in.
        case replaced
        /// Nowhere: the directory the walk listed it in cannot be opened
        /// by its path now, for the reason the whole path would give.
        case failed(errno: Int32)
    }

    /// What the paths are relative to (`AT_FDCWD`, or `pack -C`'s directory).
    private var base: Int32 = AT_FDCWD
    private var directory: [UInt8] = []
    private var fd: Int32 = -1
    /// What `fd` is, once asked (`fstat`).
    private var identity: FileIdentity?
    /// Opens the directories of paths deeper than PATH_MAX.
    private let longPaths = LongPathOpener()

    deinit { close() }

    /// Calls `body` with where to open the file at `path` (relative to
    /// `base`), which was listed in the directory `expected` when that is
    /// given.
    func withDirectory<T>(of path: UnsafeRawBufferPointer, relativeTo base: Int32 = AT_FDCWD,
                          expecting expected: FileIdentity? = nil, _ body: (Place) -> T) -> T {
        // A path PATH_MAX long or longer fails whole (ENAMETOOLONG), and
        // must fail so here too, whatever its directory's length, unless
        // the walk reached it.
        guard path.count < Int(PATH_MAX) || expected != nil,
              let slash = path.lastIndex(of: UInt8(ascii: "/")), slash + 1 < path.count
        else { return body(.wholePath) }
        let parent = slash == 0 ? UnsafeRawBufferPointer(rebasing: path[0..<1]) : UnsafeRawBufferPointer(rebasing: path[0..<slash])
        if fd < 0 || self.base != base || !directory.elementsEqual(parent) {
            closeDirectory()
            directory = Array(parent)
            self.base = base
            fd = parent.count < Int(PATH_MAX)
                ? withCString(directory) { bale_open_path(base, $0, O_DIRECTORY | O_CLOEXEC) }
                : longPaths.open(directory, relativeTo: base, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            // Not there (any more): the whole path fails as it should. A
            // file the walk listed is not looked for by its whole path,
            // which a link put in place meanwhile could lead elsewhere.
            if fd < 0 { return body(expected == nil ? .wholePath : .failed(errno: errno)) }
        }
        if let expected {
            if identity == nil { identity = FileIdentity(ofOpen: fd) ?? FileIdentity(device: 0, inode: 0) }
            if identity != expected { return body(.replaced) }
        }
        let name = Array(path[(slash + 1)...])
        return withCString(name) { body(.inDirectory(fd: fd, name: $0)) }
    }

    /// `openat(base, path, flags)` for a path of any length (one of
    /// PATH_MAX bytes or more one component at a time, from the directory
    /// the last such path went through: `LongPathOpener`); -1 with errno
    /// set on failure.
    func openWhole(_ path: [UInt8], relativeTo base: Int32, flags: Int32) -> Int32 {
        longPaths.open(path, relativeTo: base, flags: flags)
    }

    /// Lets go of the directories held (out of descriptors, a caller
    /// gives back what it can before it tries again).
    func close() {
        closeDirectory()
        longPaths.release()
    }

    /// Lets go of the directory of the last path, keeping the one of long
    /// paths (`pack` under a low `ulimit -n`: `PackDescriptors`).
    func closeDirectory() {
        if fd >= 0 { LongPathOpen.closeKeepingErrno(fd) }
        fd = -1
        directory = []
        identity = nil
    }
}
