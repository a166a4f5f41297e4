#if canImport(Glibc)
import Glibc
#endif

/// Whether a file may hold more than its size says, and is worth a read
/// past its end to find out: one with fewer blocks than bytes (a /proc
/// file: 0 blocks for its 0 bytes said; a FUSE file system that counts no
/// blocks). A file of a disk's file system has at least the blocks its
/// bytes need, but for a sparse file, which is read past too.
enum SizeCheck {
    static func mayHoldMore(than info: stat) -> Bool {
        info.st_size == 0 || Int64(info.st_blocks) * 512 < Int64(info.st_size)
    }
}
