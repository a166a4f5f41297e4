/// Several pieces in one frame's payload (`compressPieces`, `digestFiles`):
/// the piece count (u32, little-endian), each piece's length (u32), then
/// the pieces one after another. Checked on the way in: the lengths must
/// fill the payload exactly. Public for the fuzz target (Fuzz/FuzzFrames).
public enum PieceTable {
    /// The payload holding `pieces`.
    static func encode(_ pieces: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 + 4 * pieces.count + pieces.reduce(0) { $0 + $1.count })
        func append(_ value: Int) {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        append(pieces.count)
        for piece in pieces { append(piece.count) }
        for piece in pieces { bytes += piece }
        return bytes
    }

    /// Where each piece lies in `bytes`.
    static func ranges(in bytes: UnsafeRawBufferPointer) throws(CodecError) -> [Range<Int>] {
        guard bytes.count >= 4 else { throw CodecError.corrupt("a pieces frame without its count") }
        let count = Int(GzipMember.loadLittleEndian32(bytes, at: 0))
        guard count > 0, count <= (bytes.count - 4) / 4 else { throw CodecError.corrupt("a pieces frame with a bad count") }
        var start = 4 + 4 * count
        var ranges: [Range<Int>] = []
        for index in 0..<count {
            let length = Int(GzipMember.loadLittleEndian32(bytes, at: 4 + 4 * index))
            guard length <= bytes.count - start else { throw CodecError.corrupt("pieces do not fill the frame") }
            ranges.append(start..<(start + length))
            start += length
        }
        guard start == bytes.count else { throw CodecError.corrupt("pieces do not fill the frame") }
        return ranges
    }

    /// The pieces of `payload`.
    public static func pieces(of payload: [UInt8]) throws(CodecError) -> [[UInt8]] {
        try typedThrows(CodecError.self) {
            try payload.withUnsafeBytes { (bytes) throws(CodecError) in try ranges(in: bytes) }
        }.map { Array(payload[$0]) }
    }
}
