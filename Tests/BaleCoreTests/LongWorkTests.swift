import Testing
@testable import BaleCore

/// `bale sum` of a few large files: each large file is a chunk of long
/// work (`Chunk.isLongWork`), and a worker holding one takes nothing else
/// (`InFlightChunks`), so the next file goes to another worker.
@Suite struct LongWorkTests {
    func chunk(_ sequence: UInt64, long: Bool = false) -> Chunk<Void> {
        Chunk(sequence: sequence, offset: 0, request: .compress(data: [1]), context: (), isLongWork: long)
    }

    @Test func aWorkerKeepsTwoShortChunksInFlight() {
        let inFlight = InFlightChunks<Void>(capacity: 2)
        #expect(inFlight.hasRoom)
        inFlight.append(chunk(0))
        #expect(inFlight.hasRoom)
        inFlight.append(chunk(1))
        #expect(!inFlight.hasRoom)
    }

    @Test func aWorkerWithLongWorkTakesNothingElseUntilItIsDone() {
        let inFlight = InFlightChunks<Void>(capacity: 2)
        inFlight.append(chunk(0, long: true))
        #expect(!inFlight.hasRoom)
        inFlight.removeFirst()
        #expect(inFlight.hasRoom)
        // Long work after a short chunk: room again only once both are done.
        inFlight.append(chunk(1))
        inFlight.append(chunk(2, long: true))
        inFlight.removeFirst()
        #expect(!inFlight.hasRoom)
        inFlight.removeFirst()
        #expect(inFlight.hasRoom)
    }

    @Test func aFileLargerThanABatchIsLongWorkAndSmallBatchesAreNot() throws {
        // Handed over in two groups: a batch spans them, a large file in
        // the middle of one is cut out alone.
        var groups = [[SumItem(path: Array("a".utf8), size: 10, expected: nil)],
                      [SumItem(path: Array("b".utf8), size: 20, expected: nil),
                       SumItem(path: Array("big".utf8), size: 5_000, expected: nil),
                       SumItem(path: Array("c".utf8), size: 30, expected: nil)]]
        groups.reverse()
        let cutter = PathBatchCutter(batchFiles: 64, batchBytes: 1_000, workers: 2) { groups.popLast() }
        var batches: [([String], Bool)] = []
        while let chunk = try cutter.nextChunk(admit: { _ in true }) {
            batches.append((chunk.context.map { String(decoding: $0.path, as: UTF8.self) }, chunk.isLongWork))
        }
        #expect(batches.map(\.0) == [["a", "b"], ["big"], ["c"]])
        #expect(batches.map(\.1) == [false, true, false])
    }

    /// Of L large files on W workers, min(L / 2, L - W) pairs, each of two
    /// files next to each other in the list: two on two workers stay one
    /// to a worker, three make a pair and one alone, four two pairs; a
    /// small file between two large ones keeps them apart.
    @Test(arguments: [
        (["L1", "L2"], 2, [["L1"], ["L2"]]),
        (["L1", "L2", "L3"], 2, [["L1", "L2"], ["L3"]]),
        (["L1", "L2", "L3", "L4"], 2, [["L1", "L2"], ["L3", "L4"]]),
        (["L1", "L2", "L3", "L4"], 4, [["L1"], ["L2"], ["L3"], ["L4"]]),
        (["L1", "L2", "L3", "L4"], 1, [["L1", "L2"], ["L3", "L4"]]),
        (["L1", "s", "L2", "L3", "L4"], 2, [["L1"], ["s"], ["L2", "L3"], ["L4"]]),
    ])
    func largeFilesArePairedWhenEveryWorkerGetsWork(names: [String], workers: Int, expected: [[String]]) throws {
        var groups = [names.map { SumItem(path: Array($0.utf8), size: $0.hasPrefix("L") ? 5_000 : 10, expected: nil) }]
        let cutter = PathBatchCutter(batchFiles: 64, batchBytes: 1_000, workers: workers) { groups.popLast() }
        var batches: [[String]] = []
        var long: [Bool] = []
        while let chunk = try cutter.nextChunk(admit: { _ in true }) {
            batches.append(chunk.context.map { String(decoding: $0.path, as: UTF8.self) })
            long.append(chunk.isLongWork)
        }
        #expect(batches == expected)
        #expect(long == expected.map { $0.allSatisfy { $0.hasPrefix("L") } })
    }
}
