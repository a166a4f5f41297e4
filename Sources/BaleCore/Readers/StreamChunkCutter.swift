import Synchronization

/// Cuts a stream that can only be read in order (a pipe, a terminal,
/// standard input) into fixed-size chunks.
///
/// Only one thread can read a stream, so the read happens under the
/// cutter's lock; extra reader threads simply wait their turn. The workers
/// still compress in parallel. With an arena, each chunk is read straight
/// into a free slot of it (as `FileChunkCutter` does). Where the stream is is reachable only
/// under that lock (a `Mutex` that owns it).
public final class StreamChunkCutter: ChunkCutter, Sendable {
    private let fd: Int32
    private let path: String
    private let chunkSize: Int
    private let arena: SharedArena?

    private struct State {
        var next: UInt64 = 0
        var offset: Int64 = 0
        var ended = false
    }

    private let state = Mutex(State())

    /// Cuts the stream `fd` into chunks of `chunkSize`, read into slots of `arena` if given.
    public init(fd: Int32, path: String, chunkSize: Int, arena: SharedArena? = nil) {
        self.fd = fd
        self.arena = arena
        self.path = path
        self.chunkSize = chunkSize
    }

    public var chunkCount: UInt64 { state.withLock { $0.next } }

    public func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Void>? {
        try state.withLock { (state) throws(BaleError) -> Chunk<Void>? in
            guard !state.ended, admit(state.next) else { return nil }
            let slot = arena?.claimSlot().flatMap { $0.input.count >= chunkSize ? $0 : nil }
            let request: WorkRequest
            let count: Int
            do throws(SystemError) {
                if let slot {
                    slot.prefaultInput(chunkSize)
                    count = try FileIO.read(fd, into: slot.input.baseAddress!, count: chunkSize)
                    request = .compressInArena(slot.region(inputLength: count))
                } else {
                    let bytes = try readBytes(count: chunkSize) { (buffer) throws(SystemError) in
                        try FileIO.read(fd, into: buffer, count: chunkSize)
                    }
                    (request, count) = (.compress(data: bytes), bytes.count)
                }
            } catch { throw .readFailed(path: path, error) }
            if count < chunkSize { state.ended = true }
            // An empty read after at least one chunk adds nothing; an empty
            // stream is one empty chunk (a valid, empty gzip file).
            if count == 0 && state.next > 0 { return nil }
            defer {
                state.next += 1
                state.offset += Int64(count)
            }
            return Chunk(sequence: state.next, offset: state.offset, request: request, slot: slot)
        }
    }
}
