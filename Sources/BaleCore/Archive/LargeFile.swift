#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// A large file being extracted: written under a temporary name in its
/// directory (`.NAME.bale-XXXXXX`, as `AtomicOutputFile` names its own),
/// renamed over its final name when whole, removed otherwise.
///
/// It is created with openat from the directory the extractor opened and
/// checked (never by a path, which could lead through a symbolic link);
/// its path is also put in the signal handler's table first, so a signal
/// mid-file removes it too.
final class LargeFile {
    let fd: Int32
    private let directory: OpenDirectory
    private let leaf: [UInt8]
    private let temporaryLeaf: [UInt8]
    private var slot: Int32 = -1

    /// Creates the temporary file for `leaf` in `directory`; `path` is the
    /// entry's path from the current directory (for the signal handler).
    /// Nil, with errno set, when it cannot be created.
    init?(directory: OpenDirectory, leaf: [UInt8], path: [UInt8]) {
        self.directory = directory
        self.leaf = leaf
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var created: Int32 = -1
        var name: [UInt8] = []
        let directoryPath = path.lastIndex(of: UInt8(ascii: "/")).map { Array(path[...$0]) } ?? []
        for _ in 0..<100 {
            let suffix = (0..<6).map { _ in letters.randomElement()! }
            name = [UInt8(ascii: ".")] + leaf + Array(AtomicOutputFile.temporaryMarker.utf8) + suffix
            slot = withCString(directoryPath + name) { bale_register_temporary($0) }
            created = withCString(name) { openat(directory.fd, $0, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600) }
            if created >= 0 { break }
            let error = errno
            bale_unregister_temporary(slot)
            slot = -1
            errno = error
            if error != EEXIST { return nil }
        }
        guard created >= 0 else { return nil }
        fd = created
        temporaryLeaf = name
    }

    /// Closes the file and renames it over its final name; the problem, if any.
    func commit() -> String? {
        close(fd)
        defer {
            bale_unregister_temporary(slot)
            slot = -1
        }
        let renamed = withCString(temporaryLeaf) { from in withCString(leaf) { renameat(directory.fd, from, directory.fd, $0) } }
        if renamed != 0 {
            let reason = SystemError.current("rename").reason
            _ = withCString(temporaryLeaf) { unlinkat(directory.fd, $0, 0) }
            return reason
        }
        return nil
    }

    /// Closes and removes the unfinished file.
    func discard() {
        close(fd)
        _ = withCString(temporaryLeaf) { unlinkat(directory.fd, $0, 0) }
        bale_unregister_temporary(slot)
        slot = -1
    }
}
