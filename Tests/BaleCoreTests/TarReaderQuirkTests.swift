import Testing
@testable import BaleCore

/// `TarReader` on archives made byte by byte: GNU sparse maps (old GNU
/// with an extension block, pax 1.0 with its map in the data) read the
/// same whatever the pieces the stream comes in, damaged maps refused,
/// and the number formats other tars write (base 256, negative pax times,
/// signed checksums). The end-to-end suite `TarReadingTests` compares the
/// same cases with GNU tar's own reading.
@Suite struct TarReaderQuirkTests {
    /// What the reader reports: entries, each one's content with holes
    /// filled in (and how many bytes came as holes), and the error.
    struct Recorder: TarReader.Handler {
        var entries: [TarEntry] = []
        var contents: [[UInt8]] = []
        var holeBytes: [Int64] = []
        mutating func begin(_ entry: TarEntry) throws(BaleError) {
            entries.append(entry)
            contents.append([])
            holeBytes.append(0)
        }
        mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) { contents[contents.count - 1] += bytes }
        mutating func hole(_ length: Int64) throws(BaleError) {
            contents[contents.count - 1] += [UInt8](repeating: 0, count: Int(length))
            holeBytes[holeBytes.count - 1] += length
        }
        mutating func end() throws(BaleError) {}
        mutating func finish() -> [Diagnostic] { [] }
    }

    /// Reads `stream` in pieces of `piece` bytes; the recorder, and the error if any.
    static func read(_ stream: [UInt8], piece: Int) -> (Recorder, BaleError?, TarReader) {
        var reader = TarReader(archiveName: "t.tar")
        var recorder = Recorder()
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + piece)
            let piece = Array(stream[offset..<end])
            let failure: BaleError? = piece.withUnsafeBytes { bytes in
                do throws(BaleError) {
                    try reader.feed(bytes, to: &recorder)
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { return (recorder, failure, reader) }
            offset = end
        }
        return (recorder, nil, reader)
    }

    /// A ustar header, then `patch` applied and the checksum recomputed.
    static func header(_ name: String, type: Character = "0", size: Int64, patch: (inout [UInt8]) -> Void = { _ in })
        -> [UInt8] {
        var block = TarHeader.ustar(
            prefix: [], name: Array(name.utf8), mode: 0o644, userID: 0, groupID: 0, size: size,
            modificationSeconds: 0, typeFlag: UInt8(ascii: type.unicodeScalars.first!), linkName: [], userName: [],
            groupName: [], major: 0, minor: 0)
        patch(&block)
        reseal(&block)
        return block
    }

    static func reseal(_ block: inout [UInt8]) {
        for index in 148..<156 { block[index] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int($1) }
        let text = Array(String(sum, radix: 8).utf8)
        block.replaceSubrange(148..<156, with: [UInt8](repeating: UInt8(ascii: "0"), count: 6 - text.count) + text + [0, 32])
    }

    static func octal(_ value: Int64, width: Int) -> [UInt8] {
        let text = Array(String(value, radix: 8).utf8)
        return [UInt8](repeating: UInt8(ascii: "0"), count: width - 1 - text.count) + text + [0]
    }

    static func padded(_ bytes: [UInt8]) -> [UInt8] { bytes + [UInt8](repeating: 0, count: TarHeader.padding(bytes.count)) }

    /// An old GNU sparse file: 4 regions in the header, 2 more in an
    /// extension block, a hole at the end.
    static func oldGNUSparse() -> (stream: [UInt8], original: [UInt8]) {
        let regions: [(Int64, [UInt8])] = [(0, Array("start".utf8)), (1000, [1, 2, 3]), (5000, Array("mid".utf8)),
                                           (9000, [9]), (20000, Array("fifth".utf8)), (30000, Array("six".utf8))]
        let realSize: Int64 = 40000
        var original = [UInt8](repeating: 0, count: Int(realSize))
        for (offset, bytes) in regions { original.replaceSubrange(Int(offset)..<(Int(offset) + bytes.count), with: bytes) }
        let data = regions.flatMap { $0.1 }
        func put(_ block: inout [UInt8], _ slot: Int, from start: Int, _ region: (Int64, [UInt8])) {
            block.replaceSubrange((start + 24 * slot)..<(start + 24 * slot + 12), with: octal(region.0, width: 12))
            block.replaceSubrange((start + 24 * slot + 12)..<(start + 24 * slot + 24), with: octal(Int64(region.1.count), width: 12))
        }
        let head = header("sparse", type: "S", size: Int64(data.count)) { block in
            block.replaceSubrange(257..<265, with: Array("ustar  \0".utf8))
            for slot in 0..<4 { put(&block, slot, from: 386, regions[slot]) }
            block[482] = 1
            block.replaceSubrange(483..<495, with: octal(realSize, width: 12))
        }
        var extensionBlock = [UInt8](repeating: 0, count: 512)
        put(&extensionBlock, 0, from: 0, regions[4])
        put(&extensionBlock, 1, from: 0, regions[5])
        let after = header("after", size: 2) + padded(Array("ok".utf8))
        return (head + extensionBlock + padded(data) + after + TarHeader.endOfArchive, original)
    }

    /// A pax 1.0 sparse file: real name and size in pax records, the map
    /// at the start of the data.
    static func pax10Sparse(map: String = "2\n10\n3\n600\n2\n", data: [UInt8] = Array("abcde".utf8),
                            realSize: String = "1000") -> [UInt8] {
        var body: [UInt8] = []
        for (key, value) in [("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0"), ("GNU.sparse.name", "real/name"),
                             ("GNU.sparse.realsize", realSize)] {
            body += TarHeader.record(key: key, value: Array(value.utf8))
        }
        let stored = padded(Array(map.utf8)) + data
        return header("PaxHeaders/x", type: "x", size: Int64(body.count)) + padded(body)
            + header("GNUSparseFile.1/name", size: Int64(stored.count)) + padded(stored) + TarHeader.endOfArchive
    }

    @Test(arguments: [1, 7, 24, 512, 513, 1 << 20])
    func oldGNUSparseReadsInAnyPieces(piece: Int) {
        let (stream, original) = Self.oldGNUSparse()
        let (recorder, error, reader) = Self.read(stream, piece: piece)
        #expect(error == nil)
        #expect(reader.isFinished)
        #expect(recorder.entries.map(\.displayName) == ["sparse", "after"])
        #expect(recorder.entries[0].size == 40000 && recorder.entries[0].isSparse)
        #expect(recorder.contents[0] == original)
        #expect(recorder.holeBytes[0] == 40000 - 20)
        #expect(recorder.contents[1] == Array("ok".utf8))
    }

    @Test(arguments: [1, 3, 512, 1 << 20])
    func pax10SparseReadsInAnyPieces(piece: Int) {
        let (recorder, error, _) = Self.read(Self.pax10Sparse(), piece: piece)
        #expect(error == nil)
        #expect(recorder.entries.map(\.displayName) == ["real/name"])
        #expect(recorder.entries[0].size == 1000)
        var expected = [UInt8](repeating: 0, count: 1000)
        expected.replaceSubrange(10..<13, with: Array("abc".utf8))
        expected.replaceSubrange(600..<602, with: Array("de".utf8))
        #expect(recorder.contents[0] == expected)
        #expect(recorder.holeBytes[0] == 995)
    }

    /// Maps that do not fit the data or the size, or go backwards, or
    /// hold what is not a number: refused, never read out of bounds.
    @Test(arguments: [
        ("2\n10\n3\n600\n2\n", "601"),        // a region past the real size
        ("2\n10\n3\n600\n3\n", "1000"),       // lengths add up to more than the data
        ("2\n600\n3\n10\n2\n", "1000"),       // regions out of order
        ("2\n10\nx\n600\n2\n", "1000"),       // not a number
        ("9999999999999\n", "1000"),           // more regions than allowed
        ("1\n99999999999999999999\n1\n", "1000"),  // beyond 64 bits
        ("2\n10\n3\n600\n2\n", "-5"),         // a negative size
    ])
    func badSparseMapsAreRefused(map: String, realSize: String) {
        let (_, error, _) = Self.read(Self.pax10Sparse(map: map, realSize: realSize), piece: 100)
        guard case .badArchive? = error else {
            Issue.record("accepted: \(String(describing: error))")
            return
        }
    }

    @Test func numberFormats() {
        func field(_ bytes: [UInt8]) -> [UInt8] { bytes + [UInt8](repeating: 0, count: 12 - bytes.count) }
        #expect(TarReader.octalOrBase256(field(Array("0000000017".utf8)), 0, 12) == 15)
        #expect(TarReader.octalOrBase256(field(Array("  17 ".utf8)), 0, 12) == 15)
        // Blanks alone are no number (GNU tar: "Blanks in header where numeric value expected");
        // blanks then a NUL, or NULs, are 0, as there.
        #expect(TarReader.octal(Array("            ".utf8), 0, 12) == -1)
        #expect(TarReader.octal(field(Array("    ".utf8)), 0, 12) == 0)
        #expect(TarReader.octal([UInt8](repeating: 0, count: 12), 0, 12) == 0)
        #expect(TarReader.octalOrBase256([0x80] + [UInt8](repeating: 0, count: 10) + [5], 0, 12) == 5)
        #expect(TarReader.octalOrBase256([UInt8](repeating: 0xFF, count: 12), 0, 12) == -1)
        #expect(TarReader.octalOrBase256([0xFF] + [UInt8](repeating: 0xFF, count: 10) + [0xF0], 0, 12) == -16)
        #expect(TarReader.octalOrBase256([0x80] + [UInt8](repeating: 0xFF, count: 11), 0, 12) == Int64.max)
        #expect(throws: TarReader.OutOfRange.self) { try TarReader.base256([0x80] + [UInt8](repeating: 0xFF, count: 11), 0, 12).get() }
        #expect(TarReader.parseTime(Array("1600000000.5".utf8))! == (1_600_000_000, 500_000_000))
        #expect(TarReader.parseTime(Array("-1.5".utf8))! == (-2, 500_000_000))
        #expect(TarReader.parseTime(Array("-3".utf8))! == (-3, 0))
        // Past the nanosecond, toward the past, as GNU tar rounds (a
        // reading helper: cut toward zero, -0.9999999999 was -0.999999999).
        #expect(TarReader.parseTime(Array("-0.9999999999".utf8))! == (-1, 0))
        #expect(TarReader.parseTime(Array("-1.0000000001".utf8))! == (-2, 999_999_999))
        #expect(TarReader.parseTime(Array("-1.0000000000".utf8))! == (-1, 0))
        #expect(TarReader.parseTime(Array("1.9999999999".utf8))! == (1, 999_999_999))
        // GNU tar's whole range: -2^63 too (refused before: its magnitude is no Int64).
        #expect(TarReader.parseTime(Array("-9223372036854775808".utf8))! == (Int64.min, 0))
        #expect(TarReader.parseTime(Array("-9223372036854775807.5".utf8))! == (Int64.min, 500_000_000))
        #expect(TarReader.parseTime(Array("-9223372036854775808.5".utf8)) == nil)
        #expect(TarReader.parseTime(Array("-9223372036854775809".utf8)) == nil)
        #expect(TarReader.parseTime(Array("9223372036854775807".utf8))! == (Int64.max, 0))
        #expect(TarReader.parseTime(Array("-0.5".utf8))! == (-1, 500_000_000))
        #expect(TarReader.parseTime(Array("--5".utf8)) == nil)
        #expect(TarReader.parseTime(Array("1.0000000019".utf8))! == (1, 1))
        #expect(TarReader.parseTime(Array("99999999999999999999".utf8)) == nil)
        #expect(TarReader.parseTime(Array("12abc".utf8)) == nil)
        #expect(TarReader.parseTime(Array("".utf8)) == nil)
        #expect(TarReader.parseTime(Array("5.".utf8))! == (5, 0))
        #expect(TarReader.parseTime(Array("5.25".utf8))! == (5, 250_000_000))
        #expect(TarReader.parseTime(Array("1.2.3".utf8)) == nil)
        #expect(TarReader.parseTime(Array("1.x".utf8)) == nil)
        #expect(TarReader.parseTime(Array("+1".utf8)) == nil)
        #expect(TarReader.parseTime(Array("-".utf8)) == nil)
    }

    /// The checksum as POSIX defines it, byte by byte, against the
    /// reader's word-at-a-time sums: random blocks (bytes of every value,
    /// all high, all zero) with their unsigned sum, their signed sum, and
    /// a sum one off written in the field.
    @Test func checksumsAgreeWithTheDefinition() {
        var generator = SystemRandomNumberGenerator()
        func sums(_ block: [UInt8]) -> (unsigned: Int, signed: Int) {
            var unsigned = 0, signed = 0
            for (index, byte) in block.enumerated() {
                let value = (148..<156).contains(index) ? 32 : byte
                unsigned += Int(value)
                signed += Int(Int8(bitPattern: value))
            }
            return (unsigned, signed)
        }
        func withField(_ block: [UInt8], _ value: Int) -> [UInt8] {
            var block = block
            let text = Array(String(value, radix: 8).utf8)
            guard text.count <= 7, value >= 0 else { return block }
            block.replaceSubrange(148..<156, with: [UInt8](repeating: UInt8(ascii: "0"), count: 7 - text.count) + text + [0])
            return block
        }
        var blocks: [[UInt8]] = [[UInt8](repeating: 0xFF, count: 512), [UInt8](repeating: 0x80, count: 512),
                                 [UInt8](repeating: 0x7F, count: 512), [UInt8](repeating: 1, count: 512)]
        for _ in 0..<200 { blocks.append((0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        for _ in 0..<100 { blocks.append((0..<512).map { _ in UInt8.random(in: 0...127, using: &generator) }) }
        for block in blocks {
            let (unsigned, signed) = sums(block)
            #expect(TarReader.checksumMatches(withField(block, unsigned)))
            if signed >= 0 { #expect(TarReader.checksumMatches(withField(block, signed))) }
            if unsigned + 1 != signed { #expect(!TarReader.checksumMatches(withField(block, unsigned + 1))) }
        }
    }

    /// A block whose checksum field holds no number is no header, whatever
    /// its bytes sum to: random bytes, their signed sum made -1 (what a
    /// field that is no number was read as) or 0 (a field of spaces), as
    /// the first block of about one gzip file in 4,000 sums.
    @Test func aChecksumFieldThatIsNoNumberMatchesNothing() {
        var generator = SystemRandomNumberGenerator()
        func signedSum(_ block: [UInt8]) -> Int {
            block.enumerated().reduce(0) { $0 + ((148..<156).contains($1.offset) ? 32 : Int(Int8(bitPattern: $1.element))) }
        }
        for field in [[UInt8]("zq\u{1}\u{7f}x9!*".utf8), [UInt8](repeating: 32, count: 8), [UInt8](repeating: 0, count: 8),
                      [UInt8]("  8     ".utf8), [0xC3, 0x80, 0, 0, 0, 0, 0, 0]] {
            for target in [-1, 0] {
                for _ in 0..<50 {
                    var block = (0..<512).map { _ in UInt8.random(in: 1...255, using: &generator) }
                    block.replaceSubrange(148..<156, with: field)
                    // Bytes outside the field moved (as signed values) until the sum is the target.
                    var missing = target - signedSum(block)
                    for index in 0..<512 where missing != 0 && !(148..<156).contains(index) {
                        let value = Int(Int8(bitPattern: block[index]))
                        let moved = missing > 0 ? min(missing, 127 - value) : max(missing, -128 - value)
                        block[index] = UInt8(bitPattern: Int8(value + moved))
                        missing -= moved
                    }
                    #expect(signedSum(block) == target)
                    #expect(!TarReader.checksumMatches(block), "field \(field), sum \(target)")
                }
            }
        }
    }

    /// A checksum summed over signed bytes (a name with bytes over 127)
    /// is accepted, as GNU tar accepts it; a wrong one is refused.
    @Test func signedChecksums() {
        var block = Self.header("é", size: 0)
        var signed = 0
        for index in 0..<512 { signed += (148..<156).contains(index) ? 32 : Int(Int8(bitPattern: block[index])) }
        let text = Array(String(signed, radix: 8).utf8)
        block.replaceSubrange(148..<156, with: [UInt8](repeating: UInt8(ascii: "0"), count: 6 - text.count) + text + [0, 32])
        #expect(TarReader.checksumMatches(block))
        block[0] ^= 1
        #expect(!TarReader.checksumMatches(block))
    }
}
