/// Checks, member by member in input order, that every bale stream in a
/// gzip input ends with its end member and that the end member agrees with
/// what was read: how bale tells a whole file from one cut between members.
///
/// It is a value that travels with the decoding: the parallel decoder
/// (`GunzipJob`) feeds it the members as their data is written, in order,
/// and hands it to the streaming decoder (`GzipStreamDecoder`) where that
/// takes over, which feeds it the rest. So the check sees every member
/// exactly once whichever decoder read it, and never trusts a member's
/// recorded sizes (a hint that may lie): it counts what was really decoded.
///
/// The rules, for an input that is a series of streams, each of another
/// tool's members or of bale's:
/// - a bale data member that promises an end ("BL" version 2) opens a
///   stream, if none is open, and is counted;
/// - the end member closes it, and must record exactly the members, the
///   data length and the CRC-32 that were read (its compressed length is
///   a locator, not checked: see `endMember`);
/// - anything else while a stream is open (the end of the input, another
///   tool's member, an older bale member, bytes that are not gzip) means
///   the stream was cut short: "truncated";
/// - an index member (`GzipIndexMember`: empty, bale's own, between the
///   last data member and the end member of an archive) is skipped: it is
///   not a data member, and the end member does not count it;
/// - an end member with no stream open must record an empty stream.
public struct StreamEndCheck: Sendable {
    /// The stream being read, when one is open.
    private var open: Opened?

    private struct Opened: Sendable {
        /// Where its first member began.
        var start: Int64
        /// Its members read so far, added up as the writer added them up.
        var tally = MemberTally()
    }

    public init() {}

    /// One data member, whole and checked: `promisesEnd` from its header,
    /// its compressed length, its data's length and CRC-32, and where it began.
    public mutating func dataMember(
        promisesEnd: Bool, at offset: Int64, length: Int, dataLength: Int, crc: UInt32, path: String
    ) throws(BaleError) {
        if !promisesEnd {
            try notAnEnd(at: offset, what: "a member that is not bale's", path: path)
            return
        }
        var stream = open ?? Opened(start: offset)
        stream.tally.add(memberLength: length, dataLength: dataLength, crc: crc)
        open = stream
    }

    /// An index member (empty, with a "BI" subfield), at `offset`: not
    /// counted, and no sign of a cut either (see `GzipIndexMember`).
    public mutating func indexMember(at offset: Int64, path: String) {}

    /// An end member, at `offset`.
    public mutating func endMember(_ record: GzipEndMember.Record, at offset: Int64, path: String) throws(BaleError) {
        let found = (open ?? Opened(start: offset)).tally
        open = nil
        // The proof is the data: how many members held it, how long it is
        // and its CRC-32. The stream length is a locator (where the stream
        // began, for a reader starting from the tail), not a proof: a tool
        // that rewrites headers (adds a name, say) changes it while every
        // byte of data is still there, and gzip -t rightly says OK.
        guard record.members != found.members || record.dataLength != found.dataLength
                || record.crc != found.crc else { return }
        var differences: [String] = []
        if record.members != found.members { differences.append("\(record.members) members, \(found.members) read") }
        if record.dataLength != found.dataLength {
            differences.append("\(record.dataLength) bytes of data, \(found.dataLength) read")
        }
        if differences.isEmpty { differences.append("a CRC-32 that differs from the data's") }
        throw .truncatedStream(path: path, reason: "the end member at byte \(offset) records "
                               + differences.joined(separator: "; ") + ": members are missing or damaged")
    }

    /// Something other than a member (the end of the input, bytes that are
    /// not gzip) at `offset`.
    public mutating func notAnEnd(at offset: Int64, what: String, path: String) throws(BaleError) {
        guard let stream = open else { return }
        open = nil
        throw .truncatedStream(path: path, reason: "\(what) at byte \(offset) instead of the end member of the bale "
                               + "stream begun at byte \(stream.start) (\(stream.tally.members) "
                               + "member\(stream.tally.members == 1 ? "" : "s"), \(stream.tally.dataLength) bytes read)")
    }

    /// The input ended at `offset`.
    public mutating func endOfInput(at offset: Int64, path: String) throws(BaleError) {
        try notAnEnd(at: offset, what: "the end of the file", path: path)
    }
}
