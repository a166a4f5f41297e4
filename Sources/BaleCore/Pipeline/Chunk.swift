/// One piece of input on its way through the pipeline, with what the
/// stages after the workers need to know about it.
///
/// The sequence number is the chunk's place in the output: workers finish
/// chunks in any order, and the collector puts them back in this order.
///
/// As in swift-nio, where the context travels with the event, the chunk
/// carries its `context`, set by the cutter that made it (the files of a
/// batch, the facts of a gzip member, what went wrong reading a file): the
/// worker link attaches it to the chunk's result, and the sink reads it
/// there. No stage asks a stage upstream what a chunk meant. Cutters and
/// sinks agree on the context's type at compile time (`ChunkCutter` and
/// `ResultSink` share it; `Pipeline.run` ties them together).
public struct Chunk<Context: Sendable>: Sendable {
    /// The chunk's place in the output, from 0.
    public var sequence: UInt64
    /// Where the chunk starts in the input (for messages).
    public var offset: Int64
    /// What the worker is asked to do, with the chunk's bytes.
    public var request: WorkRequest
    /// What the sink needs to know about this chunk.
    public var context: Context
    /// Work long enough that its worker takes no other chunk until it is
    /// done (`InFlightChunks`): the SHA-256 of a file larger than a batch
    /// (`bale sum`), whose time grows with the file and not with the chunk
    /// size. Queued behind it, a second chunk would wait while another
    /// worker may be idle; a round trip saved is nothing beside it.
    public var isLongWork: Bool
    /// The slot of the shared arena that holds the chunk's bytes (and will
    /// hold its result), for a request `compressInArena`, or only its result, for
    /// a `compressFileRange` or `inflateFileRange` with an output region;
    /// nil for a chunk whose
    /// bytes and result travel in frames. Held here until the result is
    /// in, so a replacement worker finds the bytes still there.
    public var slot: ArenaSlot?
    /// The arena where the feeder that sends this chunk claims a slot for
    /// its result (`WorkerLink`), for a `compressFileRange` or
    /// `inflateFileRange` cut without one: claimed as late as that, a slot
    /// is held only while its chunk is in a worker or its result waits to
    /// be written, and it can be one this worker has used before, whose
    /// pages are already allocated and mapped in it (`SharedArena.claimSlot(for:)`).
    public var resultArena: SharedArena?

    public init(sequence: UInt64, offset: Int64, request: WorkRequest, context: Context, isLongWork: Bool = false,
                slot: ArenaSlot? = nil, resultArena: SharedArena? = nil) {
        self.sequence = sequence
        self.offset = offset
        self.request = request
        self.context = context
        self.isLongWork = isLongWork
        self.slot = slot
        self.resultArena = resultArena
    }
}

extension Chunk where Context == Void {
    /// A chunk whose sink needs nothing but its bytes.
    public init(sequence: UInt64, offset: Int64, request: WorkRequest, slot: ArenaSlot? = nil,
                resultArena: SharedArena? = nil) {
        self.init(sequence: sequence, offset: offset, request: request, context: (), slot: slot, resultArena: resultArena)
    }
}

/// A chunk's output, back from a worker, with the context of the chunk it
/// came from.
public struct ChunkResult<Context: Sendable>: Sendable {
    /// The sequence number of the chunk it came from.
    public var sequence: UInt64
    /// What the worker answered (never `.failed`: a failure stops the job
    /// before it reaches the collector).
    public var reply: WorkReply
    /// The number of input bytes the chunk held.
    public var inputLength: Int
    /// The context the cutter gave the chunk.
    public var context: Context
}
