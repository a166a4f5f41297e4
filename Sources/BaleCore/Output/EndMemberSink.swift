/// Passes the members of one bale stream on to its output and adds them
/// up, so that the command can close the stream with its end member
/// (`GzipEndMember`) once the pipeline has written the last one.
///
/// Only the collector thread writes here, in order, and the end member is
/// written after the pipeline has joined that thread: the tally needs no lock.
public final class EndMemberSink: OutputSink, @unchecked Sendable {  // one writer at a time: the collector, then the command after joining it
    private let target: any OutputSink
    private var tally = MemberTally()

    /// Writes to `target`.
    public init(_ target: any OutputSink) { self.target = target }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        try target.write(bytes)
        tally.add(members: bytes)
    }

    /// Writes the end member after everything written so far; returns its length.
    @discardableResult
    public func writeEndMember() throws(BaleError) -> Int {
        let end = tally.endMember
        try target.write(end)
        return end.count
    }
}
