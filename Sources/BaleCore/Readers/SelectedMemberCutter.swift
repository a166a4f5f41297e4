#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Cuts out only the gzip members an `IndexedSelection` names, for the
/// selective path of `bale cat` and `bale unpack ARCHIVE PATH...`: each
/// member, at the offset the index gives, becomes one chunk, a range of
/// the file that the worker link's feeder splices into its worker's pipe
/// (`inflateFileRange`, as `MemberChunkCutter` does for a whole file), so
/// the workers inflate them in parallel without bale reading them, and
/// the collector hands their data in order to an `IndexedTarSink`.
///
/// The members go out segment by segment, in the plan's order (a member
/// two segments need is read twice: a hard link's target lies earlier in
/// the stream than what was read before it). Each chunk's context says
/// which segment and member it is. The index's reader checked every offset
/// and length against the file's size; a range the file no longer holds
/// all of when it is spliced (it shrank since) fails the job
/// (`changedWhileReading`, `WorkerLink`).
public final class SelectedMemberCutter: ChunkCutter, Sendable {
    public typealias Piece = IndexedSelection.Piece

    private let fd: Int32
    private let plan: IndexedSelection
    /// Every chunk to hand out, in order.
    private let pieces: [Piece]
    /// The next piece to hand out.
    private let next = Mutex<Int>(0)

    /// Cuts, from the archive open at `fd` (which must stay open until the
    /// job is over), the members of every segment of `plan`, in order.
    public init(fd: Int32, plan: IndexedSelection) {
        self.fd = fd
        self.plan = plan
        pieces = plan.pieces
    }

    public var chunkCount: UInt64 { UInt64(next.withLock { $0 }) }

    public func nextChunk(admit: (UInt64) -> Bool) -> Chunk<Piece>? {
        let claimed: Int? = next.withLock { next in
            guard next < pieces.count else { return nil }
            defer { next += 1 }
            return next
        }
        guard let sequence = claimed, admit(UInt64(sequence)) else { return nil }
        let piece = pieces[sequence]
        // The index's reader kept every member within bale's bounds and
        // inside the file.
        let member = plan.index.members[piece.member]
        let range = FileRange(fd: fd, offset: Int64(member.offset), length: Int(member.length))
        // The readers wait for the disk, not the feeder: the kernel reads
        // the member ahead for its splice (advice, as `FileChunkCutter`'s).
        ReadAhead.ask(fd, offset: range.offset, length: Int64(range.length))
        return Chunk(sequence: UInt64(sequence), offset: Int64(member.offset),
                     request: .inflateFileRange(range, expectedLength: Int(member.dataLength), output: nil),
                     context: piece)
    }
}
