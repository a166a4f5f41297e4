import Testing
import Synchronization
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ReorderBufferTests {
    private func result(_ sequence: UInt64) -> ChunkResult<Void> {
        ChunkResult(sequence: sequence, reply: .compressed(member: [UInt8(sequence)]), inputLength: 1, context: ())
    }

    @Test func releasesResultsInSequenceOrder() {
        let buffer = ReorderBuffer<Void>(window: 8)
        var released: [UInt64] = []
        for sequence: UInt64 in [3, 1, 4, 0, 2, 5] {
            buffer.insert(result(sequence))
            while let ready = buffer.popNext() { released.append(ready.sequence) }
        }
        #expect(released == [0, 1, 2, 3, 4, 5])
        #expect(buffer.waitingCount == 0)
    }

    @Test func holdsBackUntilTheGapIsFilled() {
        let buffer = ReorderBuffer<Void>(window: 4)
        buffer.insert(result(1))
        buffer.insert(result(2))
        #expect(buffer.popNext() == nil)
        #expect(buffer.waitingCount == 2)
        buffer.insert(result(0))
        #expect(buffer.popNext()?.sequence == 0)
        #expect(buffer.popNext()?.sequence == 1)
    }

    @Test func admitBlocksBeyondTheWindow() {
        let buffer = ReorderBuffer<Void>(window: 2)
        #expect(buffer.admit(0))
        #expect(buffer.admit(1))
        let admitted = Atomic<Bool>(false)
        let reader = JoinableThread {
            _ = buffer.admit(2)
            admitted.store(true, ordering: .sequentiallyConsistent)
        }
        usleep(100_000)
        let admittedBefore = admitted.load(ordering: .sequentiallyConsistent)
        #expect(admittedBefore == false)
        buffer.insert(result(0))
        _ = buffer.popNext()
        reader.join()
        let admittedAfter = admitted.load(ordering: .sequentiallyConsistent)
        #expect(admittedAfter)
    }

    @Test func cancelReleasesWaitingReaders() {
        let buffer = ReorderBuffer<Void>(window: 1)
        let answer = Mutex<Bool?>(nil)
        let reader = JoinableThread { let ok = buffer.admit(5); answer.withLock { $0 = ok } }
        usleep(50_000)
        buffer.cancel()
        reader.join()
        #expect(answer.withLock { $0 } == false)
    }
}
