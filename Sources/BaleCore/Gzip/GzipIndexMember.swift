/// The index members: empty gzip members whose extra field carries a
/// piece of an archive's index (`ArchiveIndexLayout`), between a bale
/// stream's last data member and its end member.
///
/// An extra field holds at most 65,535 bytes (XLEN is 16 bits), so an
/// index is cut into as many members as it needs, each with one "BI"
/// subfield of at most 65,531 bytes:
///
///     1f 8b 08 04  00 00 00 00  00 03   magic, deflate, FEXTRA, no time, Unix
///     <u16 XLEN>                        4 + the piece's length
///     'B' 'I' <u16 length>              subfield "BI": the piece
///     <piece>
///     03 00                             an empty final deflate block
///     00 00 00 00  00 00 00 00          CRC-32 and ISIZE of no data
///
/// They hold no data: `gzip -dc`, pigz, python and every tar see nothing
/// of them, and bale's readers skip them (`StreamEndCheck.indexMember`)
/// without counting them among the data members the end member records.
/// The pieces, joined in order, are the index's bytes; the end member's
/// `indexOffset` says where the first index member begins.
public enum GzipIndexMember {
    /// The subfield identifier of a piece of the index.
    public static let subfieldID: (UInt8, UInt8) = (0x42, 0x49)  // "BI"
    /// The most bytes of the index one member carries.
    public static let maximumPiece = 65_535 - 4
    /// Bytes before the piece: the fixed header, XLEN, the subfield's id and length.
    static let headerLength = 16
    /// After the piece: an empty deflate block and the trailer of no data.
    static let trailer: [UInt8] = [0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]

    /// The index members carrying `blob`, one after the other.
    public static func members(carrying blob: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        var start = 0
        repeat {
            let piece = blob[start..<min(blob.count, start + maximumPiece)]
            let extra = piece.count + 4
            bytes += fixedHeader + [UInt8(extra & 0xff), UInt8(extra >> 8), subfieldID.0, subfieldID.1,
                      UInt8(piece.count & 0xff), UInt8(piece.count >> 8)]
            bytes += piece
            bytes += trailer
            start += piece.count
        } while start < blob.count
        return bytes
    }

    /// True when `bytes` begin as an index member does (the fixed header
    /// and the "BI" subfield's id): enough to tell one from a data member
    /// without reading it whole.
    public static func begins(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 14 && bytes[0..<10].elementsEqual(fixedHeader) && bytes[12] == subfieldID.0 && bytes[13] == subfieldID.1
    }

    /// The first ten bytes of every index member.
    static let fixedHeader = GzipMember.fixedHeader(extraFlags: 0)

    /// The index member at the start of `bytes`, exactly as bale writes
    /// it: its piece and its whole length; nil for anything else.
    public static func piece(at bytes: UnsafeRawBufferPointer) -> (piece: UnsafeRawBufferPointer, length: Int)? {
        guard bytes.count >= headerLength + trailer.count, begins(bytes) else { return nil }
        let extra = Int(bytes[10]) | Int(bytes[11]) << 8
        let count = Int(bytes[14]) | Int(bytes[15]) << 8
        let length = headerLength + count + trailer.count
        guard extra == count + 4, bytes.count >= length,
              bytes[(headerLength + count)..<length].elementsEqual(trailer) else { return nil }
        return (UnsafeRawBufferPointer(rebasing: bytes[headerLength..<(headerLength + count)]), length)
    }
}
