#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Asks the kernel to read a range of a file into the page cache, ahead
/// of the feeder's splice (or the cutter's read), unless it is there
/// already: the readers wait for the disk so that the feeder and the
/// workers do not.
///
/// The asking (`posix_fadvise` WILLNEED) is not free when the pages are
/// already cached, as they are for a file just written or read: the
/// kernel walks the range page by page to find nothing to read. Measured
/// with perf on the bench's `text` corpus in the page cache, it took 9.7%
/// of all samples of `gzip -1` (a 4 MiB chunk at a time, 1,024 pages each)
/// and 4.8% of `gunzip` of bale's own file, on the reader threads. So a
/// range of more than `probedAbove` bytes is advised only when its first
/// or its last byte is not in the page cache (`bale_byte_is_cached`: a
/// read that would rather fail than wait). A file read or written in
/// order is cached whole or not from some point on; a range cached only
/// at both ends is read by the splice itself, as on a file system that
/// takes no advice, only without the reads ahead.
enum ReadAhead {
    /// Ranges up to this many bytes are advised without looking first
    /// (their walk costs about what the look does).
    static let probedAbove: Int64 = 256 << 10

    /// Asks for `length` bytes of `fd` from `offset`. Advice, not a read:
    /// where the kernel takes none, the reads come when the bytes are used.
    static func ask(_ fd: Int32, offset: Int64, length: Int64) {
        guard length > 0 else { return }
        if length > probedAbove, bale_byte_is_cached(fd, offset) == 1,
           bale_byte_is_cached(fd, offset + length - 1) == 1 { return }
        _ = posix_fadvise(fd, off_t(offset), off_t(length), POSIX_FADV_WILLNEED)
    }
}
