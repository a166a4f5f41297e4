import Testing
@testable import BaleCore

/// How a feeder claims a slot for its chunk's result
/// (`SharedArena.claimSlot(for:)`, `WorkRequest.placingResult(in:)`): the
/// slot its own worker used last before any other, so a worker maps in
/// the pages of few slots, and a freed one before one never used, so a
/// job allocates the pages of few slots; only the file-range requests
/// without a region take one, and an inflate only if its data fits.
@Suite struct ArenaSlotClaimTests {
    private static let small = SharedArena.Layout(slots: 4, inputPart: 64 << 10, outputPart: 80 << 10)

    @Test func aWorkerGetsBackTheSlotItUsedLast() throws {
        let arena = try SharedArena(layout: Self.small)
        var first = arena.claimSlot(for: 0)
        var second = arena.claimSlot(for: 1)
        let firstIndex = try #require(first).index
        let secondIndex = try #require(second).index
        // Worker 1's slot is freed last: plain LIFO would hand it to worker 0.
        first = nil
        second = nil
        _ = (first, second)
        let again = try #require(arena.claimSlot(for: 0))
        #expect(again.index == firstIndex)
        let other = try #require(arena.claimSlot(for: 1))
        #expect(other.index == secondIndex)
    }

    @Test func aWorkerWithoutAFreeSlotOfItsOwnTakesTheOneFreedLast() throws {
        let arena = try SharedArena(layout: Self.small)
        var used = [arena.claimSlot(for: 0), arena.claimSlot(for: 0)].compactMap { $0 }
        let freedLast = used[0].index
        used.removeLast()
        used.removeLast()  // freed last
        // Worker 1 has used none: it gets one of worker 0's (pages already
        // allocated), the one freed last, not one never touched.
        let claimed = try #require(arena.claimSlot(for: 1))
        #expect(claimed.index == freedLast)
        #expect(arena.freeSlots == Self.small.slots - 1)
    }

    @Test func onlyAFileRangeWithoutARegionIsPlacedInASlot() throws {
        let arena = try SharedArena(layout: Self.small)
        let slot = try #require(arena.claimSlot(for: 0))
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
