/// The layout of one gzip member (RFC 1952) as bale writes it.
///
/// bale cuts its input into chunks and writes each as a complete gzip
/// member, so the output is an ordinary multi-member gzip file that every
/// gzip reader decompresses as one stream (RFC 1952 §2.2: "A gzip file
/// consists of a series of members"). Every member bale writes has the same
/// 26-byte header:
///
///     1f 8b 08 04          magic, CM=deflate, FLG=FEXTRA
///     00 00 00 00          MTIME 0: output depends on content only
///     XFL 03               XFL (2 = strongest, 4 = fastest, else 0: `Compressor.extraFlags`), OS=Unix
///     0e 00                XLEN = 14
///     'B' 'L' 0a 00        subfield "BL", 10 bytes:
///     02 00                  format version 2, reserved
///     <u32 member length>    the whole member's bytes, header to trailer
///     <u32 data length>      the member's uncompressed bytes
///
/// followed by the raw deflate data and the 8-byte trailer (CRC-32, ISIZE).
/// The "BL" subfield is the idea of BGZF's "BC": it lets bale find where
/// each member ends without inflating, so its own files can be split
/// across worker processes for parallel decompression. Readers that do not
/// know the subfield skip it, as RFC 1952 requires.
///
/// Version 2 of the subfield also promises that the stream ends with bale's
/// end member (`GzipEndMember`), which records how many members came before
/// it and what they held: a stream cut between two members is then seen as
/// truncated, which gzip's format alone cannot show.
///
/// No file name and no time are stored (as `gzip -n`): the same input and
/// level give the same bytes, whatever -p, --io-threads or the clock.
public enum GzipMember {
    /// The length of bale's member header.
    public static let headerLength = 26
    /// The length of the CRC-32 and ISIZE trailer.
    public static let trailerLength = 8
    /// The subfield identifier of bale's extra field.
    public static let subfieldID: (UInt8, UInt8) = (0x42, 0x4C)  // "BL"
    /// The version of the subfield's layout: 2 promises that the stream
    /// ends with an end member (`GzipEndMember`); readers also accept 1,
    /// written by bale before it had end members, which promises nothing.
    public static let subfieldVersion: UInt8 = 2
    /// The largest member bale writes or accepts from its own extra field:
    /// a limit on what a damaged or hostile file can make a worker allocate.
    public static let maximumMemberLength = 64 << 20
    /// The largest uncompressed size bale accepts from its own extra field.
    public static let maximumDataLength = 64 << 20

    /// The magic and the method (deflate) every gzip member begins with.
    static let magicAndMethod: [UInt8] = [0x1f, 0x8b, 8]

    /// The first ten bytes of each of bale's members (data, index and end):
    /// the magic, deflate, FEXTRA alone, no time, `xfl`, Unix.
    static func fixedHeader(extraFlags xfl: UInt8) -> [UInt8] { magicAndMethod + [4, 0, 0, 0, 0, xfl, 3] }

    /// Writes bale's member header into `buffer` (at least `headerLength` bytes).
    public static func writeHeader(
        into buffer: UnsafeMutableRawBufferPointer,
        memberLength: Int, dataLength: Int, extraFlags xfl: UInt8
    ) {
        let fixed = fixedHeader(extraFlags: xfl) + [14, 0, subfieldID.0, subfieldID.1, 10, 0, subfieldVersion, 0]
        for (index, byte) in fixed.enumerated() { buffer[index] = byte }
        storeLittleEndian(UInt32(memberLength), into: buffer, at: 18)
        storeLittleEndian(UInt32(dataLength), into: buffer, at: 22)
    }

    /// Writes the trailer (CRC-32, then the length mod 2^32) at `offset`.
    public static func writeTrailer(
        into buffer: UnsafeMutableRawBufferPointer, at offset: Int, crc: UInt32, dataLength: Int
    ) {
        storeLittleEndian(crc, into: buffer, at: offset)
        storeLittleEndian(UInt32(truncatingIfNeeded: dataLength), into: buffer, at: offset + 4)
    }

    /// Checks one whole member (`bytes`, header to trailer) and inflates
    /// it into `output`, which holds exactly `expectedLength` bytes; the
    /// CRC and ISIZE must match the data; returns the data length.
    ///
    /// Who framed the member decides its sizes. With `expectedLength`, the
    /// caller cut `bytes` by sizes it holds (the parent by the "BL" header
    /// it read, `list` and `cat` by the archive's index), and the header
    /// needs only to be gzip's: the subfield is covered by no CRC, so one
    /// damaged byte in it must not make a member whose data checks out
    /// unreadable. Without it (`DamageReport`, hopping by headers), the
    /// member must be bale's and agree with the sizes it records.
    public static func inflate(
        _ bytes: UnsafeRawBufferPointer, expectedLength: Int?, with inflater: any Decompressor,
        into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) -> Int {
        guard case .header(let header) = GzipHeader.parse(bytes) else {
            throw CodecError.corrupt("not a gzip member")
        }
        let length: Int
        if let expectedLength {
            length = expectedLength
        } else {
            guard let sizes = header.recordedSizes else { throw CodecError.corrupt("not a bale gzip member") }
            guard sizes.memberLength == bytes.count else { throw CodecError.corrupt("member sizes do not match its header") }
            length = sizes.dataLength
        }
        guard length == output.count, length <= maximumDataLength, bytes.count >= header.length + trailerLength else {
            throw CodecError.corrupt("member sizes do not match its header")
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes[header.length..<(bytes.count - trailerLength)])
        let actualCRC = try inflater.inflate(body, into: output)
        let crc = loadLittleEndian32(bytes, at: bytes.count - 8)
        let size = loadLittleEndian32(bytes, at: bytes.count - 4)
        guard crc == actualCRC else { throw CodecError.corrupt("crc error") }
        guard size == UInt32(truncatingIfNeeded: length) else { throw CodecError.corrupt("length error") }
        return length
    }

    static func storeLittleEndian(_ value: UInt32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer[offset] = UInt8(truncatingIfNeeded: value)
        buffer[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
        buffer[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
        buffer[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
    }

    static func loadLittleEndian32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
            | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
