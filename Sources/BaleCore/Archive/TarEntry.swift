#if canImport(Glibc)
import Glibc
#endif

/// One member of a tar archive, as bale writes it: what it is, its name in
/// the archive, and the metadata tar keeps.
///
/// Names are bytes, not Strings: a file name on Linux is any bytes but
/// '/' and NUL, and an archive must carry it exactly.
public struct TarEntry: Equatable, Sendable {
    /// What kind of file the entry is.
    public enum Kind: Equatable, Sendable {
        case file
        case directory
        case symbolicLink
        /// A later name of a file already in the archive (`linkTarget`).
        case hardLink
        case fifo
        case characterDevice
        case blockDevice
    }

    /// The name in the archive (relative; directories end in "/").
    public var name: [UInt8]
    /// Where to read the file's bytes from (for `.file`).
    public var sourcePath: [UInt8]
    public var kind: Kind
    /// The target of a symbolic or hard link.
    public var linkTarget: [UInt8] = []
    /// Permission bits, with setuid/setgid/sticky.
    public var mode: UInt32
    public var userID: UInt32
    public var groupID: UInt32
    public var userName: [UInt8] = []
    public var groupName: [UInt8] = []
    /// Modification time: seconds since the epoch, and nanoseconds.
    public var modificationSeconds: Int64
    public var modificationNanoseconds: Int32 = 0
    /// The number of content bytes (regular files only).
    public var size: Int64 = 0
    /// The source file's size and time when it was walked, to notice a
    /// change while it is read (the stored time may differ: `--mtime`).
    public var walkedStamp: WalkedStamp?
    public var deviceMajor: UInt32 = 0
    public var deviceMinor: UInt32 = 0
    /// Where the entry lies in the tar stream it was read from (set by
    /// `TarReader`): its first header block (a pax or long-name header when
    /// it has one) and its first content byte. Damage reports use them.
    public var headerOffset: Int64 = 0
    public var contentOffset: Int64 = 0

    public init(name: [UInt8], sourcePath: [UInt8], kind: Kind, mode: UInt32,
                userID: UInt32, groupID: UInt32, modificationSeconds: Int64) {
        self.name = name
        self.sourcePath = sourcePath
        self.kind = kind
        self.mode = mode
        self.userID = userID
        self.groupID = groupID
        self.modificationSeconds = modificationSeconds
    }

    /// What the walk saw of a regular file.
    public struct WalkedStamp: Equatable, Sendable {
        public var size: Int64
        public var seconds: Int64
        public var nanoseconds: Int32

        /// The stamp of a file examined with stat.
        public init(_ info: stat) {
            size = Int64(info.st_size)
            seconds = Int64(info.st_mtim.tv_sec)
            nanoseconds = Int32(info.st_mtim.tv_nsec)
        }
    }

    /// What to report, as GNU tar words it, once this file's content was
    /// read from `fd`: that it came `shortBy` bytes short (padded with
    /// zeros), or that its size or time differ from the walk's; nil if
    /// neither.
    func problemAfterReading(from fd: Int32, shortBy: Int64) -> String? {
        if shortBy > 0 { return "\(displayName): File shrank by \(shortBy) bytes; padding with zeros" }
        var info = stat()
        if let walkedStamp, fstat(fd, &info) == 0, WalkedStamp(info) != walkedStamp {
            return "\(displayName): file changed as we read it"
        }
        return nil
    }

    /// The name as text, for messages (invalid UTF-8 shown with replacement characters).
    public var displayName: String { String(decoding: name, as: UTF8.self) }
}
