#if canImport(Glibc)
import Glibc
#endif
import BaleCore
import CFuzzSupport

/// An in-memory file holding `bytes`, its offset at the start, for the
/// code that reads from a descriptor (`FrameChannel`, `GzipStreamDecoder`).
/// A memfd rather than a pipe: a pipe holds only 64 KiB without a reader
/// on another thread. The caller closes it.
public func memoryFile(holding bytes: UnsafeRawBufferPointer) -> Int32 {
    let fd = fuzz_memory_file()
    require(fd >= 0, "memfd_create failed: errno \(errno)")
    if let base = bytes.baseAddress {
        do { try FileIO.write(fd, from: base, count: bytes.count) } catch { require(false, "memfd write: \(error)") }
    }
    require(lseek(fd, 0, SEEK_SET) == 0, "lseek failed")
    return fd
}
