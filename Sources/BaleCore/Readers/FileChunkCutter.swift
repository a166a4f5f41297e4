#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Cuts a regular file into fixed-size chunks: ranges of the file
/// (`FileRange`), which bale never reads into its own memory. The worker
/// link's feeder splices each range from the file into its worker's pipe
/// (`WorkerLink`, `FrameChannel.splice`): the page-cache pages go into the
/// pipe by reference, and the worker's read of its frame is the only copy.
/// Reading each chunk into an arena slot (pread) cost that copy too, and
/// every slot page's allocation, zeroing and first touch in the reader and
/// the worker besides: on a 238 MB tar, 0.09 s of CPU for the arena's way
/// against 0.04 s for splice's, in a C harness of the two alone (README,
/// Performance, "Fewer copies").
///
/// The readers stay the threads that wait for the disk: for each range
/// they cut, they ask the kernel to read it into the page cache
/// (`posix_fadvise` WILLNEED, which starts the reads and returns; not
/// for a range already there: `ReadAhead`), as
/// far ahead of the feeders as the bounded queue lets them cut, so a
/// feeder's splice finds the pages there or on their way.
///
/// The number of chunks is fixed from the file's size when the job starts,
/// so the output does not depend on how many threads cut or how they
/// interleave. A range the file no longer holds all of when it is spliced
/// means the file shrank under us: an error, as in GNU tar's "file changed
/// as we read it", raised by the feeder before the chunk can come out
/// (`WorkerLink.send`). Bytes appended after the start are not compressed;
/// `grewWhileReading` says so, and the command keeps the input in that
/// case rather than lose them.
///
/// With an arena (`SharedArena`), each chunk gets a slot for its member,
/// claimed by the feeder that sends it (`Chunk.resultArena`): the worker
/// writes it in the slot's output part and the frame back only says its
/// length (the slot's input part stays untouched, its pages never taken);
/// a chunk that finds no free slot has its member sent back in the reply
/// frame.
///
/// The next chunk to hand out and whether the file grew are reachable only
/// under its lock (a `Mutex` that owns them); the rest never changes.
public final class FileChunkCutter: ChunkCutter, Sendable {
    private let fd: Int32
    private let chunkSize: Int
    private let size: Int64
    private let arena: SharedArena?

    private struct State {
        var next: UInt64 = 0
        var grew = false
    }

    private let state = Mutex(State())

    public let chunkCount: UInt64

    /// Cuts `size` bytes of the open file `fd` (which must stay open until
    /// the job is over) into chunks of `chunkSize`, their members written
    /// into slots of `arena` if given. An empty file is one empty chunk,
    /// which becomes one empty member.
    public init(fd: Int32, size: Int64, chunkSize: Int, arena: SharedArena? = nil) {
        self.fd = fd
        self.arena = arena
        self.size = size
        self.chunkSize = chunkSize
        chunkCount = max(1, UInt64((size + Int64(chunkSize) - 1) / Int64(chunkSize)))
    }

    /// True when the file had more bytes than its size at the start.
    public var grewWhileReading: Bool { state.withLock { $0.grew } }

    public func nextChunk(admit: (UInt64) -> Bool) -> Chunk<Void>? {
        let sequence: UInt64? = state.withLock { state in
            guard state.next < chunkCount else { return nil }
            defer { state.next += 1 }
            return state.next
        }
        guard let sequence, admit(sequence) else { return nil }
        let offset = Int64(sequence) * Int64(chunkSize)
        let length = Int(min(Int64(chunkSize), size - offset))
        // Advice, not a read: where the kernel takes none (a file system
        // without readahead), the feeder's splice reads the pages itself.
        ReadAhead.ask(fd, offset: offset, length: Int64(length))
        let request = WorkRequest.compressFileRange(FileRange(fd: fd, offset: offset, length: length), output: nil)
        let chunk = Chunk(sequence: sequence, offset: offset, request: request, resultArena: arena)
        if sequence == chunkCount - 1 {
            var probe: UInt8 = 0
            if (try? FileIO.read(fd, into: &probe, count: 1, at: size)) == 1 {
                state.withLock { $0.grew = true }
            }
        }
        return chunk
    }
}
