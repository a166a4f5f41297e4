/// An archive's index as `list` reads it (`ArchiveIndexReader.lookUpRecords`):
/// the payload, whose records are read in place as it is inflated
/// (`ArchiveIndexDecoder.Records`), and the index of the entries at both
/// ends only (`ArchiveIndexDecoder.Kept.atTheEnds`), the ones the check
/// against the stream reads (`IndexedMemberReader.disagreementAtTheEnds`).
/// Every entry was checked as in a whole index (positions, members,
/// digests); only the ends were made into `ArchiveIndex.Entry` values.
public struct ArchiveIndexRecords: Sendable {
    /// The members, the stream's length, and the entries decoded: those
    /// whose headers lie in the first and the last members (or those
    /// `ArchiveIndexReader.lookUp` was asked to keep, which keeps the
    /// index alone).
    public let index: ArchiveIndex
    /// The index's payload, deflated: the entry records first, read again
    /// (inflated again) by each walk.
    public let payload: ArchiveIndexPayload
    /// How many entries it records.
    public var count: UInt64 { payload.entryCount }

    /// What looking for an archive's index found (as `ArchiveIndex.Lookup`).
    public enum Lookup: Sendable {
        /// No index: the stream is read.
        case absent
        /// An index that passed every check.
        case found(ArchiveIndexRecords)
        /// An index that cannot be used, and why (worded for a warning).
        case unusable(reason: String)
    }

    /// Hands every entry's record to `body`, in order; stops early when
    /// `body` returns false. The records are valid only during the call.
    public func forEach(_ body: (ArchiveIndexRecord) -> Bool) {
        // Read once already, when the index was looked up: they cannot fail now.
        do throws(ArchiveIndexDecoder.Failure) {
            var records = try ArchiveIndexDecoder.Records(checkedPayload: payload)
            while let record = try records.next(), body(record) {}
        } catch {
            preconditionFailure("an index's records failed a second reading: \(error.reason)")
        }
    }
}
