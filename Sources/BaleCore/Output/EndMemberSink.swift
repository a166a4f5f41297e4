/// Passes the members of one bale stream on to its output and adds them
/// up, so that the command can close the stream with its end member
/// (`GzipEndMember`) once the pipeline has written the last one; for an
/// archive, with its index (`GzipIndexMember`) before it.
///
/// Only the collector thread writes here, in order, and the index and the
/// end member are written after the pipeline has joined that thread: the
/// tally needs no lock.
public final class EndMemberSink: OutputSink, @unchecked Sendable {  // one writer at a time: the collector, then the command after joining it
    private let target: any OutputSink
    private var tally: MemberTally

    /// Writes to `target`; with `keepsMemberSizes`, keeps each member's
    /// sizes for an index (`memberSizes`).
    public init(_ target: any OutputSink, keepsMemberSizes: Bool = false) {
        self.target = target
        tally = MemberTally(keepsSizes: keepsMemberSizes)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        try target.write(bytes)
        tally.add(members: bytes)
    }

    /// The data members written so far: each one's whole length and data
    /// length (empty unless kept).
    public var memberSizes: [(length: UInt64, dataLength: UInt64)] { tally.sizes ?? [] }

    /// The tar stream's bytes written so far: the data members' data.
    public var dataLength: UInt64 { tally.dataLength }

    /// Writes the index members carrying `index` (an archive index's
    /// bytes) after the data members; the end member will point at them.
    /// Returns their length.
    @discardableResult
    public func writeIndex(_ index: [UInt8]) throws(BaleError) -> Int {
        let members = GzipIndexMember.members(carrying: index)
        try target.write(members)
        tally.add(indexMembers: members.count)
        return members.count
    }

    /// Writes the end member after everything written so far; returns its length.
    @discardableResult
    public func writeEndMember() throws(BaleError) -> Int {
        let end = tally.endMember
        try target.write(end)
        return end.count
    }
}
