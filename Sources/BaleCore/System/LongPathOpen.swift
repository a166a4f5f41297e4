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

    static func closeKeepingErrno(_ fd: Int32) {
        let saved = errno
        FileIO.close(fd)
        errno = saved
    }
}

/// `LongPathOpen` for one thread that opens many long paths in turn, as
/// `pack` opens the files of a tree deeper than PATH_MAX: it keeps the
/// directory of the last long path open, and the next path is opened from
/// there (down into it, or up from it and down again), not from the top.
///
/// Each file of a chain of 3,000 directories with a file at every level
/// was opened from the top, one open per component: ~2.4 million opens,
/// 4.4 s where GNU tar packs it in 0.24 s (a reading helper; 3.4–4.1 s
/// here against 0.36 s, now 0.61–0.65 s and 86,000 opens). A walk hands
/// the files of a directory and of those below it one after the other
/// (the deepest first, where a directory's subdirectory sorts before its
/// files), so the next path's directory is most often the one held, one
/// below it or one above it.
///
/// Up is `..` of the directory held, which is the path's own parent only
/// when no symbolic link led there: each directory's identity (device and
/// inode) is recorded as the path is opened down, and a `..` that is not
/// the recorded directory sends the open back to the top. The directory
/// held takes a descriptor. Where there is none left for an open (EMFILE,
/// ENFILE, under a low `ulimit -n`), the one held is given back and the
/// path opened from the top, as before; only paths of PATH_MAX bytes or
/// more are opened this way at all (for shorter ones, which the kernel
/// takes whole, the same for the chain's files above PATH_MAX was slower:
/// 0.1 s less of the kernel's time, 0.2 s more of bale's, splitting each
/// path into its components). Used by one thread at a time.
final class LongPathOpener {
    /// The directory held: where its path was opened from (`base`, and
    /// whether it began at the root), its components, the identity of the
    /// directory each of them led to, and its descriptor.
    private struct Held {
        var base: Int32
        var fromRoot: Bool
        var components: [[UInt8]]
        var identities: [FileIdentity]
        var fd: Int32
    }

    /// The device and inode of the directory open on `fd`; nil when it
    /// cannot be asked.
    private static func identity(of fd: Int32) -> FileIdentity? {
        var info = stat()
        return fstat(fd, &info) == 0 ? FileIdentity(info) : nil
    }

    private var held: Held?

    deinit { release() }

    /// `openat(base, path, flags)` for a path of any length; -1 with errno
    /// set on failure. `flags` apply to the last component.
    func open(_ path: [UInt8], relativeTo base: Int32, flags: Int32) -> Int32 {
        if path.count < Int(PATH_MAX) { return LongPathOpen.open(path, relativeTo: base, flags: flags) }
        let slash = UInt8(ascii: "/")
        var components = path.split(separator: slash, omittingEmptySubsequences: true).map(Array.init)
        guard let last = components.popLast() else { return LongPathOpen.open(path, relativeTo: base, flags: flags) }
        let fd = open(last, in: components, relativeTo: base, fromRoot: path.first == slash, flags: flags)
        guard fd < 0, errno == EMFILE || errno == ENFILE, held != nil else { return fd }
        release()
        return LongPathOpen.open(path, relativeTo: base, flags: flags)
    }

    /// Opens `last` in the directory `components` name, starting from the
    /// directory held where that is shorter than from the top; the
    /// directory reached is held in its place.
    private func open(_ last: [UInt8], in components: [[UInt8]], relativeTo base: Int32,
                      fromRoot: Bool, flags: Int32) -> Int32 {
        var (directory, identities) = start(for: components, relativeTo: base, fromRoot: fromRoot)
        if directory < 0 && directory != base { return -1 }
        // Down the components not yet opened, each in the one before; the
        // one before closed unless it is held or the caller's.
        while identities.count < components.count {
            let next = withCString(components[identities.count]) { openat(directory, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if directory != base && directory != held?.fd { LongPathOpen.closeKeepingErrno(directory) }
            if next < 0 { return -1 }
            directory = next
            guard let identity = Self.identity(of: next) else {
                LongPathOpen.closeKeepingErrno(next)
                return -1
            }
            identities.append(identity)
        }
        let fd = withCString(last) { openat(directory, $0, flags) }
        if directory != base && directory != held?.fd {
            let saved = errno
            release()
            held = Held(base: base, fromRoot: fromRoot, components: components, identities: identities, fd: directory)
            errno = saved
        }
        return fd
    }

    /// Where to open `components` from: a directory on their way (held,
    /// `..` of it, or the top) and the identities of the components it
    /// stands for (as many as it is deep). The descriptor is the held one,
    /// the caller's `base`, or one to close once passed; -1 (with `base`
    /// not -1) when the root cannot be opened.
    private func start(for components: [[UInt8]], relativeTo base: Int32,
                       fromRoot: Bool) -> (directory: Int32, identities: [FileIdentity]) {
        if let held, held.base == base, held.fromRoot == fromRoot {
            let common = zip(held.components, components).prefix { $0.0 == $0.1 }.count
            if common == held.components.count { return (held.fd, held.identities) }
            // Up from the directory held, while that is shorter than down
            // from the top: each `..` the directory recorded at its depth.
            if common > 0 && held.components.count - common <= common {
                if let directory = up(from: held, to: common) { return (directory, Array(held.identities[..<common])) }
            }
        }
        guard fromRoot else { return (base, []) }  // AT_FDCWD is negative: not a failure
        let root = withCString([UInt8(ascii: "/")]) { openat(base, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        return (root, [])
    }

    /// The directory `depth` components deep on the way to the one held,
    /// reached by `..` from it, each step's directory the one recorded at
    /// its depth; nil (nothing left open) when a step fails or leads
    /// elsewhere (a symbolic link was followed on the way down). A new
    /// descriptor, for the caller to close.
    private func up(from held: Held, to depth: Int) -> Int32? {
        var directory = held.fd
        for level in stride(from: held.components.count - 1, through: depth, by: -1) {
            let parent = openat(directory, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if directory != held.fd { FileIO.close(directory) }
            guard parent >= 0 else { return nil }
            // The directory `level` components deep is the one recorded
            // after its last component, `identities[level - 1]`.
            guard Self.identity(of: parent) == held.identities[level - 1] else {
                FileIO.close(parent)
                return nil
            }
            directory = parent
        }
        return directory
    }

    /// Closes the directory held, if any.
    func release() {
        if let held { LongPathOpen.closeKeepingErrno(held.fd) }
        held = nil
    }
}
