#if canImport(Glibc)
import Glibc
#endif

/// The tar member a file on disk becomes: kind, permission bits, owner,
/// time, size and device numbers taken from its `stat`, as GNU tar takes
/// them. What to do with a file tar cannot store (a socket) or a later
/// name of a file already stored (a hard link) is the packer's choice,
/// not the format's.
extension TarEntry {
    /// The member for the file `info` describes, named `name`; nil for a
    /// type tar cannot store (a socket, or an unknown type). A symbolic
    /// link gets `linkTarget`; a regular file its size.
    public init?(name: [UInt8], info: stat, linkTarget: [UInt8] = []) {
        let kind: Kind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        case S_IFIFO: kind = .fifo
        case S_IFCHR: kind = .characterDevice
        case S_IFBLK: kind = .blockDevice
        default: return nil
        }
        self.init(name: name, kind: kind, mode: UInt32(info.st_mode & 0o7777), userID: info.st_uid,
                  groupID: info.st_gid, modificationSeconds: Int64(info.st_mtim.tv_sec))
        modificationNanoseconds = Int32(info.st_mtim.tv_nsec)
        switch kind {
        case .file: size = Int64(info.st_size)
        case .symbolicLink: self.linkTarget = linkTarget
        case .characterDevice, .blockDevice:
            // glibc's encoding of dev_t (the major/minor macros are not importable).
            let device = UInt64(info.st_rdev)
            deviceMajor = UInt32(truncatingIfNeeded: ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff))
            deviceMinor = UInt32(truncatingIfNeeded: (device & 0xff) | ((device >> 12) & ~0xff))
        default: break
        }
    }
}
