import Testing
@testable import BaleCore

/// The index's compressor (`PiecewiseDeflater`): the pieces given come
/// back whole and in order from its one raw deflate stream, with their
/// length and CRC-32, both when they are held for libdeflate at the end
/// and when they outgrow the hold and go on through zlib (the held bytes
/// first: a stream that lost or reordered them would inflate to other
/// bytes).
@Suite struct PiecewiseDeflaterTests {
    /// Pieces like an index's records: varied lengths, like bytes.
    static let pieces: [[UInt8]] = (0..<3_000).map { number in
        Array("entry \(number) usr/share/doc/package-\(number % 97)/file-\(number * 7919 % 1000)\n".utf8)
    }

    /// The bytes `deflater` holds, inflated, and its CRC-32 of them.
    private func inflated(_ deflater: PiecewiseDeflater) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(deflater.inputLength))
        let crc = try deflater.output.withUnsafeBytes { input in
            try bytes.withUnsafeMutableBytes { try LibdeflateDecompressor().inflate(input, into: $0) }
        }
        #expect(crc == deflater.inputCRC)
        return bytes
    }

    @Test(arguments: [(PiecewiseDeflater.defaultHoldLimit, false), (10_000, true)])
    func thePiecesComeBackWholeAndInOrder(holdLimit: Int, streams: Bool) throws {
        let deflater = PiecewiseDeflater(holdLimit: holdLimit)
        for piece in Self.pieces { try deflater.append(piece) }
        try deflater.finish()
        #expect(deflater.streams == streams)
        let all = Self.pieces.flatMap { $0 }
        #expect(deflater.inputLength == UInt64(all.count))
        #expect(deflater.output.count < all.count / 3, "compressed: \(deflater.output.count) of \(all.count) bytes")
        #expect(try inflated(deflater) == all)
    }

    @Test func nothingGivenIsAnEmptyStream() throws {
        let deflater = PiecewiseDeflater()
        try deflater.finish()
        #expect(deflater.inputLength == 0 && deflater.inputCRC == 0)
        #expect(try inflated(deflater).isEmpty)
    }
}
