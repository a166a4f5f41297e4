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
        if fd < 0 {
            // O_NOFOLLOW's ELOOP: the regular file listed is a symbolic link now.
            if errno == ELOOP { return ([], .unreadable("replaced by a symbolic link since it was listed")) }
            return ([], .unreadable(SystemError.current("open").reason))
        }
        defer { FileIO.close(fd) }
        var opened = stat()
        guard fstat(fd, &opened) == 0, FileIdentity(opened) == FileIdentity(file.info) else {
            return ([], .unreadable("replaced since it was listed"))
        }
        // The same inode, but no regular file: the file was removed and its
        // inode given to what took its name (ext4 gives it at once). Said
        // as `pack` says it; it was "read error: Illegal seek" (a FIFO) or
        // "Is a directory" (a probe helper).
        let type = opened.st_mode & S_IFMT
        guard type == S_IFREG else {
            return ([], .unreadable("replaced by \(SourceOpenFailure.describe(UInt32(type))) since it was listed"))
        }
        opened = SettledStatus.of(fd, as: opened)
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try FileIO.bytes(fd, upTo: length, at: offset)
        } catch {
            return ([], .unreadable("read error: \(error.reason)"))
        }
        if bytes.count < length { return ([], .changed) }
        if isLast {
            // fstat again, after the read, as GNU tar checks: a file that
            // grows after it is no longer ours to see.
            var now = stat()
            guard fstat(fd, &now) == 0 else { return ([], .unreadable(SystemError.current("fstat").reason)) }
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
            // And its change time, as GNU tar looks: a file rewritten in
            // place with its modification time set back (`rsync --inplace
            // -t`) while read was compressed torn, half old and half new,
            // exit 0 with -k or --out-dir (a probe). Against the time it had
            // as this read began when it is read whole here; a file in
            // parts, against the walk's (its first part was read by another
            // call). Not when it has several names: bale's own removal of
            // another of them (`gzip -r -f`, on the sink's thread, maybe
            // while this one is read) moves it, and its removal judges it
            // then (`InputRemoval`).
            let start = offset == 0 ? opened.st_ctim : file.info.st_ctim
            if now.st_nlink == 1, file.info.st_nlink == 1,
               now.st_ctim.tv_sec != start.tv_sec || now.st_ctim.tv_nsec != start.tv_nsec {
                return (bytes, .changed)
            }
        }
        return (bytes, nil)
    }
}
