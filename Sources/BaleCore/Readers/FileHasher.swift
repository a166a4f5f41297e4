#if canImport(Glibc)
import Glibc
#endif

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
/// Tried and not kept: hashing files of 64 KiB and more from a mapping
/// (mmap, MADV_SEQUENTIAL, 4 MiB at a time, SIGBUS past a shrunken end
/// caught in C) instead of copying them out with read(): on the text
/// corpus the tree took 3% more CPU and its four large files the same
/// (0.73 s); SHA-256 reading the page cache's pages directly is slower
/// by what the copy saves.
final class FileHasher {
    /// The read buffer's size: a file up to this size is read at once.
    static let bufferSize = 1 << 20

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
    /// `listedSize` (see above; nil: none), or the errno of what failed.
    func digest(ofFileAt path: UnsafeRawBufferPointer, listedSize: Int64?) -> WorkReply.FileDigest {
        if pathBuffer.count <= path.count {
            pathBuffer.deallocate()
            pathBuffer = .allocate(byteCount: 2 * path.count + 1, alignment: 1)
        }
        if let start = path.baseAddress { pathBuffer.baseAddress!.copyMemory(from: start, byteCount: path.count) }
        pathBuffer[path.count] = 0
        let fd = open(pathBuffer.baseAddress!.assumingMemoryBound(to: CChar.self), O_RDONLY | O_CLOEXEC | O_NOCTTY)
        if fd < 0 { return .unreadable(errno: errno) }
        defer { FileIO.close(fd) }
        if let failure = hashToEnd(fd, listedSize: listedSize) {
            hasher.restart()
            return .unreadable(errno: failure)
        }
        return .digest(hasher.finish())
    }

    /// Hashes the file open on `fd` to its end; nil, or the errno of a
    /// failed read.
    private func hashToEnd(_ fd: Int32, listedSize: Int64?) -> Int32? {
        var position: Int64 = 0
        while true {
            let got = read(fd, buffer.baseAddress!, buffer.count)
            if got < 0 {
                if errno == EINTR { continue }
                return errno == 0 ? EIO : errno
            }
            if got == 0 { return nil }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            position += Int64(got)
            if got < buffer.count && position == listedSize { return nil }
        }
    }
}
