import CSystem

/// The kernel's file systems whose regular files have sizes that mean
/// nothing: /proc and /sys, and those made like them (debugfs, tracefs,
/// securityfs, configfs, the cgroup trees). A file there is made as it is
/// read: /proc's say they are empty, /sys's say 4,096 bytes and hold a
/// line (`/sys/class/net/lo/mtu`: "65536\n"). Read by its size, such a
/// file "changed as it was read" every time, so `bale gzip` of it failed
/// where GNU gzip and pigz compress what it holds; its bytes are read to
/// the end instead, as a pipe's are. Nor is such a file mapped
/// (`FileHasher`): a "regular" file there can be a device's memory (a PCI
/// `resourceN`, as large as its window, where a read may have effects on
/// the device) that read() refuses but a mapping would read.
public enum PseudoFileSystem {
    /// The `f_type` of each (linux/magic.h).
    static let magics: Set<Int> = [
        0x9fa0,      // proc
        0x62656572,  // sysfs
        0x64626720,  // debugfs
        0x74726163,  // tracefs
        0x73636673,  // securityfs
        0x62656570,  // configfs
        0x0027e0eb,  // cgroup
        0x63677270,  // cgroup2
    ]

    /// Whether the file open on `fd` lies on such a file system (nil
    /// when that cannot be told).
    public static func holds(_ fd: Int32) -> Bool? {
        let type = bale_filesystem_type(fd)
        return type < 0 ? nil : magics.contains(type)
    }
}
