#if canImport(Glibc)
import Glibc
#endif

/// The temporary outputs (`.NAME.bale-RRRCCC`) that runs killed with
/// SIGKILL (the OOM killer, a batch system's time limit) left beside the
/// outputs `gzip FILE` and `gunzip FILE` are about to write, removed as
/// `gzip -r` removes those its walk meets (`RecursiveGzip`), and beside
/// the large files `unpack` stages (`StagedFile`), in the directories the
/// extraction holds open.
///
/// A killed run cannot remove its own temporary file; without this, each
/// kill of a cron job's `bale gzip big.log` left one more hidden partial
/// copy that no later run took away. A name is removed only when its
/// check letters hold (`AtomicOutputFile.isTemporaryName`: a file of the
/// user's that merely has the form stays) and it is the temporary name of
/// the very output being written now, whose input is there (it is being
/// compressed), and no live run holds it locked (another `bale gzip FILE`
/// still writing it: `AtomicOutputFile.removeIfAbandoned`). Each directory
/// is listed once per run, the first time an output goes there, so `gzip
/// *` in a large directory reads it once.
final class TemporaryLeftovers {
    /// Per directory listed, its temporary names of ours, by the output
    /// name they hold (cut to fit, as `AtomicOutputFile` cuts it).
    private var listed: [[UInt8]: [[UInt8]: [[UInt8]]]] = [:]

    /// Removes the temporary files a killed run left for `target` (a path);
    /// returns the paths removed, for the caller to say so.
    func remove(leftOversOf target: [UInt8]) -> [[UInt8]] {
        let parts = PathParts(target)
        let directory = withCString(parts.directory) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard directory >= 0 else { return [] }
        defer { close(directory) }
        return remove(leftOversOf: parts.name, in: directory, key: parts.directory).map { parts.prefix + $0 }
    }

    /// Removes the temporary files a killed run left for the file `leaf`
    /// of the open `directory`, whose path `key` names it among those
    /// listed; returns the names removed (leaves of `directory`).
    func remove(leftOversOf leaf: [UInt8], in directory: Int32, key: [UInt8]) -> [[UInt8]] {
        if listed[key] == nil {
            // Its own descriptor for the listing: `fdopendir` takes the one
            // it is given, and reads from that descriptor's position.
            let own = openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if own >= 0, let listing = fdopendir(own) {
                listed[key] = Self.temporaryNames(listing: listing)
            } else {
                if own >= 0 { close(own) }
                listed[key] = [:]
            }
        }
        let stem = AtomicOutputFile.temporaryStem(of: leaf)
        guard let found = listed[key]?[stem], !found.isEmpty else { return [] }
        listed[key]?[stem] = nil
        return found.filter { AtomicOutputFile.removeIfAbandoned($0, in: directory) }
    }

    /// The temporary names of ours in the directory `listing` reads, by
    /// the output name each holds; the listing is closed.
    private static func temporaryNames(listing: OpaquePointer) -> [[UInt8]: [[UInt8]]] {
        defer { closedir(listing) }
        var names: [[UInt8]: [[UInt8]]] = [:]
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            guard AtomicOutputFile.isTemporaryName(name) else { continue }
            names[AtomicOutputFile.heldName(ofTemporary: name), default: []].append(name)
        }
        return names
    }
}
