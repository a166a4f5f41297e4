/// Adds up the data members of one stream as bale writes them, to make the
/// end member that closes it.
///
/// Fed the members in output order (whole members, one or several per
/// call), it reads each one's "BL" sizes and trailer: the CRC-32 of the
/// member's data and its length (members are at most 64 MiB, so ISIZE is
/// the exact length), and combines the CRCs (zlib's crc32_combine, a few
/// microseconds a member), so nothing is hashed twice.
public struct MemberTally: Sendable {
    public private(set) var members: UInt64 = 0
    public private(set) var dataLength: UInt64 = 0
    public private(set) var crc: UInt32 = 0
    public private(set) var streamLength: UInt64 = 0
    /// Each member's whole length and data length, in order, when asked
    /// for (`keepsSizes`: an archive's index lists them; 16 bytes a member).
    public private(set) var sizes: [(length: UInt64, dataLength: UInt64)]?

    public init(keepsSizes: Bool = false) {
        sizes = keepsSizes ? [] : nil
    }

    /// Counts the members that fill `bytes`, written by bale.
    public mutating func add(members bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            guard case .header(let header) = GzipHeader.parse(rest), let sizes = header.recordedSizes,
                  sizes.memberLength <= rest.count, sizes.memberLength >= header.length + GzipMember.trailerLength
            else {
                preconditionFailure("MemberTally is fed bale's own members only")
            }
            add(memberLength: sizes.memberLength, dataLength: sizes.dataLength,
                crc: GzipMember.loadLittleEndian32(rest, at: sizes.memberLength - 8))
            offset += sizes.memberLength
        }
    }

    /// Counts one member: its whole length, its data's length and CRC-32
    /// (what `StreamEndCheck` adds up from what it decoded).
    public mutating func add(memberLength: Int, dataLength: Int, crc memberCRC: UInt32) {
        crc = CRC32.combine(crc, memberCRC, length: dataLength)
        sizes?.append((UInt64(memberLength), UInt64(dataLength)))
        members += 1
        self.dataLength += UInt64(dataLength)
        streamLength += UInt64(memberLength)
    }

    /// Where the index members begin, from the stream's first byte; 0: none.
    public private(set) var indexOffset: UInt64 = 0

    /// Counts the index members (`GzipIndexMember`), `length` bytes, that
    /// follow the data members: not members of the data, but part of the
    /// stream the end member locates.
    public mutating func add(indexMembers length: Int) {
        indexOffset = streamLength
        streamLength += UInt64(length)
    }

    /// The record of everything added.
    public var record: GzipEndMember.Record {
        GzipEndMember.Record(members: members, dataLength: dataLength, crc: crc, streamLength: streamLength,
                             indexOffset: indexOffset)
    }

    /// The end member closing everything added.
    public var endMember: [UInt8] { GzipEndMember.bytes(for: record) }
}
