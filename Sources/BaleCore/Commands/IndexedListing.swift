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
        let records: ArchiveIndexRecords
        switch ArchiveIndexReader.lookUpRecords(fd: fd, path: name) {
        case .absent: return .useStream(warning: nil)
        case .unusable(let reason): return .useStream(warning: Self.unusable(name, reason))
        case .found(let found): records = found
        }
        // The cheap proof that the index describes this stream: its first
        // and last entries are where it says, as it says. Checked on a
        // thread while the lines are built; none is written before it passes.
        let check = IndexEndsCheck(fd: fd, path: name, index: records.index, codec: codec) { (members) throws(BaleError) in
            if let difference = try members.disagreementAtTheEnds() { return difference }
            return try members.hiddenEntry()
        }
        let outcome = printLines(of: records, once: check)
        if case .listed(.success) = outcome {
            context.summary.addFiles(Int(records.count))
            var info = stat()
            context.summary.addBytes(read: fstat(fd, &info) == 0 ? Int64(info.st_size) : 0,
                                     written: Int64(records.index.streamLength))
        }
        return outcome
    }

    /// Prints the lines of every entry `records` holds once `check` has passed.
    ///
    /// Each line is written straight from its record (no entry made of
    /// it) into one buffer, where it stays until it goes out: all of them,
    /// up to `heldBytes`, until the check's verdict, then written in one
    /// go; past that much, the listing waits for the verdict, and the rest
    /// goes out a buffer-full at a time. An index that fails is never
    /// printed from.
    private func printLines(of records: ArchiveIndexRecords, once check: IndexEndsCheck) -> Outcome {
        // Room for the lines reserved once (about 100 bytes each): grown
        // by doubling, the copies cost more than the lines' formatting.
        var lines = UnsafeMutableRawBufferPointer.allocate(
            byteCount: min(Self.heldBytes, Int(records.count) * 128) + (64 << 10), alignment: 1)
        defer { lines.deallocate() }
        HugePages.advise(lines)
        var used = 0
        var verdictPending = true
        var outcome = Outcome.listed(.success)
        var lister = TarLister(exclusions: exclusions)
        records.forEach { record in
            let longest = lister.longestLine(of: record)
            if used + longest > lines.count {
                if verdictPending && used + longest <= Self.heldBytes {
                    lines = Self.grown(lines, keeping: used, to: min(max(2 * lines.count, used + longest), Self.heldBytes))
                } else {
                    guard writeOut(lines, used: &used, verdictPending: &verdictPending, check: check, outcome: &outcome)
                    else { return false }
                    if longest > lines.count { lines = Self.grown(lines, keeping: 0, to: longest) }
                }
            }
            used += lister.write(record, at: lines.baseAddress!.assumingMemoryBound(to: UInt8.self) + used)
            return true
        }
        if case .listed(.success) = outcome {
            _ = writeOut(lines, used: &used, verdictPending: &verdictPending, check: check, outcome: &outcome)
        }
        return outcome
    }

    /// Writes out the first `used` bytes of `lines`, after the verdict of
    /// `check` when it is still to come (`verdictPending`); false, with
    /// the `outcome`, when the listing must stop (the index failed the
    /// check, or standard output a write).
    private func writeOut(_ lines: UnsafeMutableRawBufferPointer, used: inout Int, verdictPending: inout Bool,
                          check: IndexEndsCheck, outcome: inout Outcome) -> Bool {
        if verdictPending {
            verdictPending = false
            if let reason = check.unusableReason() {
                outcome = .useStream(warning: Self.unusable(name, reason))
                return false
            }
        }
        do throws(BaleError) {
            if used > 0 { try StandardOutput.write(UnsafeRawBufferPointer(rebasing: lines[..<used])) }
        } catch {
            context.fail(error)
            outcome = .listed(error.exitStatus)
            return false
        }
        used = 0
        return true
    }

    /// A buffer of `count` bytes holding the first `used` of `lines`,
    /// which it replaces (deallocated).
    private static func grown(_ lines: UnsafeMutableRawBufferPointer, keeping used: Int,
                              to count: Int) -> UnsafeMutableRawBufferPointer {
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        HugePages.advise(larger)
        larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: lines[..<used]))
        lines.deallocate()
        return larger
    }

    /// The most bytes of listing held while the check runs: all of it for
    /// an index of a few hundred thousand entries (about 100 bytes a line).
    static let heldBytes = 32 << 20

    /// The warning for an index that cannot be used.
    static func unusable(_ name: String, _ reason: String) -> Diagnostic {
        .warning(path: name, "the archive's index is not usable (\(reason)); listing from the tar stream")
    }
}
