/// A parsed gzip member header (RFC 1952 §2.3), from any tool.
public struct GzipHeader: Equatable, Sendable {
    /// Bytes from the member's start to its deflate data.
    public var length: Int
    /// bale's "BL" subfield, when the member carries one.
    public var recordedSizes: RecordedSizes?
    /// bale's "BE" subfield, when the member is the end member of a bale
    /// stream (`GzipEndMember`).
    public var endRecord: GzipEndMember.Record?
    /// True when the member carries a piece of an archive's index (a "BI"
    /// subfield, `GzipIndexMember`): bale's own, empty, not a data member.
    public var carriesIndex = false
    /// Where the stored file name (FNAME) lies in the header's bytes,
    /// without its NUL; nil when the header stores none.
    public var nameRange: Range<Int>?

    /// The sizes bale records in its extra field.
    public struct RecordedSizes: Equatable, Sendable {
        /// The whole member, header to trailer.
        public var memberLength: Int
        /// The uncompressed bytes.
        public var dataLength: Int
        /// True when the member promises that its stream ends with an end
        /// member ("BL" version 2; version 1, written before bale had end
        /// members, promises nothing).
        public var promisesEnd: Bool = true
    }

    /// The outcome of looking for a header at the start of some bytes.
    public enum Parse: Equatable, Sendable {
        /// A complete, well-formed header.
        case header(GzipHeader)
        /// The bytes start like a header but end before it does.
        case needMoreBytes
        /// Not a gzip header; the text says why.
        case invalid(String)
    }

    /// Whether `first` and `second` begin a gzip member: 1f 8b, or 1f 9e,
    /// the magic of gzip before 0.5 (GNU gzip's OLD_GZIP_MAGIC), which GNU
    /// gzip still reads (the rest of the header is the same). `parse`
    /// takes both; the stream decoder hands such a member to its inflaters
    /// as one of 1f 8b (zlib's reads the header itself), and bale writes
    /// only 1f 8b.
    public static func beginsMember(_ first: UInt8, _ second: UInt8) -> Bool {
        first == 0x1f && (second == 0x8b || second == oldMagicSecondByte)
    }

    /// The second byte of the old magic (`beginsMember`).
    static let oldMagicSecondByte: UInt8 = 0x9e

    static let flagText: UInt8 = 1, flagHeaderCRC: UInt8 = 2, flagExtra: UInt8 = 4
    static let flagName: UInt8 = 8, flagComment: UInt8 = 16, reservedFlags: UInt8 = 0xE0

    /// The fixed part and the extra field of a header: its flags, the
    /// extra field's place (nil when it has none), and where the name, the
    /// comment or the header CRC (whichever the flags say come first)
    /// begin; or, when the bytes hold no such part yet, what `parse` says.
    enum FixedPart {
        case fields(flags: UInt8, extra: Range<Int>?, rest: Int)
        case noHeader(Parse)
    }

    /// The fixed part and the extra field of the header at the start of
    /// `bytes`: the one reading of them, for `parse` and for a header whose
    /// name runs past the bytes at hand (`GzipStoredName`).
    static func fixedPart(_ bytes: UnsafeRawBufferPointer) -> FixedPart {
        guard bytes.count >= 10 else {
            if bytes.count >= 1 && bytes[0] != 0x1f { return .noHeader(.invalid("not in gzip format")) }
            if bytes.count >= 2 && !beginsMember(bytes[0], bytes[1]) { return .noHeader(.invalid("not in gzip format")) }
            return .noHeader(.needMoreBytes)
        }
        guard beginsMember(bytes[0], bytes[1]) else { return .noHeader(.invalid("not in gzip format")) }
        guard bytes[2] == 8 else { return .noHeader(.invalid("unknown compression method \(bytes[2])")) }
        let flags = bytes[3]
        guard flags & reservedFlags == 0 else { return .noHeader(.invalid("reserved header flags are set")) }
        guard flags & flagExtra != 0 else { return .fields(flags: flags, extra: nil, rest: 10) }
        guard bytes.count >= 12 else { return .noHeader(.needMoreBytes) }
        let extraLength = Int(bytes[10]) | Int(bytes[11]) << 8
        guard bytes.count >= 12 + extraLength else { return .noHeader(.needMoreBytes) }
        return .fields(flags: flags, extra: 12..<12 + extraLength, rest: 12 + extraLength)
    }

    /// Parses the header at the start of `bytes`.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Parse {
        let flags: UInt8, extraRange: Range<Int>?
        var offset: Int
        switch fixedPart(bytes) {
        case .noHeader(let parse): return parse
        case .fields(let fixedFlags, let extra, let rest): (flags, extraRange, offset) = (fixedFlags, extra, rest)
        }
        var sizes: RecordedSizes?
        var end: GzipEndMember.Record?
        var carriesIndex = false
        if let extraRange {
            let extra = UnsafeRawBufferPointer(rebasing: bytes[extraRange])
            sizes = recordedSizes(in: extra)
            end = subfield(GzipEndMember.subfieldID, in: extra).flatMap(GzipEndMember.record(inSubfield:))
            carriesIndex = sizes == nil && subfield(GzipIndexMember.subfieldID, in: extra) != nil
        }
        var nameRange: Range<Int>?
        for flag in [flagName, flagComment] where flags & flag != 0 {
            guard let end = bytes[offset...].firstIndex(of: 0) else { return .needMoreBytes }
            if flag == flagName { nameRange = offset..<end }
            offset = end + 1
        }
        if flags & flagHeaderCRC != 0 {
            // Checked, as zlib and GNU gzip check it: every bale command must
            // judge a header as other readers do (the parallel path reads
            // headers with this parser, the streaming one with zlib's).
            guard bytes.count >= offset + 2 else { return .needMoreBytes }
            let recorded = UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
            let actual = UInt16(truncatingIfNeeded: CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<offset])))
            guard recorded == actual else { return .invalid("header crc mismatch") }
            offset += 2
        }
        return .header(GzipHeader(length: offset, recordedSizes: sizes, endRecord: end, carriesIndex: carriesIndex,
                                  nameRange: nameRange))
    }

    /// Finds bale's "BL" subfield among the extra field's subfields.
    /// A subfield of the wrong length or an unknown version is treated as absent.
    static func recordedSizes(in extra: UnsafeRawBufferPointer) -> RecordedSizes? {
        guard let body = subfield(GzipMember.subfieldID, in: extra), body.count == 10,
              (1...GzipMember.subfieldVersion).contains(body[0]) else { return nil }
        return RecordedSizes(
            memberLength: Int(GzipMember.loadLittleEndian32(body, at: 2)),
            dataLength: Int(GzipMember.loadLittleEndian32(body, at: 6)),
            promisesEnd: body[0] >= 2)
    }

    /// The body of the first subfield `id` in an extra field (RFC 1952
    /// §2.3.1.1: SI1 SI2 LEN data), nil when there is none or the field's
    /// subfields run past its end.
    static func subfield(_ id: (UInt8, UInt8), in extra: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var offset = 0
        while offset + 4 <= extra.count {
            let length = Int(extra[offset + 2]) | Int(extra[offset + 3]) << 8
            let body = offset + 4
            guard body + length <= extra.count else { return nil }
            if extra[offset] == id.0, extra[offset + 1] == id.1 {
                return UnsafeRawBufferPointer(rebasing: extra[body..<body + length])
            }
            offset = body + length
        }
        return nil
    }
}
