import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// What a chunk carries to its sink (`Chunk.context`), set by the cutter:
/// for `gzip -r` (`FileSetCutter`), the files of a batch or the part of a
/// large file, each with what went wrong reading it and its digest; and
/// the `FileLedger` of files taken and not finished.
@Suite struct ChunkContextTests {
    /// A task for the file at `path`, as the walk lists it.
    private func task(_ path: String) throws -> FileTask {
        var info = stat()
        try #require(stat(path, &info) == 0)
        return FileTask(source: SourceFile(path: Array(path.utf8), info: info), target: [], removesSource: false)
    }

    /// Every chunk `cutter` makes, in order.
    private func chunks(_ cutter: FileSetCutter) throws -> [Chunk<FileSetCutter.Unit>] {
        var all: [Chunk<FileSetCutter.Unit>] = []
        while let chunk = try cutter.nextChunk(admit: { _ in true }) { all.append(chunk) }
        return all
    }

    @Test func aBatchCarriesEachFilesProblemAndDigest() throws {
        let one = try TemporaryFile("context-one", containing: sampleText(100))
        let two = try TemporaryFile("context-two", containing: sampleText(300, seed: 2))
        defer { one.remove(); two.remove() }
        var tasks = [try task(one.path), try task(two.path), try task(two.path)]
        tasks[2].source.path = Array("/nonexistent/bale-context-gone".utf8)  // listed, then gone
        var queue = tasks[...]
        let ledger = FileLedger()
        let cutter = FileSetCutter(chunkSize: 1 << 20, makesDigests: true, ledger: ledger) { queue.popFirst() }
        let made = try chunks(cutter)
        try #require(made.count == 1)
        guard case .files(let reads) = made[0].context, case .compressPieces(let pieces) = made[0].request else {
            Issue.record("not a batch: \(made[0].context)")
            return
        }
        #expect(reads.map(\.index) == [0, 1, 2])
        #expect(reads[0].problem == nil && reads[1].problem == nil)
        #expect(reads[0].digest == SHA256.hash(sampleText(100)))
        #expect(reads[1].digest == SHA256.hash(sampleText(300, seed: 2)))
        guard case .unreadable? = reads[2].problem else { Issue.record("\(String(describing: reads[2].problem))"); return }
        #expect(pieces.pieces == [sampleText(100), sampleText(300, seed: 2), []])
        // Taken and not finished until the sink crosses them off.
        #expect(ledger.unfinished.count == 3)
        ledger.finish(0)
        ledger.finish(2)
        #expect(ledger.unfinished.map(\.source.path) == [tasks[1].source.path])
    }

    @Test func aLargeFileIsCutInPartsAndItsLastCarriesTheDigest() throws {
        let small = try TemporaryFile("context-small", containing: sampleText(10))
        let large = try TemporaryFile("context-large", containing: sampleText(2500, seed: 3))
        defer { small.remove(); large.remove() }
        var queue = [try task(small.path), try task(large.path), try task(small.path)][...]
        let cutter = FileSetCutter(chunkSize: 1000, makesDigests: true, ledger: FileLedger()) { queue.popFirst() }
        let made = try chunks(cutter)
        #expect(made.map(\.sequence) == [0, 1, 2, 3, 4])
        #expect(cutter.chunkCount == 5)
        // The large file ends the batch before it and is planned next.
        guard case .files(let first) = made[0].context else { Issue.record("\(made[0].context)"); return }
        #expect(first.map(\.index) == [0])
        var data: [UInt8] = []
        for (part, chunk) in made[1...3].enumerated() {
            guard case .part(let read, let placed) = chunk.context, case .compress(let bytes) = chunk.request else {
                Issue.record("not a part: \(chunk.context)")
                return
            }
            #expect(read.index == 1 && placed.index == UInt64(part) && placed.isLast == (part == 2) && read.problem == nil)
            #expect(placed.length == (part == 2 ? 500 : 1000))
            #expect(chunk.offset == Int64(part) * 1000)
            #expect(read.digest == (part == 2 ? SHA256.hash(sampleText(2500, seed: 3)) : nil))
            data += bytes
        }
        #expect(data == sampleText(2500, seed: 3))
        guard case .files(let last) = made[4].context else { Issue.record("\(made[4].context)"); return }
        #expect(last.map(\.index) == [2])
    }
}
