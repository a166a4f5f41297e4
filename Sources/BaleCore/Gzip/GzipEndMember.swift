/// The end member: the last member of every gzip stream bale writes, the
/// proof that the stream is whole.
///
/// Why it exists: a gzip file is a series of members, and a series cut
/// between two members is still a valid gzip file. A `bale gzip -c` that was
/// killed, or a copy that stopped half-way, leaves exactly that, and every
/// gzip reader (`gzip -t` included) says it is fine. So bale ends each
/// stream with an empty member (no data: every reader skips it, as BGZF's
/// EOF block) whose extra field says "this was the last member" and records
/// what the whole held. A bale reader that meets members promising an end
/// (`GzipMember`'s "BL" subfield, version 2) and then the end of the input,
/// another tool's member or garbage instead of this member, or an end member
/// whose record disagrees with what was read, reports the stream as
/// truncated (`StreamEndCheck`).
///
/// The member, 66 bytes:
///
///     1f 8b 08 04  00 00 00 00  00 03   magic, deflate, FEXTRA, no time, Unix
///     2c 00                             XLEN 44
///     'B' 'E' 28 00                     subfield "BE", 40 bytes:
///       01                                layout version 1
///       00                                flags (none yet)
///       00 00                             reserved
///       <u64 members>                     data members before this one
///       <u64 data length>                 their uncompressed bytes
///       <u32 CRC-32>                      CRC-32 of all those bytes
///       <u64 stream length>               bytes from the stream's first member to this one
///       <u64 index offset>                0: no index (room for one: where it starts,
///                                         counted from the stream's first member)
///     03 00                             an empty final deflate block
///     00 00 00 00  00 00 00 00          CRC-32 and ISIZE of no data
///
/// All numbers are little-endian, as in RFC 1952. The stream length lets a
/// reader that starts from a file's tail find where the stream began (as
/// zip's end record does); the index offset is where a later format version
/// puts an index of the archive's entries, in further empty members.
public enum GzipEndMember {
    /// The subfield identifier of the end record.
    public static let subfieldID: (UInt8, UInt8) = (0x42, 0x45)  // "BE"
    /// The layout version written.
    public static let version: UInt8 = 1
    /// The length of the subfield's body.
    static let recordLength = 40

    /// What an end member records about the stream it closes.
    public struct Record: Equatable, Sendable {
        /// Data members before the end member.
        public var members: UInt64
        /// Their uncompressed bytes.
        public var dataLength: UInt64
        /// The CRC-32 of all their uncompressed bytes.
        public var crc: UInt32
        /// The stream's bytes before the end member.
        public var streamLength: UInt64
        /// Where an index starts (from the stream's first byte); 0: none.
        public var indexOffset: UInt64

        public init(members: UInt64, dataLength: UInt64, crc: UInt32, streamLength: UInt64, indexOffset: UInt64 = 0) {
            self.members = members
            self.dataLength = dataLength
            self.crc = crc
            self.streamLength = streamLength
            self.indexOffset = indexOffset
        }
    }

    /// The bytes of the end member recording `record`.
    public static func bytes(for record: Record) -> [UInt8] {
        var bytes = GzipMember.fixedHeader(extraFlags: 0)
            + [UInt8(4 + recordLength), 0, subfieldID.0, subfieldID.1, UInt8(recordLength), 0, version, 0, 0, 0]
        func append(_ value: UInt64, bytes count: Int) {
            for shift in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * shift))) }
        }
        append(record.members, bytes: 8)
        append(record.dataLength, bytes: 8)
        append(UInt64(record.crc), bytes: 4)
        append(record.streamLength, bytes: 8)
        append(record.indexOffset, bytes: 8)
        bytes += [0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]
        return bytes
    }

    /// The end member's length.
    public static let memberLength = 16 + recordLength + 10

    /// The record of `bytes` when they are exactly an end member as bale
    /// writes it (66 bytes); nil for anything else.
    public static func record(inMember bytes: [UInt8]) -> Record? {
        guard bytes.count == memberLength else { return nil }
        return bytes.withUnsafeBytes { raw -> Record? in
            guard case .header(let header) = GzipHeader.parse(raw), let record = header.endRecord,
                  header.length == memberLength - 10, raw[header.length...].elementsEqual([3, 0, 0, 0, 0, 0, 0, 0, 0, 0])
            else { return nil }
            return record
        }
    }

    /// The record in the body of a "BE" subfield, or nil when the body has
    /// the wrong length or a version this reader does not know.
    static func record(inSubfield body: UnsafeRawBufferPointer) -> Record? {
        guard body.count == recordLength, body[0] == version else { return nil }
        func load(_ offset: Int, bytes count: Int) -> UInt64 {
            (0..<count).reduce(0) { $0 | UInt64(body[offset + $1]) << (8 * UInt64($1)) }
        }
        return Record(members: load(4, bytes: 8), dataLength: load(12, bytes: 8), crc: UInt32(load(20, bytes: 4)),
                      streamLength: load(24, bytes: 8), indexOffset: load(32, bytes: 8))
    }
}
