import Testing
@testable import BaleCore

/// Records what a `TarReader` reports.
struct RecordingHandler: TarReader.Handler {
    var entries: [TarEntry] = []
    var contents: [[UInt8]] = []
    mutating func begin(_ entry: TarEntry) throws(BaleError) {
        entries.append(entry)
        contents.append([])
    }
    mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        contents[contents.count - 1] += bytes
    }
    mutating func end() throws(BaleError) {}
    mutating func finish() -> [Diagnostic] { [] }
}

@Suite struct TarTests {
    private func entry(_ name: String, size: Int64 = 0, kind: TarEntry.Kind = .file) -> TarEntry {
        var entry = TarEntry(name: Array(name.utf8), kind: kind, mode: 0o640,
                             userID: 1000, groupID: 100, modificationSeconds: 1_700_000_000)
        entry.size = size
        entry.userName = Array("alice".utf8)
        entry.groupName = Array("users".utf8)
        return entry
    }

    /// Encodes entries with their contents, then reads them back in pieces of `piece` bytes.
    private func roundTrip(_ items: [(TarEntry, [UInt8])], piece: Int) throws -> RecordingHandler {
        var stream: [UInt8] = []
        for (entry, content) in items {
            stream += TarHeader.encode(entry) + content
            stream += [UInt8](repeating: 0, count: TarHeader.padding(content.count))
        }
        stream += TarHeader.endOfArchive
        var reader = TarReader(archiveName: "test.tar")
        var handler = RecordingHandler()
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + piece)
            try stream[offset..<end].withUnsafeBytes { raw in
                try typedThrows(BaleError.self) { try reader.feed(raw, to: &handler) }
            }
            offset = end
        }
        #expect(reader.isFinished)
        return handler
    }

    @Test(arguments: [1, 511, 512, 4096])
    func headersRoundTripThroughTheReader(piece: Int) throws {
        var long = entry(String(repeating: "d", count: 120) + "/" + String(repeating: "ñ", count: 90))
        long.modificationNanoseconds = 123_456_789
        var link = entry("link", kind: .symbolicLink)
        link.linkTarget = Array(String(repeating: "t", count: 300).utf8)
        let split = entry(String(repeating: "p", count: 140) + "/" + String(repeating: "n", count: 90))
        let items: [(TarEntry, [UInt8])] = [
            (entry("plain.txt", size: 5), Array("hello".utf8)),
            (long, []), (link, []), (split, []),
            (entry("dir/", kind: .directory), []),
        ]
        let handler = try roundTrip(items, piece: piece)
        #expect(handler.entries.map(\.name) == items.map(\.0.name))
        #expect(handler.contents[0] == Array("hello".utf8))
        #expect(handler.entries[1].modificationNanoseconds == 123_456_789)
        #expect(handler.entries[2].linkTarget == link.linkTarget)
        #expect(handler.entries[4].kind == .directory)
        #expect(handler.entries.allSatisfy { $0.userName == Array("alice".utf8) && $0.mode == 0o640 })
    }

    @Test func paxIsUsedOnlyWhereUstarCannotHoldAField() {
        #expect(TarHeader.encode(entry("short")).count == 512)
        let split = entry(String(repeating: "p", count: 140) + "/" + String(repeating: "n", count: 90))
        #expect(TarHeader.encode(split).count == 512)   // ustar's prefix field holds it
        #expect(TarHeader.encode(entry(String(repeating: "x", count: 101))).count > 512)
        var huge = entry("big", size: 9 << 30)
        #expect(TarHeader.encode(huge).count > 512)
        huge.size = (8 << 30) - 1
        #expect(TarHeader.encode(huge).count == 512)
    }

    /// A sparse file whose map and data take 8 GiB or more has a "size"
    /// record; python's tarfile applies a pax header's records in order,
    /// and with "size" before "GNU.sparse.realsize" it skipped the entry's
    /// data by the real size and lost every entry after it (exit 0). GNU
    /// tar's order: the sparse records first.
    @Test func aSparseFilesRecordsComeBeforeItsSize() {
        let sparse = entry("dir/holes", size: 12 << 30)
        let (header, _) = TarHeader.encodeSparse(sparse, regions: [(offset: 0, length: 9 << 30), (offset: 11 << 30, length: 4096)])
        let text = String(decoding: header.prefix(1024), as: UTF8.self)
        let realSize = text.range(of: " GNU.sparse.realsize=\(12 << 30)\n")
        let size = text.range(of: " size=\((9 << 30) + 4096 + 512)\n")
        #expect(realSize != nil && size != nil && realSize!.lowerBound < size!.lowerBound, "\(text)")
    }

    @Test func paxRecordLengthsCountThemselves() {
        for length in [1, 5, 90, 93, 94, 995, 996] {
            let record = TarHeader.record(key: "path", value: Array(repeating: UInt8(ascii: "a"), count: length))
            let prefix = record.prefix { $0 != UInt8(ascii: " ") }
            #expect(Int(String(decoding: prefix, as: UTF8.self)) == record.count)
        }
    }

    @Test func damagedHeadersAreRefused() throws {
        var header = TarHeader.encode(entry("a", size: 0))
        header[0] = UInt8(ascii: "b")  // checksum no longer matches
        var reader = TarReader(archiveName: "bad.tar")
        var handler = RecordingHandler()
        #expect(throws: BaleError.self) {
            try header.withUnsafeBytes { raw in try typedThrows(BaleError.self) { try reader.feed(raw, to: &handler) } }
        }
    }
}
