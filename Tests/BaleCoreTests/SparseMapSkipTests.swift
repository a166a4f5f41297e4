import Testing
@testable import BaleCore

/// `TarReader` reading a whole stream (`skipsDamagedHeaders`) past a pax
/// 1.0 sparse file whose map, at the start of its data, cannot be used:
/// whatever the pieces the stream comes in, the entry is named once and
/// never begun, and the entry after it is read whole. (It stopped the
/// whole stream.)
@Suite struct SparseMapSkipTests {
    @Test(arguments: [1, 3, 511, 512, 513, 1 << 20])
    func anUnusableMapInTheDataSkipsItsEntryInAnyPieces(piece: Int) {
        let spoiled = TarReaderQuirkTests.pax10Sparse(map: "2\n10\nx\n600\n2\n")
        let after = TarReaderQuirkTests.header("after", size: 2) + TarReaderQuirkTests.padded(Array("ok".utf8))
        let stream = Array(spoiled.dropLast(TarHeader.endOfArchive.count)) + after + TarHeader.endOfArchive
        var reader = TarReader(archiveName: "t.tar", skipsDamagedHeaders: true)
        var recorder = TarReaderQuirkTests.Recorder()
        var failure: BaleError?
        for start in stride(from: 0, to: stream.count, by: piece) where failure == nil {
            Array(stream[start..<min(stream.count, start + piece)]).withUnsafeBytes { bytes in
                do throws(BaleError) { try reader.feed(bytes, to: &recorder) } catch { failure = error }
            }
        }
        #expect(failure == nil)
        #expect(reader.isFinished)
        #expect(recorder.entries.map(\.displayName) == ["after"])
        #expect(recorder.contents == [Array("ok".utf8)])
        #expect(reader.warnings.map(\.severity) == [.error])
        #expect(reader.warnings.first?.path == "t.tar: real/name")
        #expect(reader.warnings.first?.cause.hasPrefix("invalid sparse file at byte 1024 of the tar stream (bad sparse map)") == true)
    }
}
