import Testing
@testable import BaleCore

/// `GzipHeaderScan` against `GzipHeader.parse`, the decoders' reading of a
/// header: every combination of the optional parts, given whole and in
/// pieces of 1, 2, 3 and 7 bytes (a part's end falling inside a piece and
/// at its edge), ends at the length `parse` finds, and says what `parse`
/// says of a header that is not gzip or whose CRC is damaged.
@Suite struct GzipHeaderScanTests {
    /// A header with the parts `flags` names, and 20 bytes that follow it.
    static func header(flags: UInt8, extra: [UInt8] = [0x41, 0x42, 2, 0, 7, 8], damagedCRC: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = [0x1f, 0x8b, 8, flags, 1, 2, 3, 4, 0, 3]
        if flags & GzipHeader.flagExtra != 0 { bytes += [UInt8(extra.count), 0] + extra }
        if flags & GzipHeader.flagName != 0 { bytes += Array("name.txt".utf8) + [0] }
        if flags & GzipHeader.flagComment != 0 { bytes += Array("a comment".utf8) + [0] }
        if flags & GzipHeader.flagHeaderCRC != 0 {
            let crc = UInt16(truncatingIfNeeded: CRC32.checksum(bytes)) ^ (damagedCRC ? 1 : 0)
            bytes += [UInt8(crc & 0xff), UInt8(crc >> 8)]
        }
        return bytes + [UInt8](repeating: 0x55, count: 20)
    }

    /// The scan's outcome for `bytes` given in pieces of `piece` bytes.
    static func scan(_ bytes: [UInt8], piece: Int) -> GzipHeaderScan.Outcome {
        var scan = GzipHeaderScan()
        var offset = 0
        while offset < bytes.count, scan.outcome == .needsMore {
            let end = min(bytes.count, offset + piece)
            _ = bytes.withUnsafeBytes { scan.scan(UnsafeRawBufferPointer(rebasing: $0[offset..<end])) }
            offset = end
        }
        return scan.outcome
    }

    static let pieces = [1, 2, 3, 7, 1 << 20]

    @Test(arguments: 0..<32)
    func everyCombinationEndsWhereParseEnds(_ combination: Int) {
        let optional = [GzipHeader.flagExtra, GzipHeader.flagName, GzipHeader.flagComment, GzipHeader.flagHeaderCRC,
                        GzipHeader.flagText]
        let flags = optional.enumerated().reduce(UInt8(0)) { $0 | (combination >> $1.offset & 1 == 1 ? $1.element : 0) }
        for extra in [[0x41, 0x42, 2, 0, 7, 8], []] as [[UInt8]] {
            let bytes = Self.header(flags: flags, extra: extra)
            guard case .header(let parsed) = bytes.withUnsafeBytes({ GzipHeader.parse($0) }) else {
                Issue.record("parse refused flags \(flags)")
                continue
            }
            for piece in Self.pieces {
                #expect(Self.scan(bytes, piece: piece) == .complete(length: parsed.length),
                        "flags \(flags), extra \(extra.count) bytes, pieces of \(piece)")
                // One byte short of its end, the header needs more.
                #expect(Self.scan(Array(bytes[..<(parsed.length - 1)]), piece: piece) == .needsMore)
            }
        }
    }

    @Test func whatIsNoHeaderIsSaidAsParseSaysIt() {
        let damaged = Self.header(flags: GzipHeader.flagName | GzipHeader.flagHeaderCRC, damagedCRC: true)
        var method = Self.header(flags: 0)
        method[2] = 7
        var reserved = Self.header(flags: 0)
        reserved[3] = 0x20
        for (bytes, reason) in [(damaged, "header crc mismatch"), (Array("plain text\n".utf8), "not in gzip format"), (Array("text".utf8), "not in gzip format"),
                                (method, "unknown compression method 7"), (reserved, "reserved header flags are set")] {
            guard case .invalid(let parsed) = bytes.withUnsafeBytes({ GzipHeader.parse($0) }) else {
                Issue.record("parse accepted \(reason)")
                continue
            }
            #expect(parsed == reason)
            for piece in Self.pieces { #expect(Self.scan(bytes, piece: piece) == .invalid(reason), "pieces of \(piece)") }
        }
    }
}
