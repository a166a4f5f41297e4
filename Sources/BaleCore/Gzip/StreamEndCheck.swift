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
/// - another gzip member while a stream is open (another tool's, an older
///   bale member, or bale's own whose "BL" subfield was damaged: no CRC
///   covers it) is counted in the stream too. Its data was checked by its
///   own CRC-32, and the end member decides: a stream cut short and
///   followed by other members still disagrees with it (members missing,
///   or no end member at all), while a stream that only lost a header's
///   mark is whole, as gzip -t says. Calling it truncated said that data
///   and names were lost when none were;
/// - anything else while a stream is open (the end of the input, bytes
///   that are not gzip) means the stream was cut short: "truncated";
/// - an index member (`GzipIndexMember`: empty, bale's own, between the
///   last data member and the end member of an archive) is skipped: it is
///   not a data member, and the end member does not count it;
/// - an end member with no stream open must record an empty stream.
///
/// A damaged mark can also hide where a stream begins (its first member,
/// or its only one) or what an index member is (an empty member then,
/// without "BI"). So an end member that disagrees with the members it
/// closes is held against other readings before "truncated": without
/// the empty members that bore no mark, with the empty members taken for
/// index members, and with the unmarked members just before the stream
/// opened, as many as it records more. Each
/// reading compares the same three proofs (members, data length, CRC-32
/// of the data in order), so none accepts data the end member does not
/// describe exactly.
public struct StreamEndCheck: Sendable {
    /// The stream being read, when one is open.
    private var open: Opened?
    /// The members without bale's mark read since the last stream closed
    /// (the latest `unmarkedKept`), in order: the candidates for a stream
    /// whose first members lost their mark.
    private var unmarkedRun: [Member] = []
    static let unmarkedKept = 64
    /// The index members read since the last end member.
    private var indexMembersSinceEnd: UInt64 = 0

    private struct Member: Sendable {
        var dataLength: Int
        var crc: UInt32
    }

    private struct Opened: Sendable {
        /// Where its first member began.
        var start: Int64
        /// Its members read so far, added up as the writer added them up.
        var tally = MemberTally()
        /// Where the first member without bale's mark lay in it, if one did:
        /// named when the stream turns out cut short.
        var firstUnmarked: Int64?
        /// How many of its members were empty and without the mark.
        var unmarkedEmpty: UInt64 = 0
        /// The unmarked members read just before it opened.
        var before: [Member] = []
    }

    public init() {}

    /// One data member, whole and checked: `promisesEnd` from its header,
    /// its compressed length, its data's length and CRC-32, and where it began.
    public mutating func dataMember(
        promisesEnd: Bool, at offset: Int64, length: Int, dataLength: Int, crc: UInt32, path: String
    ) throws(BaleError) {
        let member = Member(dataLength: dataLength, crc: crc)
        // A member without the promise opens nothing: it is another
        // tool's stream, or bale's before end members (version 1).
        guard var stream = open ?? (promisesEnd ? Opened(start: offset, before: unmarkedRun) : nil) else {
            unmarkedRun.append(member)
            if unmarkedRun.count > Self.unmarkedKept { unmarkedRun.removeFirst() }
            return
        }
        unmarkedRun = []
        if !promisesEnd {
            if stream.firstUnmarked == nil { stream.firstUnmarked = offset }
            if dataLength == 0 { stream.unmarkedEmpty += 1 }
        }
        stream.tally.add(memberLength: length, dataLength: dataLength, crc: crc)
        open = stream
    }

    /// An index member (empty, with a "BI" subfield), at `offset`: not
    /// counted, and no sign of a cut either (see `GzipIndexMember`); only
    /// remembered, for an empty data member whose mark a damaged byte made
    /// "BI" (see `agrees`).
    public mutating func indexMember(at offset: Int64, path: String) {
        indexMembersSinceEnd += 1
    }

    /// An end member, at `offset`.
    public mutating func endMember(_ record: GzipEndMember.Record, at offset: Int64, path: String) throws(BaleError) {
        let stream = open ?? Opened(start: offset, before: unmarkedRun)
        let found = stream.tally
        open = nil
        unmarkedRun = []
        let indexMembers = indexMembersSinceEnd
        indexMembersSinceEnd = 0
        // The proof is the data: how many members held it, how long it is
        // and its CRC-32. The stream length is a locator (where the stream
        // began, for a reader starting from the tail), not a proof: a tool
        // that rewrites headers (adds a name, say) changes it while every
        // byte of data is still there, and gzip -t rightly says OK.
        guard !Self.agrees(record, with: stream, indexMembers: indexMembers) else { return }
        var differences: [String] = []
        if record.members != found.members { differences.append("\(record.members) members, \(found.members) read") }
        if record.dataLength != found.dataLength {
            differences.append("\(record.dataLength) bytes of data, \(found.dataLength) read")
        }
        if differences.isEmpty { differences.append("a CRC-32 that differs from the data's") }
        throw .truncatedStream(path: path, reason: "the end member at byte \(offset) records "
                               + differences.joined(separator: "; ") + ": members are missing or damaged"
                               + Self.unmarkedNote(stream))
    }

    /// Whether `record` describes `stream` exactly, in one of the readings
    /// the type's comment gives.
    private static func agrees(_ record: GzipEndMember.Record, with stream: Opened, indexMembers: UInt64) -> Bool {
        let found = stream.tally
        guard record.dataLength >= found.dataLength else { return false }
        // As read, or without its unmarked empty members, or with the
        // empty members read as index members (an empty file's only data
        // member whose mark became "BI"): none of them holds data.
        let asRead = [found.members, found.members - stream.unmarkedEmpty]
        for counted in Set(asRead + asRead.map { $0 + indexMembers }) {
            if record.members == counted && record.dataLength == found.dataLength && record.crc == found.crc {
                return true
            }
            // With the unmarked members before it, as many as are missing.
            guard record.members > counted, record.members - counted <= UInt64(stream.before.count) else { continue }
            var length = 0
            var crc: UInt32 = 0
            for member in stream.before.suffix(Int(record.members - counted)) {
                crc = CRC32.combine(crc, member.crc, length: member.dataLength)
                length += member.dataLength
            }
            if record.dataLength == found.dataLength + UInt64(length)
                && record.crc == CRC32.combine(crc, found.crc, length: Int(found.dataLength)) {
                return true
            }
        }
        return false
    }

    /// Something other than a member (the end of the input, bytes that are
    /// not gzip) at `offset`.
    public mutating func notAnEnd(at offset: Int64, what: String, path: String) throws(BaleError) {
        guard let stream = open else { return }
        open = nil
        throw .truncatedStream(path: path, reason: "\(what) at byte \(offset) instead of the end member of the bale "
                               + "stream begun at byte \(stream.start) (\(stream.tally.members) "
                               + "member\(stream.tally.members == 1 ? "" : "s"), \(stream.tally.dataLength) bytes read)"
                               + Self.unmarkedNote(stream))
    }

    /// Where the stream's first member without bale's mark was, said after
    /// a cut: the place the cut most likely lies.
    private static func unmarkedNote(_ stream: Opened) -> String {
        stream.firstUnmarked.map { "; the member at byte \($0) is not bale's" } ?? ""
    }

    /// The input ended at `offset`.
    public mutating func endOfInput(at offset: Int64, path: String) throws(BaleError) {
        try notAnEnd(at: offset, what: "the end of the file", path: path)
    }
}
