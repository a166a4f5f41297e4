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
/// against 0.04 s for splice's, in a C harness of the two alone
/// (docs/performance-history.md, "Fewer copies").
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
/// With `--rsyncable` (`contentDefined`) each chunk ends where its content
/// says (`ContentDefinedCuts`), at most `chunkSize` in: the cutter reads
/// each chunk's bytes once to find its end, in order, under its lock (a
/// few ms a chunk against ~60 ms to compress it; the splice then finds
/// the pages in the cache), and the number of chunks is known at the end.
///
/// The next chunk to hand out, where it starts, the scan buffer and
/// whether the file grew are reachable only under its lock (a `Mutex` that
/// owns them); the rest never changes.
public final class FileChunkCutter: ChunkCutter, Sendable {
    private let fd: Int32
    private let chunkSize: Int
    private let size: Int64
    private let arena: SharedArena?
    private let contentDefined: Bool

    private struct State {
        var next: UInt64 = 0
        /// Where the next chunk starts (content-defined cuts).
        var offset: Int64 = 0
        var grew = false
        /// The bytes a content-defined cut is looked for in.
        var scan: [UInt8] = []
    }

    private let state = Mutex(State())

    private let fixedChunkCount: UInt64

    /// How many chunks the file was cut into (with content-defined cuts,
    /// known once every chunk was handed out).
    public var chunkCount: UInt64 { contentDefined ? state.withLock { $0.next } : fixedChunkCount }

    /// Cuts `size` bytes of the open file `fd` (which must stay open until
    /// the job is over) into chunks of `chunkSize`, or where the content
    /// says with `contentDefined` (`--rsyncable`), their members written
    /// into slots of `arena` if given. An empty file is one empty chunk,
    /// which becomes one empty member.
    public init(fd: Int32, size: Int64, chunkSize: Int, arena: SharedArena? = nil, contentDefined: Bool = false) {
        self.fd = fd
        self.arena = arena
        self.size = size
        self.chunkSize = chunkSize
        self.contentDefined = contentDefined
        fixedChunkCount = max(1, UInt64((size + Int64(chunkSize) - 1) / Int64(chunkSize)))
    }

    /// True when the file had more bytes than its size at the start.
    public var grewWhileReading: Bool { state.withLock { $0.grew } }

    public func nextChunk(admit: (UInt64) -> Bool) -> Chunk<Void>? {
        let next: (sequence: UInt64, offset: Int64, length: Int)? = state.withLock { state in
            if contentDefined {
                guard state.offset < size || (state.next == 0 && size == 0) else { return nil }
                let length = ContentDefinedCuts.length(ofChunkAt: state.offset, in: fd, size: size,
                                                       chunkSize: chunkSize, scan: &state.scan)
                defer {
                    state.next += 1
                    state.offset += Int64(length)
                }
                return (state.next, state.offset, length)
            }
            guard state.next < fixedChunkCount else { return nil }
            defer { state.next += 1 }
            let offset = Int64(state.next) * Int64(chunkSize)
            return (state.next, offset, Int(min(Int64(chunkSize), size - offset)))
        }
        guard let (sequence, offset, length) = next, admit(sequence) else { return nil }
        // Advice, not a read: where the kernel takes none (a file system
        // without readahead), the feeder's splice reads the pages itself.
        if !contentDefined { ReadAhead.ask(fd, offset: offset, length: Int64(length)) }
        let request = WorkRequest.compressFileRange(FileRange(fd: fd, offset: offset, length: length), output: nil)
        let chunk = Chunk(sequence: sequence, offset: offset, request: request, resultArena: arena)
        if offset + Int64(length) == size && FileIO.holdsData(fd, at: size) {
            state.withLock { $0.grew = true }
        }
        return chunk
    }
}
