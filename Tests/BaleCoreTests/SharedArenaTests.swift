import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// The arena bale shares with its workers (`SharedArena`): a slot is
/// freed by the end of its owner on every path (a chunk dropped, a result
/// written, a job that fails), output through the arena is the same bytes
/// as through the pipes, and a reply that names bytes past its slot, or
/// in the arena for a chunk that has none, is refused as a broken worker.
@Suite struct SharedArenaTests {
    init() { _ = ignoreBrokenPipes }

    private static let small = SharedArena.Layout(slots: 3, inputPart: 64 << 10, outputPart: 80 << 10)

    @Test func aSlotIsFreedWhenItsLastOwnerEnds() throws {
        let arena = try SharedArena(layout: Self.small)
        var slots = [arena.claimSlot(), arena.claimSlot(), arena.claimSlot()].compactMap { $0 }
        #expect(slots.count == 3 && Set(slots.map(\.index)).count == 3)
        #expect(arena.claimSlot() == nil, "every slot is taken")
        // A slot held by a chunk and by its result stays taken until both are gone.
        let slot = slots.removeLast()
        var chunk: Chunk<Void>? = Chunk(sequence: 0, offset: 0, request: .compressInArena(slot.region(inputLength: 1)),
                                        slot: slot)
        var result: WorkReply? = .compressedInArena(member: try #require(ArenaBytes(slot: slot, count: 5)))
        _ = consume slot
        #expect(arena.freeSlots == 0)
        chunk = nil
        #expect(arena.freeSlots == 0, "the result still holds it")
        result = nil
        #expect(arena.freeSlots == 1)
        _ = (chunk, result)
        slots.removeAll()
        #expect(arena.freeSlots == 3)
    }

    /// `unmapWhenIdle` (a retired pool's last step) leaves an arena whose
    /// slot is still held mapped, its bytes readable, and unmaps it when
    /// that slot is freed; no slot can be claimed after the call, for a
    /// worker or not.
    @Test func anArenaIsUnmappedOnlyWhenNoSlotIsHeld() throws {
        let arena = try SharedArena(layout: Self.small)
        var held = arena.claimSlot()
        held?.input[0] = 42
        arena.unmapWhenIdle()
        #expect(held?.input[0] == 42 && !arena.isUnmapped, "still mapped while a slot is held")
        #expect(arena.claimSlot() == nil && arena.claimSlot(for: 0) == nil, "no claim once closing")
        #expect(arena.freeSlots == 2)
        held = nil
        _ = held
        #expect(arena.freeSlots == 3 && arena.isUnmapped, "unmapped as the last slot held is freed")
        arena.unmapWhenIdle()  // once only
        let idle = try SharedArena(layout: Self.small)
        idle.unmapWhenIdle()
        #expect(idle.isUnmapped && idle.claimSlot() == nil)
    }

    @Test func aRegionSurvivesItsFrame() throws {
        let region = ArenaRegion(inputOffset: 5 << 20, inputLength: 4 << 20, outputOffset: 7, outputCapacity: 1 << 30)
        #expect(try ArenaRegion(decoding: region.encoded) == region)
        #expect(throws: CodecError.self) { try ArenaRegion(decoding: Array(region.encoded.dropLast())) }
        // As a worker decodes the requests that carry it.
        let compression = Compression(codec: .isal, level: 2)
        for (request, kind) in [(WorkRequest.compressInArena(region), WorkKind.compress(compression))] {
            let frame = request.header(sequence: 9, kind: kind)
            let received = try frame.encodedHeader().withUnsafeBytes { try WireFrame.decodeHeader($0) }
            #expect(received == frame && received.payloadLength == ArenaRegion.encodedLength)
            let (decoded, decodedKind) = try WorkRequest.decode(received, payload: request.payload)
            #expect(decodedKind == kind && decoded.inputLength == 4 << 20)
            switch decoded {
            case .compressInArena(let back): #expect(back == region && received.level == 2)
            default: Issue.record("decoded as \(decoded)")
            }
        }
    }

    /// What the parent accepts of a reply in the arena for a chunk.
    @Test func aReplyPastItsSlotIsRefused() throws {
        let arena = try SharedArena(layout: Self.small)
        let slot = try #require(arena.claimSlot())
        let frame = WireFrame(kind: .compressedInArena, sequence: 0, payloadLength: 8)
        let fits = try WorkReply.decode(frame, payload: WorkReply.arenaLength(80 << 10), slot: slot)
        #expect(fits.outputLength == 80 << 10)
        #expect(fits.answers(.compressInArena(slot.region(inputLength: 10))))
        #expect(!fits.answers(.compress(data: [1])))
        #expect(throws: CodecError.corrupt("a reply of 81921 bytes, past the 81920 of its slot")) {
            try WorkReply.decode(frame, payload: WorkReply.arenaLength((80 << 10) + 1), slot: slot)
        }
        #expect(throws: CodecError.corrupt("a reply in the arena for a chunk sent in its frame")) {
            try WorkReply.decode(frame, payload: WorkReply.arenaLength(1), slot: nil)
        }
    }

    /// Compresses `data` from a file through a pool with or without an arena.
    private func compress(_ data: [UInt8], arena: SharedArena.Layout?) throws -> (bytes: [UInt8], pool: WorkerPool) {
        let file = try TemporaryFile("arena-test", containing: data)
        defer { file.remove() }
        var options = PipelineOptions()
        options.chunkSize = 64 << 10
        let pool = WorkerPool(executable: builtBale, count: 2, arena: arena)
        defer { pool.shutdown() }
        let sink = CollectingSink()
        let cutter = FileChunkCutter(fd: file.fd, size: Int64(data.count), chunkSize: 64 << 10,
                                     arena: pool.arena)
        _ = try Pipeline(options: options, workers: pool)
            .run(cutter: cutter, kind: .compress(Compression(level: 6)), inputName: file.path, sink: sink)
        return (sink.bytes, pool)
    }

    @Test func theArenaChangesNoByteAndFreesEverySlot() throws {
        #expect(access(builtBale, X_OK) == 0, "build bale first: \(builtBale)")
        let data = sampleText(1_000_000, seed: 5)
        let (piped, _) = try compress(data, arena: nil)
        var options = PipelineOptions()
        options.chunkSize = 64 << 10
        let (shared, pool) = try compress(data, arena: .forJobs(options, workers: 2))
        let arena = try #require(pool.arena)
        #expect(shared == piped)
        #expect(arena.freeSlots == arena.layout.slots)
        // Slots too small for a chunk: each goes in its frame, the same bytes.
        let (tooSmall, _) = try compress(data, arena: .init(slots: 4, inputPart: 1000, outputPart: 1000))
        #expect(tooSmall == piped)
    }

    /// A worker script that answers every chunk with `answer`, as in
    /// `BrokenWorkerTests`; the job must stop as poisoned with `reason`
    /// and leave every slot free.
    @Test(arguments: [
        ("past its slot", BrokenWorkerTests.header(kind: 0x85, length: 8) + WorkReply.arenaLength(1 << 30),
         "a reply of 1073741824 bytes, past the"),
        ("not a length", BrokenWorkerTests.header(kind: 0x85, length: 3) + [1, 2, 3], "an arena length of 3 bytes"),
        ("inflated for a compress", BrokenWorkerTests.header(kind: 0x86, length: 8) + WorkReply.arenaLength(1),
         "sent inflatedInArena in answer to a compressFileRange request"),
    ])
    func aBrokenArenaReplyIsABrokenWorker(name: String, answer: [UInt8], reason: String) throws {
        let answerFile = try TemporaryFile("arena-answer", containing: answer)
        defer { answerFile.remove() }
        let script = "/tmp/bale-arena-worker-\(getpid())-\(name.utf8.count)"
        let fd = open(script, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        try FileIO.write(fd, Array("#!/bin/sh\ncat '\(answerFile.path)'\nexec cat > /dev/null\n".utf8))
        close(fd)
        defer { unlink(script) }
        let data = sampleText(300_000, seed: 11)
        let input = try TemporaryFile("arena-input", containing: data)
        defer { input.remove() }
        var options = PipelineOptions()
        options.chunkSize = 64 << 10
        options.ioThreads = 1  // chunk 0 goes first, the one the answer names
        let pool = WorkerPool(executable: script, count: 1, arena: .forJobs(options, workers: 1))
        defer { pool.shutdown() }
        let arena = try #require(pool.arena)
        #expect {
            try Pipeline(options: options, workers: pool)
                .run(cutter: FileChunkCutter(fd: input.fd, size: Int64(data.count),
                                             chunkSize: 64 << 10, arena: arena),
                     kind: .compress(Compression(level: 1)), inputName: input.path, sink: CollectingSink())
        } throws: { error in
            guard case BaleError.poisonChunk(_, _, _, let how) = error else { return false }
            return how.contains(reason)
        }
        #expect(arena.freeSlots == arena.layout.slots)
    }
}
