/// Cuts one input into numbered chunks, for the reader threads.
///
/// Several reader threads call `nextChunk` at once. A cutter hands out
/// sequence numbers in order under its own lock, then calls `admit` with
/// the number before it allocates or reads anything: `admit` blocks while
/// the chunk would be too far ahead of the collector (see `ReorderBuffer`),
/// which bounds the memory of the whole pipeline.
///
/// The cutter makes each chunk's `WorkRequest` and sets its `Context`:
/// what the sink will need to know about the chunk's result (see `Chunk`).
public protocol ChunkCutter<Context>: AnyObject, Sendable {
    /// What this cutter tells the sink about each chunk (`Void` for
    /// chunks that are only bytes in order).
    associatedtype Context: Sendable

    /// The next chunk, or nil when the input is used up (or `admit`
    /// returned false because the job is being cancelled).
    func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Context>?

    /// How many chunks the input was cut into (valid once `nextChunk` has
    /// returned nil to every reader).
    var chunkCount: UInt64 { get }

    /// The job failed: a `nextChunk` waiting for something other than
    /// its input and `admit` (`PathBatchCutter`'s files handed back) must
    /// return nil now. Most cutters wait on nothing else.
    func jobFailed()
}

extension ChunkCutter {
    public func jobFailed() {}
}

/// Allocates a byte array of `count` bytes and fills it with `fill`,
/// which returns how many bytes it wrote; the array is cut to that.
func readBytes(
    count: Int, _ fill: (UnsafeMutableRawPointer) throws(SystemError) -> Int
) throws(SystemError) -> [UInt8] {
    if count == 0 { return [] }
    return try typedThrows(SystemError.self) {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            initialized = try fill(UnsafeMutableRawPointer(buffer.baseAddress!))
        }
    }
}
