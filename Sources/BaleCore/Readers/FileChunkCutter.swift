#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Cuts a regular file into fixed-size chunks that reader threads read in
/// parallel with pread, each at its own offset.
///
/// The number of chunks is fixed from the file's size when the job starts,
/// so the output does not depend on how many threads read or how they
/// interleave. A read that comes up short means the file shrank under us:
/// an error, as in GNU tar's "file changed as we read it". Bytes appended
/// after the start are not compressed; `grewWhileReading` says so, and the
/// command keeps the input in that case rather than lose them.
///
/// With an arena (`SharedArena`), each chunk is read straight into a slot
/// of it, and only the slot's place travels to the worker; a chunk that
/// finds no free slot is read into an array and sent in its frame.
///
/// The next chunk to hand out and whether the file grew are reachable only
/// under its lock (a `Mutex` that owns them); the rest never changes.
public final class FileChunkCutter: ChunkCutter, Sendable {
    private let fd: Int32
    private let path: String
    private let chunkSize: Int
    private let size: Int64
    private let arena: SharedArena?

    private struct State {
        var next: UInt64 = 0
        var grew = false
    }

    private let state = Mutex(State())

    public let chunkCount: UInt64

    /// Cuts `size` bytes of the open file `fd` into chunks of `chunkSize`,
    /// read into slots of `arena` if given. An empty file is one empty
    /// chunk, which becomes one empty member.
    public init(fd: Int32, path: String, size: Int64, chunkSize: Int, arena: SharedArena? = nil) {
        self.fd = fd
        self.arena = arena
        self.path = path
        self.size = size
        self.chunkSize = chunkSize
        chunkCount = max(1, UInt64((size + Int64(chunkSize) - 1) / Int64(chunkSize)))
    }

    /// True when the file had more bytes than its size at the start.
    public var grewWhileReading: Bool { state.withLock { $0.grew } }

    public func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Void>? {
        let sequence: UInt64? = state.withLock { state in
            guard state.next < chunkCount else { return nil }
            defer { state.next += 1 }
            return state.next
        }
        guard let sequence, admit(sequence) else { return nil }
        let offset = Int64(sequence) * Int64(chunkSize)
        let length = Int(min(Int64(chunkSize), size - offset))
        let (chunk, got): (Chunk<Void>, Int)
        do throws(SystemError) {
            if let slot = arena?.claimSlot(), length <= slot.input.count {
                slot.prefaultInput(length)
                got = try FileIO.read(fd, into: slot.input.baseAddress!, count: length, at: offset)
                chunk = Chunk(sequence: sequence, offset: offset,
                              request: .compressInArena(slot.region(inputLength: length)), slot: slot)
            } else {
                let bytes = try readBytes(count: length) { (buffer) throws(SystemError) in
                    try FileIO.read(fd, into: buffer, count: length, at: offset)
                }
                (chunk, got) = (Chunk(sequence: sequence, offset: offset, request: .compress(data: bytes)), bytes.count)
            }
        } catch { throw .readFailed(path: path, error) }
        if got < length { throw .changedWhileReading(path: path) }
        if sequence == chunkCount - 1 {
            var probe: UInt8 = 0
            if (try? FileIO.read(fd, into: &probe, count: 1, at: size)) == 1 {
                state.withLock { $0.grew = true }
            }
        }
        return chunk
    }
}
