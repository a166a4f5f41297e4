#if canImport(Glibc)
import Glibc
#endif

/// Reads part of one file of a batch job as it was listed, and says what
/// changed since: the reading and change check of one file, on a reader
/// thread (open, `fstat`, pread, close).
enum ListedFileReader {
    /// Reads `length` bytes of `file` at `offset`, checking that it is
    /// still the file listed (same device and inode); for its last part
    /// (`isLast`), also that it did not change or grow. Returns the bytes
    /// (none if it could not be read) and the problem, if any.
    static func read(_ file: SourceFile, offset: Int64, length: Int, isLast: Bool) -> ([UInt8], FileProblem?) {
        // O_NONBLOCK: a name replaced by a FIFO since the listing must not
        // hold this thread until a writer comes (it is then found replaced).
        let fd = withCString(file.path) { open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) }
        if fd < 0 { return ([], .unreadable(SystemError.current("open").reason)) }
        defer { FileIO.close(fd) }
        var now = stat()
        guard fstat(fd, &now) == 0, now.st_dev == file.info.st_dev, now.st_ino == file.info.st_ino else {
            return ([], .unreadable("replaced since it was listed"))
        }
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try FileIO.bytes(fd, upTo: length, at: offset)
        } catch {
            return ([], .unreadable("read error: \(error.reason)"))
        }
        if bytes.count < length { return ([], .changed) }
        if isLast {
            // fstat, as GNU tar checks: a file that grows after it is no
            // longer ours to see.
            if Int64(now.st_size) > Int64(file.info.st_size) { return (bytes, .grew) }
            // And a byte past the size it gave: a file whose size says
            // less than it holds (a /proc file says 0; a FUSE file system
            // may say what it likes) was compressed to its size, and its
            // input removed (`gzip -r`: a probe, exit 0). `gzip FILE`
            // looks the same way (`FileChunkCutter.grewWhileReading`).
            if SizeCheck.mayHoldMore(than: now), FileIO.holdsData(fd, at: offset + Int64(length)) { return (bytes, .grew) }
            if now.st_mtim.tv_sec != file.info.st_mtim.tv_sec || now.st_mtim.tv_nsec != file.info.st_mtim.tv_nsec {
                return (bytes, .changed)
            }
        }
        return (bytes, nil)
    }
}
