#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Reads files by path and hashes them (SHA-256), one after another: what
/// a worker does for each file of a `digestFiles` request (`bale sum`).
/// One hasher, one read buffer and one buffer for the NUL-terminated path
/// serve every file the worker is given.
///
/// A file is read with read() to its end, as sha256sum reads it. Its end
/// is the read that returns nothing, or, when the file was listed with a
/// size (`DigestTarget`), a read shorter than asked that brings it to that
/// size: a regular file reads short only at its end, so a small file
/// costs open, read and close (the read that returned nothing was a
/// quarter of the system calls of `bale sum` of a tree). A file that grew
/// or shrank since it was listed does not stop there and is read to the
/// read that returns nothing, so what is hashed is what read() to the end
/// gives, whatever happened to the file meanwhile.
///
/// A regular file listed with `mappedFrom` bytes or more is hashed from
/// a read-only mapping instead, a window at a time, so SHA-256 reads the
/// page cache's pages where they lie rather than a copy read() made of
/// them (measured in the README's "sum" paragraph). A file truncated while
/// it is hashed from its mapping raises SIGBUS at the first page past its
/// new end: the hash runs under a guard that catches it
/// (`SHA256.update(mapped:)`, CSystem's MappingGuard.c) and the file is
/// reported as changed while read, with no digest; a shrink that stays
/// within the last mapped page raises nothing, so the size is looked at
/// again once hashed. What lies past the mapped size (the file grew) is
/// read with read() to its end, as for any file.
///
/// A regular file whose change time moved while it was hashed, mapped or
/// not, or which then holds fewer bytes than were hashed, is reported
/// changed while read, with no digest (`HashedFileStamp`): what was hashed
/// may be half old bytes, half new.
final class FileHasher {
    /// The read buffer's size: a file up to this size is read at once.
    static let bufferSize = 1 << 20
    /// The listed size from which a file is hashed from a mapping. Below
    /// it mapping measured no better than read() (files of 2 and 8 MiB)
    /// or worse (512 KiB: 3-4% more CPU, the mapping's own calls); from
    /// 32 MiB on it measured better (README, "sum" of large files).
    static let mappedFrom: Int64 = 32 << 20
    /// How much of a file is mapped at a time: a window is unmapped once
    /// hashed, so the worker's resident memory stays bounded by it
    /// whatever the file's size.
    static let mappingWindow = 32 << 20

