/// One entry of an archive's index as its payload records it, read in
/// place (`ArchiveIndexDecoder.Records`): its names are borrowed from the
/// payload and from the walk's name buffer, valid only during the call
/// that hands the record over.
///
/// Why a borrowed record beside `ArchiveIndex.Entry`: `list` prints a line
/// per entry and needs nothing kept. Made into entries (a name array each,
/// owner names retained and released), the tens of thousands of entries
/// of a large index cost `list` more than printing them; read in place,
/// they cost their varints.
public struct ArchiveIndexRecord {
    /// Its place among the index's entries, from 0.
    public var number: Int
    /// Its type (regular file, directory, link...).
    public var kind: TarEntry.Kind
    /// True for a file stored as a GNU sparse file.
    public var isSparse: Bool
    /// Permission bits with setuid, setgid and sticky (mode & 0o7777).
    public var mode: UInt32
    /// A regular file's size (a sparse file's real size); 0 for others.
    public var size: UInt64
    /// Its modification time: seconds since the epoch, and nanoseconds.
    public var modificationSeconds: Int64
    public var modificationNanoseconds: Int32
    /// Its owner's numeric user and group ids.
    public var userID: UInt32
    public var groupID: UInt32
    /// User and group names; empty when the archive holds ids only.
    public var userName: UnsafeBufferPointer<UInt8>
    public var groupName: UnsafeBufferPointer<UInt8>
    /// The name, bytes as stored (the record before's prefix and its own).
    public var name: UnsafeBufferPointer<UInt8>
    /// A symbolic or hard link's target; empty for others.
    public var linkTarget: UnsafeBufferPointer<UInt8>
    /// A character or block device's numbers; 0 for others.
    public var deviceMajor: UInt32
    public var deviceMinor: UInt32
    /// Where the entry's first header block and its stored data begin in
    /// the tar stream.
    public var headerStreamOffset: UInt64
    public var contentStreamOffset: UInt64
}
