#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// A temporary name beside an existing file, where an extracted symbolic
/// link, hard link, FIFO or device is made and then renamed over the file
/// it replaces: the name always names the old file or the new one, never
/// nothing (as `StagedFile` does for regular files; GNU tar unlinks first).
///
/// The name (`.NAME.bale-XXXXXX`) is reserved through
/// `bale_create_temporary_at`, the handshake every temporary file of bale
/// goes through: it is in the signal handler's table before anything
/// exists under it. The empty file that reserves it is removed at once to
/// make room for the link or node, and the name stays in the table until
/// it is renamed or removed, so a signal in between removes whatever was
/// made there. (Another process would have to guess the random name in
/// that instant to take it; the entry would then fail with EEXIST.)
final class StagedName {
    /// The temporary name, in `directory`.
    let temporaryLeaf: [UInt8]
    private let directory: OpenDirectory
    private let leaf: [UInt8]
    private var slot: Int32 = -1

    /// Reserves a temporary name for `leaf` in `directory`; nil, with errno
    /// set, when it cannot.
    init?(directory: OpenDirectory, leaf: [UInt8]) {
        self.directory = directory
        self.leaf = leaf
        guard let created = StagedFile.createTemporary(for: leaf, in: directory) else { return nil }
        close(created.fd)
        slot = created.slot
        temporaryLeaf = created.leaf
        _ = withCString(temporaryLeaf) { unlinkat(directory.fd, $0, 0) }
    }

    /// Renames what was made under the temporary name over `leaf`; the
    /// problem, if any (what was made is then removed).
    func commit() -> String? {
        defer {
            bale_unregister_temporary(slot)
            slot = -1
        }
        let renamed = withCString(temporaryLeaf) { from in withCString(leaf) { renameat(directory.fd, from, directory.fd, $0) } }
        let problem = renamed == 0 ? nil : SystemError.current("rename").reason
        // Also after a rename that did nothing: a hard link renamed over a
        // name of the same file leaves both names (rename(2)).
        _ = withCString(temporaryLeaf) { unlinkat(directory.fd, $0, 0) }
        return problem
    }

    /// Removes whatever was made under the temporary name.
    func discard() {
        _ = withCString(temporaryLeaf) { unlinkat(directory.fd, $0, 0) }
        bale_unregister_temporary(slot)
        slot = -1
    }

    /// A name neither committed nor discarded is discarded.
    deinit {
        if slot >= 0 { discard() }
    }
}
