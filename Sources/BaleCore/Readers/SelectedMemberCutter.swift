import Synchronization

/// Reads only the gzip members an `IndexedSelection` names, for the
/// selective path of `bale cat` and `bale unpack ARCHIVE PATH...`: each
/// member's compressed bytes are read with pread at the offset the index
/// gives and become one `inflate` chunk, so the reader threads read them
/// and the workers inflate them in parallel, as `MemberChunkCutter` does
/// for a whole file, and the collector hands their data in order to an
/// `IndexedTarSink`.
///
/// The members go out segment by segment, in the plan's order (a member
/// two segments need is read twice: a hard link's target lies earlier in
/// the stream than what was read before it). Each chunk's context says
/// which segment and member it is. The index's reader checked every offset
/// and length against the file's size; a read that comes back short (the
/// file shrank since) is `truncated`.
public final class SelectedMemberCutter: ChunkCutter, Sendable {
    public typealias Piece = IndexedSelection.Piece

    private let fd: Int32
    private let path: String
    private let plan: IndexedSelection
    /// Every chunk to hand out, in order.
    private let pieces: [Piece]
    /// The next piece to hand out.
    private let next = Mutex<Int>(0)

    /// Reads, from the archive open at `fd` (named `path` in messages),
    /// the members of every segment of `plan`, in order.
    public init(fd: Int32, path: String, plan: IndexedSelection) {
        self.fd = fd
        self.path = path
        self.plan = plan
        pieces = plan.pieces
    }

    public var chunkCount: UInt64 { UInt64(next.withLock { $0 }) }

    public func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Piece>? {
        let claimed: Int? = next.withLock { next in
            guard next < pieces.count else { return nil }
            defer { next += 1 }
            return next
        }
        guard let sequence = claimed, admit(UInt64(sequence)) else { return nil }
        let piece = pieces[sequence]
        // The index's reader kept every member within bale's bounds and
        // inside the file; a file that shrank since reads short.
        let member = plan.index.members[piece.member]
        let length = Int(member.length)
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try readBytes(count: length) { (buffer) throws(SystemError) in
                try FileIO.read(fd, into: buffer, count: length, at: Int64(member.offset))
            }
        } catch { throw .readFailed(path: path, error) }
        if bytes.count < length { throw .truncated(path: path) }
        return Chunk(sequence: UInt64(sequence), offset: Int64(member.offset),
                     request: .inflate(member: bytes, expectedLength: Int(member.dataLength)), context: piece)
    }
}
