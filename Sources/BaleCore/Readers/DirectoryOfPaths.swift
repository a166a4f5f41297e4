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
final class DirectoryOfPaths {
    private var directory: [UInt8] = []
    private var fd: Int32 = -1

    deinit { close() }

    /// Calls `body` with the directory descriptor and the file's name
    /// within it for `path`, or with nil where the path must be opened
    /// whole.
    func withDirectory<T>(of path: UnsafeRawBufferPointer, _ body: ((fd: Int32, name: UnsafePointer<CChar>)?) -> T) -> T {
        // A path PATH_MAX long or longer fails whole (ENAMETOOLONG), and
        // must fail so here too, whatever its directory's length.
        guard path.count < Int(PATH_MAX), let slash = path.lastIndex(of: UInt8(ascii: "/")), slash + 1 < path.count
        else { return body(nil) }
        let parent = slash == 0 ? UnsafeRawBufferPointer(rebasing: path[0..<1]) : UnsafeRawBufferPointer(rebasing: path[0..<slash])
        if fd < 0 || !directory.elementsEqual(parent) {
            close()
            directory = Array(parent)
            fd = withCString(directory) { bale_open_path(AT_FDCWD, $0, O_DIRECTORY | O_CLOEXEC) }
            if fd < 0 { return body(nil) }
        }
        let name = Array(path[(slash + 1)...])
        return withCString(name) { body((fd, $0)) }
    }

    /// Lets go of the directory.
    func close() {
        if fd >= 0 { FileIO.close(fd) }
        fd = -1
        directory = []
    }
}
