#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// A file being extracted under a temporary name in its directory
/// (`.NAME.bale-XXXXXX`, as `AtomicOutputFile` names its own), renamed over
/// its final name when whole, removed otherwise: every large file (an
/// archive cut short, a full disk or a signal leaves no partial file), and
/// a small file that replaces one already there (the old file keeps its
/// name until the new one is whole and takes it, so the name is never
/// missing; GNU tar unlinks the old file first).
///
/// It is created with openat from the directory the extractor opened and
/// checked (never by a path, which could lead through a symbolic link),
/// by `bale_create_temporary_at`, the one creation handshake every
/// temporary file of bale goes through: the name is in the signal
/// handler's table (as this directory's descriptor and the leaf) before
/// the file exists, a handler running on another thread waits for the
/// creation to finish before it empties the table, and nothing is created
/// once a signal is ending bale. So a signal mid-file removes it too.
final class StagedFile {
    let fd: Int32
    private let directory: OpenDirectory
    private let leaf: [UInt8]
    private let temporaryLeaf: [UInt8]
    private var slot: Int32 = -1

    /// Creates the temporary file for `leaf` in `directory`. Nil, with
    /// errno set, when it cannot be created. The signal handler removes
    /// it relative to `directory`, which stays open as long as this object
    /// (so it works for paths longer than PATH_MAX too).
    init?(directory: OpenDirectory, leaf: [UInt8]) {
        self.directory = directory
        self.leaf = leaf
        guard let created = Self.createTemporary(for: leaf, in: directory) else { return nil }
        (fd, slot, temporaryLeaf) = created
    }

    /// Creates `.LEAF.bale-XXXXXX` (mode 0600) in `directory`, registered
    /// for the signal handler (`bale_create_temporary_at`): its descriptor,
    /// its slot in the handler's table and its name; nil, with errno set,
    /// when it cannot be created.
    static func createTemporary(for leaf: [UInt8], in directory: OpenDirectory)
        -> (fd: Int32, slot: Int32, leaf: [UInt8])? {
        // Of a long leaf, as much as fits in NAME_MAX with the marker.
        var template = AtomicOutputFile.temporaryTemplate(for: leaf).map { CChar(bitPattern: $0) } + [0]
        var registered: Int32 = -1
        let created = template.withUnsafeMutableBufferPointer { template in
            bale_create_temporary_at(directory.fd, template.baseAddress!, 0o600, &registered)
        }
        guard created >= 0 else { return nil }
        return (created, registered, template.dropLast().map { UInt8(bitPattern: $0) })
    }

    /// Closes the file and renames it over its final name; the problem, if any.
    /// A close that fails (on NFS, FUSE or a quota, where a write the
    /// kernel held back is refused only then) leaves the old file in place
    /// and the new one removed: its data may not all be there.
    func commit() -> String? {
        var failure: String?
        do throws(SystemError) { try FileIO.closeChecked(fd) } catch { failure = "write error: " + error.reason }
        defer {
            bale_unregister_temporary(slot)
            slot = -1
        }
        if let failure {
            _ = withCString(temporaryLeaf) { unlinkat(directory.fd, $0, 0) }
            return failure
        }
        let renamed = withCString(temporaryLeaf) { from in withCString(leaf) { renameat(directory.fd, from, directory.fd, $0) } }
        if renamed != 0 {
            let reason = SystemError.current("rename").reason
            // One the directory will not let go either (append-only) holds
            // the whole content: named (it was left unsaid: a probe helper).
            if withCString(temporaryLeaf, { unlinkat(directory.fd, $0, 0) }) != 0 && errno != ENOENT {
                let removal = SystemError.current("unlink").reason
                return reason + "; its content is left whole beside it as '\(TerminalText.name(temporaryLeaf))', "
                    + "which cannot be removed (\(removal))"
            }
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

    /// A file neither committed nor discarded (an extraction cut short)
    /// is discarded, and leaves the handler's table while its directory
    /// is still open.
    deinit {
        if slot >= 0 { discard() }
    }
}
