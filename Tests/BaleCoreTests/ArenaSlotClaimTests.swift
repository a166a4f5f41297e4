import Testing
@testable import BaleCore
#if canImport(Glibc)
import Glibc
#endif

/// How a feeder claims a slot for its chunk's result
/// (`SharedArena.claimSlot(for:keeping:)`, `WorkRequest.placingResult(in:)`):
/// the slot its own worker used last before any other, and no more slots
/// for a worker than it keeps (its chunks in flight and its last result),
/// so that each worker maps in the pages of few slots; a slot never used
/// before another worker's while it has fewer; only the file-range requests
/// without a region take one, and an inflate only if its data fits.
@Suite struct ArenaSlotClaimTests {
    private static let small = SharedArena.Layout(slots: 4, inputPart: 64 << 10, outputPart: 80 << 10)

    @Test func aWorkerGetsBackTheSlotItUsedLast() throws {
        let arena = try SharedArena(layout: Self.small)
        var first = arena.claimSlot(for: 0, keeping: 2)
        var second = arena.claimSlot(for: 1, keeping: 2)
        let firstIndex = try #require(first).index
        let secondIndex = try #require(second).index
        // Worker 1's slot is freed last: plain LIFO would hand it to worker 0.
        first = nil
        second = nil
        _ = (first, second)
        let again = try #require(arena.claimSlot(for: 0, keeping: 2))
        #expect(again.index == firstIndex)
        let other = try #require(arena.claimSlot(for: 1, keeping: 2))
        #expect(other.index == secondIndex)
    }

    @Test func aWorkerWithFewerSlotsThanItKeepsTakesOneNeverUsed() throws {
        let arena = try SharedArena(layout: Self.small)
        var used = [arena.claimSlot(for: 0, keeping: 2), arena.claimSlot(for: 0, keeping: 2)].compactMap { $0 }
        let workerZero = Set(used.map(\.index))
        used.removeAll()
        _ = used
        // Worker 1 has had none: a slot of its own that no worker has
        // mapped, not one of worker 0's (which worker 0 would then miss).
        let claimed = try #require(arena.claimSlot(for: 1, keeping: 2))
        #expect(!workerZero.contains(claimed.index))
        #expect(arena.freeSlots == Self.small.slots - 1)
    }

    @Test func aWorkerWithAllItKeepsInUseWaitsForOneOfThem() throws {
        let arena = try SharedArena(layout: Self.small)
        let first = try #require(arena.claimSlot(for: 0, keeping: 2))
        let second = Holder(try #require(arena.claimSlot(for: 0, keeping: 2)))
        let secondIndex = try #require(second.slot).index
        // Freed by another thread while worker 0's feeder waits: the feeder
        // gets it back, though two slots were free all along.
        let freeing = JoinableThread(name: "test-freeing") {
            usleep(50_000)
            second.slot = nil
        }
        let claimed = try #require(arena.claimSlot(for: 0, keeping: 2, patience: 10))
        #expect(claimed.index == secondIndex)
        freeing.join()
        _ = first
    }

    /// A slot handed to another thread to let go of.
    private final class Holder: @unchecked Sendable {  // `slot` set on one thread, then let go on the other
        var slot: ArenaSlot?
        init(_ slot: ArenaSlot) { self.slot = slot }
    }

    @Test func aWaitForItsOwnSlotEndsAfterItsPatience() throws {
        let arena = try SharedArena(layout: Self.small)
        let held = [arena.claimSlot(for: 0, keeping: 2), arena.claimSlot(for: 0, keeping: 2)].compactMap { $0 }
        let started = RunSummary.now()
        let other = try #require(arena.claimSlot(for: 0, keeping: 2, patience: 0.05), "a free slot, after the wait")
        let waited = RunSummary.now() - started
        #expect(waited >= 0.04, "it waited \(waited) s for a slot of its own first")
        #expect(!held.map(\.index).contains(other.index))
        let last = try #require(arena.claimSlot(for: 0, keeping: 2, patience: 0.01))
        #expect(arena.claimSlot(for: 0, keeping: 2, patience: 0.01) == nil, "none free at all")
        _ = last
    }

    @Test func onlyAFileRangeWithoutARegionIsPlacedInASlot() throws {
        let arena = try SharedArena(layout: Self.small)
        let slot = try #require(arena.claimSlot(for: 0, keeping: 2))
        let range = FileRange(fd: 0, offset: 0, length: 10)
        let compress = try #require(WorkRequest.compressFileRange(range, output: nil).placingResult(in: slot))
        guard case .compressFileRange(_, let output?) = compress else {
            Issue.record("not placed: \(compress)")
            return
        }
        #expect(output == slot.region(inputLength: 0))
        let fits = WorkRequest.inflateFileRange(range, expectedLength: slot.output.count, output: nil)
        #expect(fits.placingResult(in: slot) != nil)
        let tooLarge = WorkRequest.inflateFileRange(range, expectedLength: slot.output.count + 1, output: nil)
        #expect(tooLarge.placingResult(in: slot) == nil, "data larger than the slot comes back in the frame")
        #expect(compress.placingResult(in: slot) == nil, "a request placed already keeps its region")
        #expect(WorkRequest.inflate(member: [1, 2], expectedLength: 3).placingResult(in: slot) == nil)
    }
}
