#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// The directory of the last path a worker opened a file by, kept open
/// while the next paths name files in it too (`bale sum`'s batches: the
/// walk lists a directory's files one after another).
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
/// component is. A path with no slash, one that ends with a slash, one of
/// PATH_MAX bytes or more (too long whole, though its parts are not), and
/// any path whose directory cannot be opened here are opened whole, as
/// before, so a failure is the one the path itself gives. The descriptor is kept
/// for one request only (`close()`): a batch is hashed within milliseconds
/// of its listing, and no directory is held across requests.
///
/// A file the walk listed comes with the identity of the directory it was
/// listed in (`DigestTarget.directory`): the directory its path opens must
/// be that one (one `fstat` a directory and request), or the file is
/// `replaced`, never looked for elsewhere. A link put in place of one of
/// the tree's directories since the walk would otherwise lead the worker
/// out of the tree.
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

    private var directory: [UInt8] = []
    private var fd: Int32 = -1
    /// What `fd` is, once asked (`fstat`).
    private var identity: FileIdentity?

    deinit { close() }

    /// Calls `body` with where to open the file at `path`, which was
    /// listed in the directory `expected` when that is given.
    func withDirectory<T>(of path: UnsafeRawBufferPointer, expecting expected: FileIdentity? = nil,
                          _ body: (Place) -> T) -> T {
        // A path PATH_MAX long or longer fails whole (ENAMETOOLONG), and
        // must fail so here too, whatever its directory's length.
        guard path.count < Int(PATH_MAX), let slash = path.lastIndex(of: UInt8(ascii: "/")), slash + 1 < path.count
        else { return body(.wholePath) }
        let parent = slash == 0 ? UnsafeRawBufferPointer(rebasing: path[0..<1]) : UnsafeRawBufferPointer(rebasing: path[0..<slash])
        if fd < 0 || !directory.elementsEqual(parent) {
            close()
            directory = Array(parent)
            fd = withCString(directory) { bale_open_path(AT_FDCWD, $0, O_DIRECTORY | O_CLOEXEC) }
            // Not there (any more): the whole path fails as it should. A
            // file the walk listed is not looked for by its whole path,
            // which a link put in place meanwhile could lead elsewhere.
            if fd < 0 { return body(expected == nil ? .wholePath : .failed(errno: errno)) }
        }
        if let expected {
            if identity == nil {
                var info = stat()
                identity = fstat(fd, &info) == 0 ? FileIdentity(info) : FileIdentity(device: 0, inode: 0)
            }
            if identity != expected { return body(.replaced) }
        }
        let name = Array(path[(slash + 1)...])
        return withCString(name) { body(.inDirectory(fd: fd, name: $0)) }
    }

    /// Lets go of the directory.
    func close() {
        if fd >= 0 { FileIO.close(fd) }
        fd = -1
        directory = []
        identity = nil
    }
}
