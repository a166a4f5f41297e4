import Synchronization

/// The members of a gzip input that `MemberChunkCutter` handed out to the
/// workers and that were not yet written: where each began and, for a
/// stream (which cannot be read twice), its bytes. The cutter lists each
/// member as it hands it out; the sink crosses it off as it writes it.
///
/// It is what gunzip needs to go on after the parallel pass stops early
/// (a member that does not check out): the streaming decoder starts at
/// the first member not written, with, for a stream, the bytes of every
/// member from there on (`MemberChunkCutter.resumePoint`). A shared
/// record rather than a question to the cutter: the sink tells it what
/// it wrote, and asks nothing.
///
/// It has a lock of its own: in a stream the cutter holds its lock while
/// a reader waits for room in the reorder window, and the collector,
/// which makes that room, crosses members off here as it writes them.
/// The list is reachable only under that lock (a `Mutex` that owns it).
public final class UnwrittenMembers: Sendable {
    /// One member not yet written.
    struct Member {
        /// Where it begins in the input.
        var offset: Int64
        /// A stream's member bytes (empty for a file, which can be read again).
        var bytes: [UInt8]
    }

    private let members = Mutex<[UInt64: Member]>([:])

    init() {}

    /// Lists member `sequence`, beginning at `offset`, as handed out.
    func handOut(_ sequence: UInt64, offset: Int64, bytes: [UInt8] = []) {
        members.withLock { $0[sequence] = Member(offset: offset, bytes: bytes) }
    }

    /// Crosses off member `sequence`: it was written.
    public func written(_ sequence: UInt64) {
        members.withLock { $0[sequence] = nil }
    }

    /// The members from `sequence` on not yet written, in order.
    func members(from sequence: UInt64) -> [Member] {
        members.withLock { $0.filter { $0.key >= sequence }.sorted { $0.key < $1.key }.map(\.value) }
    }
}
