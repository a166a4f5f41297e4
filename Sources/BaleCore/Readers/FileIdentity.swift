#if canImport(Glibc)
import Glibc
#endif

/// A file's device and inode: what makes it the same file under any name
/// (hard links, a directory met again through a symbolic link, the
/// archive being written inside the tree it archives).
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// The identity of the file `info` describes.
    public init(_ info: stat) {
        self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The identity of the file open on `fd` (`fstat`); nil when it cannot
    /// be asked.
    init?(ofOpen fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The identity of the file `path` names now (`stat`, or `lstat`
    /// unless `following`); nil when it names none.
    init?(ofPath path: [UInt8], following: Bool) {
        var info = stat()
        guard withCString(path, { following ? stat($0, &info) : lstat($0, &info) }) == 0 else { return nil }
        self.init(info)
    }
}
