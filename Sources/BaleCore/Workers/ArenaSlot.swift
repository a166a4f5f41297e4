/// One slot of the `SharedArena`, owned: its input part holds one chunk
/// (or member) on its way to a worker, its output part the worker's result.
///
/// The slot goes back to the arena's free list when this object ends, that
/// is when the last thing holding it lets go: the chunk (in the queue, in
/// `InFlightChunks` until its result is in, so a replacement worker finds
/// the chunk still there to redo) and its result (until the collector has
/// written it). No path can forget to free a slot or free it twice, and a
/// slot is never reused while a result read from it may still be written.
public final class ArenaSlot: @unchecked Sendable {  // the input part is written only before its chunk is queued, the output part only by the worker the chunk is in flight to, and read by the parent only after that worker's reply
    /// The arena the slot belongs to.
    public let arena: SharedArena
    /// Its number in the arena.
    public let index: Int

    init(arena: SharedArena, index: Int) {
        self.arena = arena
        self.index = index
    }

    deinit { arena.release(index) }

    /// Where the chunk's bytes go (the reader's to fill before the chunk is queued).
    public var input: UnsafeMutableRawBufferPointer { arena.inputPart(index) }

    /// Where the worker writes its result (the parent reads it after the reply).
    public var output: UnsafeRawBufferPointer { arena.outputPart(index) }

    /// Maps in the first `count` bytes of the input part at once, before a
    /// reader writes them (`ArenaPrefaulter`).
    public func prefaultInput(_ count: Int) { arena.prefaultInput(index, count: count) }

    /// Maps in the first `count` bytes of the output part at once, before
    /// the parent reads a result of that length.
    public func prefaultOutput(_ count: Int) { arena.prefaultOutput(index, count: count) }

    /// What a request frame says of this slot, holding `inputLength` bytes.
    public func region(inputLength: Int) -> ArenaRegion {
        precondition(inputLength <= arena.layout.inputPart)
        return ArenaRegion(inputOffset: index * arena.layout.inputPart, inputLength: inputLength,
                           outputOffset: index * arena.layout.outputPart, outputCapacity: arena.layout.outputPart)
    }
}
