/// Where a chunk's bytes are when nobody has read them: a range of an open
/// regular file. `FileChunkCutter` (chunks to compress), `MemberChunkCutter`
/// and `SelectedMemberCutter` (bale's members to inflate) cut these
/// instead of reading, and the
/// worker link's feeder splices the range from the file into the worker's
/// pipe (`FrameChannel.splice`), so the bytes go from the page cache to
/// the worker without a copy in bale and without a page of the arena.
///
/// The range names the file by its descriptor, which the command that
/// opened the file owns and keeps open until the job is over, that is
/// until every chunk's result is in: a chunk resent to a replacement
/// worker is spliced again from the same range. The file is not bale's:
/// it may have shrunk by then, and the feeder says so (`WorkerLink`).
public struct FileRange: Sendable, Equatable {
    /// The open file (its owner closes it after the job).
    public var fd: Int32
    /// Where the range starts in the file.
    public var offset: Int64
    /// How many bytes it covers.
    public var length: Int

    public init(fd: Int32, offset: Int64, length: Int) {
        self.fd = fd
        self.offset = offset
        self.length = length
    }
}
