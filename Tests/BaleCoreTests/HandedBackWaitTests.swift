import Foundation
import Testing
@testable import BaleCore

/// A cutter waiting for files handed back is idle, not reading: the wait
/// is counted apart (`HandedBackFiles.waited`, `ChunkCutter.idleSeconds`),
/// and `--stats` takes it off the readers' busy time, whose share made its
/// verdict say "read-bound" at the end of a `sum` whose workers were busy.
struct HandedBackWaitTests {
    @Test func theWaitForFilesHandedBackIsCountedApart() throws {
        let files = HandedBackFiles()
        files.batchSent()
        let cutter = PathBatchCutter(batchFiles: 4, batchBytes: 1 << 22, workers: 2, handedBack: files) { nil }
        #expect(cutter.idleSeconds == 0)
        let giver = Thread {
            usleep(80_000)
            files.settle(givingBack: [SumItem(path: Array("big".utf8), size: 5_000_000, expected: nil)])
        }
        giver.start()
        let back = files.awaitMore()
        #expect(back?.count == 1)
        #expect(cutter.idleSeconds >= 0.07, "\(cutter.idleSeconds)")
        #expect(files.takeWaiting().isEmpty)
    }
}
