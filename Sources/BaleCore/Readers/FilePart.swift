/// One part of a large file of a batch job (`bale gzip -r`): where it
/// lies in the file, and whether it ends it. `FileBatchPlanner` plans the
/// parts (every chunk size, or where the content says with
/// `--rsyncable`), `FileSetCutter` reads them, and `FileSetSink` opens the
/// file's output at its first part and commits it after its last, so the
/// number of parts never needs to be known before the last is planned.
public struct FilePart: Sendable, Equatable {
    /// Its place among the file's parts, from 0.
    public var index: UInt64
    /// Where it starts in the file.
    public var offset: Int64
    /// How many bytes it holds.
    public var length: Int
    /// True for the part that ends the file.
    public var isLast: Bool
}
