#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import BaleCore

/// `list`'s lines are built as bytes (`TarLister`, `TerminalText.escape`,
/// with its eight-bytes-at-a-time fast path, and its own digits for
/// four-digit years): each piece against a plain judge. The escaping
/// against the byte-by-byte rules it replaced (themselves checked
/// against GNU tar by NameEscapingTests), on names made of the bytes at
/// every boundary of those rules; the time against libc's strftime.
@Suite struct ListingBytesTests {
    /// The escaping as it was written before the fast path: one byte at a
    /// time, GNU tar's rules.
    static func escapedByteByByte(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        func octal(_ byte: UInt8) { out += [0x5C, 0x30 + (byte >> 6), 0x30 + ((byte >> 3) & 7), 0x30 + (byte & 7)] }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                switch byte {
                case 0x5C: out += [0x5C, 0x5C]
                case 0x07: out += [0x5C, UInt8(ascii: "a")]
                case 0x08: out += [0x5C, UInt8(ascii: "b")]
                case 0x09: out += [0x5C, UInt8(ascii: "t")]
                case 0x0A: out += [0x5C, UInt8(ascii: "n")]
                case 0x0B: out += [0x5C, UInt8(ascii: "v")]
                case 0x0C: out += [0x5C, UInt8(ascii: "f")]
                case 0x0D: out += [0x5C, UInt8(ascii: "r")]
                case 0x00..<0x20, 0x7F: octal(byte)
                default: out.append(byte)
                }
                index += 1
                continue
            }
            let length = TerminalText.validSequenceLength(bytes, at: index)
            if length == 0 {
                octal(byte)
                index += 1
            } else if !TerminalText.isPrintable(bytes, at: index, length: length) {
                for unprintable in bytes[index..<(index + length)] { octal(unprintable) }
                index += length
            } else {
                out += bytes[index..<(index + length)]
                index += length
            }
        }
        return out
    }

    /// A fixed pseudo-random sequence (the same names every run).
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 17 ^ state
        }
    }

    @Test func escapesAsTheByteByByteRules() {
        // The bytes at the rules' edges, and pieces of UTF-8 (valid,
        // cut short, C1, U+2028, surrogates, overlong) mixed with plain
        // ASCII runs long enough to take the fast path.
        let pieces: [[UInt8]] = [
            [0x00], [0x01], [0x07], [0x09], [0x0A], [0x0D], [0x1F], [0x20], [0x21], [0x5B], [0x5C], [0x5D],
            [0x7E], [0x7F], [0x80], [0xBF], [0xC0, 0x80], [0xC2, 0x9B], [0xC2, 0xA0], [0xC3, 0xA9], [0xE2, 0x80, 0xA8],
            [0xE2, 0x80, 0xAE], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98, 0x80], [0xF0, 0x9F, 0x98], [0xF4, 0x90, 0x80, 0x80],
            [0xFE], [0xFF], Array("plain".utf8), Array("usr/share/doc/".utf8), Array("abcdefghijklmnop".utf8),
        ]
        var generator = Generator(state: 19)
        var names: [[UInt8]] = pieces + [[]]
        for _ in 0..<20_000 {
            var name: [UInt8] = []
            for _ in 0..<Int.random(in: 1...12, using: &generator) {
                name += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
            }
            names.append(name)
        }
        var differing: [[UInt8]] = []
        for name in names {
            let expected = Self.escapedByteByByte(name)
            let written = [UInt8](unsafeUninitializedCapacity: name.count * TerminalText.maximumGrowth) { buffer, count in
                count = name.withUnsafeBufferPointer { TerminalText.escape($0, inUTF8: true, into: buffer.baseAddress!) }
            }
            if written != expected || TerminalText.escaped(name, inUTF8: true) != String(decoding: expected, as: UTF8.self) {
                differing.append(name)
            }
        }
        #expect(differing.isEmpty, "\(differing.count) names escaped otherwise, the first: \(differing.first ?? [])")
    }

    @Test func timesAsStrftimeWritesThem() {
        // Around the four-digit years' edges, before 1970, and today.
        let times: [Int64] = [0, -1, 59, 60, 86_399, -86_400, 1_764_510_000, 2_147_483_647, 2_147_483_648,
                              -30_610_224_001, -30_610_224_000, -30_610_137_601, 253_402_300_799, 253_402_300_800,
                              -62_135_596_800, 4_102_444_800]
        for seconds in times {
            var time = time_t(seconds)
            var parts = tm()
            var expected = Array(String(seconds).utf8)
            if localtime_r(&time, &parts) != nil {
                var buffer = [CChar](repeating: 0, count: 64)
                let length = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M", &parts)
                if length > 0 { expected = buffer[..<length].map { UInt8(bitPattern: $0) } }
            }
            #expect(TarLister.formatted(time: seconds) == expected, "\(seconds)")
        }
    }
}
