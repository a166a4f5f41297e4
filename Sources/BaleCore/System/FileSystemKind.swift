import CSystem

/// What bale must know of the file system a file lies on, told by its
/// `f_type` (`fstatfs`, linux/magic.h): the one table every rule that
/// depends on it reads.
public enum FileSystemKind: Sendable, Equatable {
    /// One of the kernel's file systems whose regular files have sizes
    /// that mean nothing: /proc and /sys, and those made like them
    /// (debugfs, tracefs, securityfs, configfs, the cgroup trees). A file
    /// there is made as it is read: /proc's say they are empty, /sys's say
    /// 4,096 bytes and hold a line (`/sys/class/net/lo/mtu`: "65536\n").
    /// Read by its size, such a file "changed as it was read" every time,
    /// so `bale gzip` of it failed where GNU gzip and pigz compress what it
    /// holds; its bytes are read to the end instead, as a pipe's are. Nor
    /// is such a file mapped (`FileHasher`): a "regular" file there can be
    /// a device's memory (a PCI `resourceN`, as large as its window, where
    /// a read may have effects on the device) that read() refuses but a
    /// mapping would read.
    case pseudo
    /// FUSE (`FUSE_SUPER_MAGIC`): its files are never spliced into a
    /// worker's pipe, always read and written (`FrameChannel.splice` says
    /// why: with `direct_io`, a splice there once gave zeros without an
    /// error).
    case fuse
    /// Any other: sizes say what a file holds, and splice and mmap read it.
    case ordinary

    /// The `f_type` of each pseudo file system.
    private static let pseudoMagics: Set<Int> = [
        0x9fa0,      // proc
        0x62656572,  // sysfs
        0x64626720,  // debugfs
        0x74726163,  // tracefs
        0x73636673,  // securityfs
        0x62656570,  // configfs
        0x0027e0eb,  // cgroup
        0x63677270,  // cgroup2
    ]
    /// FUSE's `f_type`.
    private static let fuseMagic = 0x65735546

    /// The kind of the file system the file open on `fd` lies on; nil
    /// when that cannot be told (`fstatfs` failed).
    public static func of(_ fd: Int32) -> FileSystemKind? {
        let type = bale_filesystem_type(fd)
        if type < 0 { return nil }
        return pseudoMagics.contains(type) ? .pseudo : type == fuseMagic ? .fuse : .ordinary
    }
}
