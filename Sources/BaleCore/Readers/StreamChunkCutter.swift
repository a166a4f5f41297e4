import Synchronization

/// Cuts a stream that can only be read in order (a pipe, a terminal,
/// standard input) into fixed-size chunks.
///
/// Only one thread can read a stream, so the read happens under the
/// cutter's lock; extra reader threads simply wait their turn. The workers
/// still compress in parallel. With an arena, each chunk is read straight
/// into a free slot of it (as `TarChunkCutter` reads a file's bytes).
///
/// With `--rsyncable` (`contentDefined`) a chunk ends where its content
/// says (`ContentDefinedCuts`): what was read past the cut is carried to
/// the front of the next chunk (a copy of up to 3 MiB a chunk, ~1 ms).
/// Where the stream is, and the bytes carried, are reachable only under
/// that lock (a `Mutex` that owns them).
public final class StreamChunkCutter: ChunkCutter, Sendable {
    private let fd: Int32
    private let path: String
    private let chunkSize: Int
    private let arena: SharedArena?
    private let contentDefined: Bool

    private struct State {
        var next: UInt64 = 0
        var offset: Int64 = 0
        var ended = false
        /// Read past the last content-defined cut: the next chunk's start.
        var carry: [UInt8] = []
    }

    private let state = Mutex(State())

    /// Cuts the stream `fd` into chunks of `chunkSize` (or where the content
    /// says, with `contentDefined`), read into slots of `arena` if given.
    public init(fd: Int32, path: String, chunkSize: Int, arena: SharedArena? = nil, contentDefined: Bool = false) {
        self.fd = fd
        self.arena = arena
        self.path = path
        self.chunkSize = chunkSize
        self.contentDefined = contentDefined
    }

    public var chunkCount: UInt64 { state.withLock { $0.next } }

    public func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Void>? {
        try state.withLock { (state) throws(BaleError) -> Chunk<Void>? in
            guard !state.ended || !state.carry.isEmpty, admit(state.next) else { return nil }
            let slot = arena?.claimSlot().flatMap { $0.input.count >= chunkSize ? $0 : nil }
            let request: WorkRequest
            let count: Int
            do throws(SystemError) {
                if let slot {
                    slot.prefaultInput(chunkSize)
                    count = try fill(slot.input.baseAddress!, state: &state)
                    request = .compressInArena(slot.region(inputLength: count))
                } else {
                    let bytes = try readBytes(count: chunkSize) { (buffer) throws(SystemError) in
                        try fill(buffer, state: &state)
                    }
                    (request, count) = (.compress(data: bytes), bytes.count)
                }
            } catch { throw .readFailed(path: path, error) }
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

    /// Puts the next chunk's bytes at `buffer` (room for `chunkSize`): the
    /// bytes carried from the last cut, then the stream's; with
    /// content-defined cuts, keeps what lies past the cut for the next
    /// chunk. Returns the chunk's length.
    private func fill(_ buffer: UnsafeMutableRawPointer, state: inout State) throws(SystemError) -> Int {
        let carried = ContentDefinedCuts.takeCarried(&state.carry, into: buffer)
        var count = carried
        if !state.ended {
            let read = try FileIO.read(fd, into: buffer + carried, count: chunkSize - carried)
            if read < chunkSize - carried { state.ended = true }
            count += read
        }
        guard contentDefined else { return count }
        return ContentDefinedCuts.chunkLength(of: UnsafeRawBufferPointer(start: buffer, count: count),
                                              chunkSize: chunkSize, carryingInto: &state.carry)
    }
}
