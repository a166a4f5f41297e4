#if canImport(Glibc)
import Glibc
#endif

/// Opens a path of any length relative to a directory descriptor.
///
/// The kernel refuses a path of PATH_MAX bytes or more (ENAMETOOLONG),
/// but a tree can be deeper than that (a walk relative to directory
/// descriptors reaches it). Such a path is opened one directory at a
/// time, each relative to the one before, the descriptors of the
/// directories on the way closed as soon as the next is open; a shorter
/// path is opened in one call, as before.
enum LongPathOpen {
    /// `openat(base, path, flags)` for a path of any length; -1 with errno
    /// set on failure. `flags` apply to the last component; the
    /// directories on the way are resolved as the kernel resolves a path
    /// (symbolic links to directories followed).
    static func open(_ path: [UInt8], relativeTo base: Int32, flags: Int32) -> Int32 {
        if path.count < Int(PATH_MAX) { return withCString(path) { openat(base, $0, flags) } }
        let slash = UInt8(ascii: "/")
        var components = path.split(separator: slash, omittingEmptySubsequences: true).map(Array.init)
        guard let last = components.popLast() else { return withCString(path) { openat(base, $0, flags) } }
        var directory = base  // AT_FDCWD is negative: not a failure
        if path.first == slash {
            directory = withCString([slash]) { openat(base, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if directory < 0 { return -1 }
        }
        for component in components {
            let next = withCString(component) { openat(directory, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if directory != base { closeKeepingErrno(directory) }
            if next < 0 { return -1 }
            directory = next
        }
        let fd = withCString(last) { openat(directory, $0, flags) }
        if directory != base { closeKeepingErrno(directory) }
        return fd
    }

    private static func closeKeepingErrno(_ fd: Int32) {
        let saved = errno
        FileIO.close(fd)
        errno = saved
    }
}