    private let hasher = SHA256()
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
    /// The path being opened, with its NUL (grown as paths need).
    private var pathBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)

    init() {}

    deinit {
        buffer.deallocate()
        pathBuffer.deallocate()
    }

    /// The digest of the file at `path` (bytes, no NUL), listed with
    /// `listedSize` (see above; nil: none), read from `start` to its end,
    /// or the errno of what failed.
    func digest(ofFileAt path: UnsafeRawBufferPointer, listedSize: Int64?, from start: Int64 = 0) -> WorkReply.FileDigest {
        if pathBuffer.count <= path.count {
            pathBuffer.deallocate()
            pathBuffer = .allocate(byteCount: 2 * path.count + 1, alignment: 1)
        }
        if let start = path.baseAddress { pathBuffer.baseAddress!.copyMemory(from: start, byteCount: path.count) }
        pathBuffer[path.count] = 0
        let fd: Int32, openStamp: HashedFileStamp?
        switch DigestTarget.open(pathBuffer.baseAddress!.assumingMemoryBound(to: CChar.self), listedSize: listedSize) {
        case .file(let opened, _, let stamp): (fd, openStamp) = (opened, stamp)
        case .failed(let outcome): return outcome
        }
        defer { FileIO.close(fd) }
        return digest(ofOpenFile: fd, listedSize: listedSize, from: start, stamp: openStamp)
    }

    /// The digest of the file open on `fd` (opened by `DigestTarget.open`,
    /// its offset at its start, `stamp` what that open saw of it), listed
    /// with `listedSize`, read from `start` to its end, or the errno of
    /// what failed. `FileBatchHasher`
    /// hashes a file that changed size through the descriptor it read it
    /// by, never opening its name again (which might by then be a FIFO's,
    /// and hold the worker).
    func digest(ofOpenFile fd: Int32, listedSize: Int64?, from start: Int64 = 0,
                stamp opened: HashedFileStamp? = nil) -> WorkReply.FileDigest {
        var position = start
        // A regular file is judged at its end against what it was at its
        // start (`HashedFileStamp`: the one `DigestTarget.open` took, or
        // one taken now).
        let stamp = listedSize == nil ? nil : opened ?? HashedFileStamp(fd)
        if start == 0, let listedSize, listedSize >= Self.mappedFrom {
            switch hashMapped(fd) {
            case .hashed(let size):
                // Then read() from there to its end: what the file gained
                // since it was mapped (mostly nothing: one read of 0 bytes).
                position = size
            case .changed:
                hasher.restart()
                return .changedWhileRead
            case .notMapped:
                break
            }
        }
        switch hashToEnd(fd, from: position, listedSize: listedSize) {
        case .failure(let failure):
            hasher.restart()
            return .unreadable(errno: failure.code)
        case .success(let end):
            if let stamp, !stamp.stillHolds(fd, hashed: end) {
                hasher.restart()
                return .changedWhileRead
            }
            return .digest(hasher.finish(), bytes: end - start)
        }
    }

    /// What hashing a file from its mapping came to.
    private enum MappedOutcome {
        /// Its first `size` bytes were hashed, and it still holds them.
        case hashed(size: Int64)
        /// It shrank while hashed (SIGBUS in a window, or a smaller size after).
        case changed
        /// It is not a regular file, or could not be mapped: nothing was
        /// hashed, and read() is left to do it all.
        case notMapped
    }

    /// Hashes the regular file open on `fd` from a read-only mapping, to
    /// the size `fstat` gives, a window at a time (see above).
    private func hashMapped(_ fd: Int32) -> MappedOutcome {
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size >= Self.mappedFrom,
              Self.holdsPlainData(fd) else {
            return .notMapped
        }
        let size = Int64(status.st_size)
        var offset: Int64 = 0
        while offset < size {
            let length = Int(min(Int64(Self.mappingWindow), size - offset))
            guard let window = mmap(nil, length, PROT_READ, MAP_SHARED, fd, off_t(offset)), window != MAP_FAILED else {
                // Only the first window can fail to nothing hashed; later, read() takes over here.
                if offset == 0 { return .notMapped }
                return .hashed(size: offset)
            }
            madvise(window, length, MADV_SEQUENTIAL)
            let complete = hasher.update(mapped: UnsafeRawBufferPointer(start: window, count: length))
            munmap(window, length)
            guard complete else { return .changed }
            offset += Int64(length)
        }
        guard fstat(fd, &status) == 0, Int64(status.st_size) >= size else { return .changed }
        return .hashed(size: size)
    }

    /// Whether the file open on `fd` lies on a file system of plain data,
    /// one that may be mapped: not a pseudo file system's
    /// (`FileSystemKind.pseudo`), whose "regular" files read() reads as
    /// they intend, or fails.
    private static func holdsPlainData(_ fd: Int32) -> Bool {
        FileSystemKind.of(fd).map { $0 != .pseudo } ?? false
    }

    /// Hashes the file open on `fd` from `position` to its end; the
    /// offset of its end, or the errno of a failed read.
    private func hashToEnd(_ fd: Int32, from start: Int64, listedSize: Int64?) -> Result<Int64, ReadFailure> {
        var position = start
        if start > 0 && lseek(fd, off_t(start), SEEK_SET) < 0 { return .failure(ReadFailure(code: errno)) }
        while true {
            let got = read(fd, buffer.baseAddress!, buffer.count)
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(code: errno == 0 ? EIO : errno))
            }
            if got == 0 { return .success(position) }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            position += Int64(got)
            if got < buffer.count && position == listedSize { return .success(position) }
        }
    }

    /// The errno of a read that failed.
    private struct ReadFailure: Error {
        var code: Int32
    }
}
