#if canImport(Glibc)
import Glibc
#endif

/// `bale list` from an archive's index: the listing `TarLister` prints from
/// the stream, printed from the index, without inflating the archive (but
/// the one or two members holding the first and last entries' headers).
///
/// An index never overrides the stream: before a line is printed, the
/// index has passed the reader's checks (`ArchiveIndexReader`: checksum,
/// every offset and count, the end member's totals), and the entries in
/// the members holding the first and last headers, read from them, must
/// be what the index says they are, with the end of the archive after the
/// last (`IndexedMemberReader.disagreementAtTheEnds`). An index that fails
/// is named in a warning (exit 2, as GNU tar's warnings) and the caller
/// lists from the stream.
///
/// What this cannot see, short of reading every header (which is what
/// `verify` does): a well-formed index, CRC-32 fixed up, that renames an
/// entry in a member in between. Nothing the index could hold would
/// prevent that (whoever rewrites it can recompute anything derived from
/// the stream); `cat` and a named `unpack` check each header they use.
struct IndexedListing {
    /// What came of trying the index.
    enum Outcome {
        /// Listed from the index, with this status (a failed write to
        /// standard output: its error's).
        case listed(ExitCode)
        /// The stream must be read: there is no index, or (with a warning
        /// to report first) it cannot be trusted.
        case useStream(warning: Diagnostic?)
    }

    let fd: Int32
    let name: String
    let exclusions: ExclusionPatterns
    let codec: Codec
    let context: RunContext

    func list() -> Outcome {
        let index: ArchiveIndex
        switch ArchiveIndexReader.lookUp(fd: fd, path: name) {
        case .absent: return .useStream(warning: nil)
        case .unusable(let reason): return .useStream(warning: Self.unusable(name, reason))
        case .found(let found): index = found
        }
        // The cheap proof that the index describes this stream: its first
        // and last entries are where it says, as it says. Checked on a
        // thread while the lines are built; none is written before it passes.
        let check = IndexEndsCheck(fd: fd, path: name, index: index, codec: codec)
        // Through a buffer pointer: an array's subscript would copy each
        // entry (retaining and releasing its five arrays).
        let outcome = index.entries.withUnsafeBufferPointer { printLines(of: $0, once: check) }
        if case .listed(.success) = outcome {
            context.summary.addFiles(index.entries.count)
            var info = stat()
            context.summary.addBytes(read: fstat(fd, &info) == 0 ? Int64(info.st_size) : 0,
                                     written: Int64(index.streamLength))
        }
        return outcome
    }

    /// Prints the lines of `entries` once `check` has passed.
    ///
    /// The lines are held (in memory, at most `heldBytes`) until the
    /// check's verdict, then written in one go; past that much, the
    /// listing waits for the verdict and the rest goes out through the
    /// usual buffer. An index that fails is never printed from.
    private func printLines(of entries: UnsafeBufferPointer<ArchiveIndex.Entry>, once check: IndexEndsCheck) -> Outcome {
        var held: [UInt8] = []
        // Room for the lines reserved once (about 100 bytes each): grown
        // by doubling, the copies and the fresh pages cost more than the
        // lines' formatting.
        held.reserveCapacity(min(Self.heldBytes, entries.count * 128) + 4096)
        var lister = TarLister(exclusions: exclusions) { (line: ArraySlice<UInt8>) in held += line }
        var next = 0
        do throws(BaleError) {
            while next < entries.count, held.count < Self.heldBytes {
                try lister.list(entries[next])
                next += 1
            }
        } catch {
            preconditionFailure("holding a line cannot fail")
        }
        if case .unusable(let reason) = check.verdict() { return .useStream(warning: Self.unusable(name, reason)) }
        let listing = StandardOutput.Buffer()
        lister.print = { (line: ArraySlice<UInt8>) throws(BaleError) in try listing.append(line) }
        do throws(BaleError) {
            try StandardOutput.write(held)
            held = []
            while next < entries.count {
                try lister.list(entries[next])
                next += 1
            }
            try listing.flush()
        } catch {
            context.fail(error)
            return .listed(error.exitStatus)
        }
        return .listed(.success)
    }

    /// The most bytes of listing held while the check runs: all of it for
    /// an index of a few hundred thousand entries (about 100 bytes a line).
    static let heldBytes = 32 << 20

    /// The warning for an index that cannot be used.
    static func unusable(_ name: String, _ reason: String) -> Diagnostic {
        .warning(path: name, "the archive's index is not usable (\(reason)); listing from the tar stream")
    }
}
