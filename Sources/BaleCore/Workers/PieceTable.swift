/// Several pieces in one frame's payload (the files of a `compressPieces`
/// request, the paths of a `digestFiles` request, the members of a
/// `compressedPieces` reply): the piece count (u32, little-endian), each
/// piece's length (u32), then the pieces one after another.
///
/// The value keeps the payload as it goes down the pipe (one array, sent
/// as it is, without another copy) and where each piece lies in it, so no
/// one who holds a table parses it again. A payload that comes in is
/// checked once, here: the lengths must fill it exactly.
public struct PieceTable: Sendable {
    /// The whole payload: the table, then the pieces.
    public let payload: [UInt8]
    /// Where each piece lies in `payload`, in order.
    public let ranges: [Range<Int>]

    /// The payload holding `pieces` (each copied once, into it).
    public init(_ pieces: [[UInt8]]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.tableLength(count: pieces.count) + pieces.reduce(0) { $0 + $1.count })
        func append(_ value: Int) {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        append(pieces.count)
        for piece in pieces { append(piece.count) }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(pieces.count)
        for piece in pieces {
            ranges.append(bytes.count..<(bytes.count + piece.count))
            bytes += piece
        }
        payload = bytes
        self.ranges = ranges
    }

    /// The table of a payload that came down a pipe; throws when its
    /// lengths do not fill it exactly.
    public init(decoding payload: [UInt8]) throws(CodecError) {
        self.ranges = try typedThrows(CodecError.self) {
            try payload.withUnsafeBytes { (bytes) throws(CodecError) in try Self.ranges(in: bytes) }
        }
        self.payload = payload
    }

    /// How many pieces there are.
    public var count: Int { ranges.count }

    /// The bytes of all the pieces together, less the table.
    public var piecesLength: Int { payload.count - Self.tableLength(count: ranges.count) }

    /// The pieces, each copied out (for tests and the fuzz target; the
    /// pipeline reads them in place through `ranges`).
    public var pieces: [[UInt8]] { ranges.map { Array(payload[$0]) } }

    /// The bytes of the table of `count` pieces.
    static func tableLength(count: Int) -> Int { 4 + 4 * count }

    /// Writes the table of pieces of these lengths at the start of
    /// `buffer` (a worker builds its reply's pieces in place after it).
    static func storeTable(lengths: [Int], into buffer: UnsafeMutableRawBufferPointer) {
        GzipMember.storeLittleEndian(UInt32(lengths.count), into: buffer, at: 0)
        for (index, length) in lengths.enumerated() {
            GzipMember.storeLittleEndian(UInt32(length), into: buffer, at: 4 + 4 * index)
        }
    }

    /// Where each piece lies in `bytes`, checked.
    static func ranges(in bytes: UnsafeRawBufferPointer) throws(CodecError) -> [Range<Int>] {
        guard bytes.count >= 4 else { throw CodecError.corrupt("a pieces frame without its count") }
        let count = Int(GzipMember.loadLittleEndian32(bytes, at: 0))
        guard count > 0, count <= (bytes.count - 4) / 4 else { throw CodecError.corrupt("a pieces frame with a bad count") }
        var start = tableLength(count: count)
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(count)
        for index in 0..<count {
            let length = Int(GzipMember.loadLittleEndian32(bytes, at: 4 + 4 * index))
            guard length <= bytes.count - start else { throw CodecError.corrupt("pieces do not fill the frame") }
            ranges.append(start..<(start + length))
            start += length
        }
        guard start == bytes.count else { throw CodecError.corrupt("pieces do not fill the frame") }
        return ranges
    }
}
