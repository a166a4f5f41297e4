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
/// The path held is kept as bytes with the end of each component, and
/// the next path is matched against it byte by byte (`memcmp`); only the
/// components that differ are read out of it, and the held path changes
/// in place, a component at a time. Split whole into an array of
/// components for every path, as it first was, a chain 20,000 deep with
/// a file at each level took `pack` 19 s (GNU tar 1.9 s), most of it
/// making and freeing those arrays: the square of the depth.
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
    /// whether it began at the root), its path (components joined by
    /// single slashes, after a leading one from the root), where each
    /// component ends in it, the identity of the directory each of them
    /// led to, and its descriptor. Always a directory this opener opened:
    /// every step down or up leaves it whole.
    private struct Held {
        var base: Int32
        var fromRoot: Bool
        var path: [UInt8]
        var ends: [Int]
        var identities: [FileIdentity]
        var fd: Int32
    }

    private static let slash = UInt8(ascii: "/")

    private var held: Held?
    /// One component, NUL-terminated, for `openat` (kept to reuse its storage).
    private var component: [CChar] = []

    deinit { release() }

    /// `openat(base, path, flags)` for a path of any length; -1 with errno
    /// set on failure. `flags` apply to the last component.
    func open(_ path: [UInt8], relativeTo base: Int32, flags: Int32) -> Int32 {
        if path.count < Int(PATH_MAX) { return LongPathOpen.open(path, relativeTo: base, flags: flags) }
        let clean = Self.withSingleSlashes(path)
        guard let lastSlash = clean.lastIndex(of: Self.slash), lastSlash > 0 else {
            return LongPathOpen.open(path, relativeTo: base, flags: flags)
        }
        let fromRoot = clean[0] == Self.slash
        let fd: Int32 = clean.withUnsafeBufferPointer { bytes in
            guard reach(UnsafeBufferPointer(rebasing: bytes[..<lastSlash]), relativeTo: base, fromRoot: fromRoot),
                  let directory = held?.fd else { return -1 }
            return openComponent(UnsafeBufferPointer(rebasing: bytes[(lastSlash + 1)...]), in: directory, flags: flags)
        }
        guard fd < 0, errno == EMFILE || errno == ENFILE, held != nil else { return fd }
        release()
        return LongPathOpen.open(path, relativeTo: base, flags: flags)
    }

    /// Closes the directory held, if any.
    func release() {
        if let held { LongPathOpen.closeKeepingErrno(held.fd) }
        held = nil
    }

    /// `path` without repeated slashes or slashes at its end (itself when
    /// it has none: the walk's paths).
    private static func withSingleSlashes(_ path: [UInt8]) -> [UInt8] {
        var previous: UInt8 = 0
        var clean = true
        for byte in path {
            if byte == slash && previous == slash { clean = false; break }
            previous = byte
        }
        if clean && path.last != slash { return path }
        var result: [UInt8] = []
        result.reserveCapacity(path.count)
        for byte in path where !(byte == slash && result.last == slash) { result.append(byte) }
        while result.count > 1 && result.last == slash { result.removeLast() }
        return result
    }

    /// Makes the directory `directory` (a path with single slashes, from
    /// the root when `fromRoot`) the one held: from the one held where
    /// that is shorter than from the top. False (errno set) when a step
    /// fails; what is held is then a directory on the way, or nothing.
    private func reach(_ directory: UnsafeBufferPointer<UInt8>, relativeTo base: Int32, fromRoot: Bool) -> Bool {
        if var current = held, current.base == base, current.fromRoot == fromRoot {
            let shared = Self.sharedDepth(of: current, and: directory)
            let depth = current.ends.count
            if shared == depth {
                // At or below the directory held.
                return down(directory, from: depth == 0 ? (fromRoot ? 1 : 0) : current.ends[depth - 1] + 1, base: base)
            }
            // Up from the directory held, while that is shorter than down
            // from the top: each `..` the directory recorded at its depth.
            if shared > 0 && depth - shared <= shared {
                held = nil
                if up(&current, to: shared) {
                    held = current
                    return down(directory, from: current.ends[shared - 1] + 1, base: base)
                }
                // Something else is there now (a link followed on the way
                // down): from the top.
            }
        }
        release()
        if fromRoot {
            let root = withCString([Self.slash]) { openat(base, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if root < 0 { return false }
            held = Held(base: base, fromRoot: true, path: [Self.slash], ends: [], identities: [], fd: root)
            return down(directory, from: 1, base: base)
        }
        return down(directory, from: 0, base: base)
    }

    /// How many components the path held and `directory` share.
    private static func sharedDepth(of held: Held, and directory: UnsafeBufferPointer<UInt8>) -> Int {
        let common = held.path.withUnsafeBufferPointer { Self.commonPrefix($0, directory) }
        // The components of the held path that end within the common
        // bytes (the ends are in increasing order)...
        var low = 0, high = held.ends.count
        while low < high {
            let middle = (low + high) / 2
            if held.ends[middle] <= common { low = middle + 1 } else { high = middle }
        }
        // ...and are whole components of `directory` too.
        if low > 0 && held.ends[low - 1] == common && common < directory.count && directory[common] != slash { low -= 1 }
        return low
    }

    /// The length of the bytes `one` and `other` begin with alike.
    private static func commonPrefix(_ one: UnsafeBufferPointer<UInt8>, _ other: UnsafeBufferPointer<UInt8>) -> Int {
        let length = min(one.count, other.count)
        var done = 0
        // A block at a time while they match, then byte by byte.
        while done + 256 <= length, memcmp(one.baseAddress! + done, other.baseAddress! + done, 256) == 0 { done += 256 }
        while done < length && one[done] == other[done] { done += 1 }
        return done
    }

    /// Opens the components of `directory` from the byte `start` on (the
    /// start of a component), each in the one held, which it replaces; the
    /// first in the caller's `base` when nothing is held (a relative path
    /// from the top: `base` is never held nor closed).
    private func down(_ directory: UnsafeBufferPointer<UInt8>, from start: Int, base: Int32) -> Bool {
        var start = start
        while start < directory.count {
            let end = directory[start...].firstIndex(of: Self.slash) ?? directory.count
            let next = openComponent(UnsafeBufferPointer(rebasing: directory[start..<end]), in: held?.fd ?? base,
                                     flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if next < 0 { return false }
            guard let identity = FileIdentity(ofOpen: next) else {
                LongPathOpen.closeKeepingErrno(next)
                return false
            }
            var current = held ?? Held(base: base, fromRoot: false, path: [], ends: [], identities: [], fd: -1)
            held = nil  // `current` alone holds the storage: changed in place
            if current.fd >= 0 { LongPathOpen.closeKeepingErrno(current.fd) }
            if !current.path.isEmpty && current.path != [Self.slash] { current.path.append(Self.slash) }
            current.path.append(contentsOf: directory[start..<end])
            current.ends.append(current.path.count)
            current.identities.append(identity)
            current.fd = next
            held = current
            start = end + 1
        }
        return true
    }

    /// Takes `current` up to `depth` components by `..`, each step's
    /// directory the one recorded at its depth; false (its descriptor
    /// closed) when a step fails or leads elsewhere.
    private func up(_ current: inout Held, to depth: Int) -> Bool {
        while current.ends.count > depth {
            let parent = openat(current.fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            LongPathOpen.closeKeepingErrno(current.fd)
            current.fd = -1
            // The directory one level up is the one recorded after the
            // component before the last.
            guard parent >= 0, FileIdentity(ofOpen: parent) == current.identities[current.ends.count - 2] else {
                if parent >= 0 { LongPathOpen.closeKeepingErrno(parent) }
                return false
            }
            current.fd = parent
            current.ends.removeLast()
            current.identities.removeLast()
            current.path.removeSubrange(current.ends.last!...)
        }
        return true
    }

    /// `openat(directory, name, flags)` of one component.
    private func openComponent(_ name: UnsafeBufferPointer<UInt8>, in directory: Int32, flags: Int32) -> Int32 {
        component.removeAll(keepingCapacity: true)
        for byte in name { component.append(CChar(bitPattern: byte)) }
        component.append(0)
        return openat(directory, component, flags)
    }
}
