#if canImport(Glibc)
import Glibc
#endif

/// One file a worker is asked to hash (`WorkRequest.digestFiles`, one
/// piece each): its path, the size it had when it was listed, when
/// that size is a regular file's (the walk's files; `-c`'s when `stat`
/// says so), and where to start reading it (standard input given as a
/// file is hashed from where its offset stood, as sha256sum reads it).
///
/// The size lets the worker stop at the read that brings the file to it
/// (`FileHasher`), instead of reading once more for the end: a small file
/// then costs open, read and close.
///
/// A regular file the walk did not stat (`sizeAtOpen`) is sized by the
/// worker, by the `fstat` it makes of every regular file it opens.
///
/// A file the walk found below a directory given carries the identity of
/// the directory it was listed in (`directory`): the worker opens the
/// file there only if the path still leads to that directory, and never
/// follows a symbolic link in the file's own place. Between the walk and
/// the hash, a directory of the tree replaced by a link to another one
/// would otherwise have the worker hash a file outside the tree under a
/// name inside it (the walk follows no link below a path given); such a
/// file is `changedWhileRead` instead ("file changed as we read it").
///
/// A piece is the size (u64, little-endian; all ones: none; all ones but
/// the lowest bit: `sizeAtOpen`), the offset to start at (u64,
/// little-endian), the directory's device and inode (u64 each,
/// little-endian; both zero: none), then the path.
struct DigestTarget: Equatable {
    /// What the worker opens.
    var path: [UInt8]
    /// The regular file's size when listed, or nil (a negative one is sent as none).
    var listedSize: Int64?
    /// Where the worker starts reading (0 but for standard input).
    var startOffset: Int64 = 0
    /// A regular file listed without its size (`SumItem.isSized`): the
    /// worker takes it from the file when it opens it.
    var sizeAtOpen = false
    /// The directory the walk listed the file in, or nil for a path given
    /// (or a manifest's line): see above.
    var directory: FileIdentity? = nil

    /// The size field of a `sizeAtOpen` piece.
    static let sizeAtOpenMark = UInt64.max - 1

    /// Opens the file at `path` for a worker to hash: its descriptor, or
    /// the outcome to report instead. A file listed as a regular one
    /// (`listedSize`) is opened without waiting (O_NONBLOCK, which a
    /// regular file ignores) and must still be regular: its name may have
    /// been given to a FIFO or a device since it was listed, and opening
    /// or reading that would hold the worker until it is taken for hung
    /// (`--worker-timeout`) and the batch fails as a poison chunk naming no
    /// file. It is `changedWhileRead` instead ("file changed as we read
    /// it"; `-c`: "FAILED open or read"). A file listed without a size (a
    /// pipe or a device named) is opened as sha256sum opens it, waiting for
    /// a writer. An empty path stands for the standard input bale was
    /// started without (`SumItem.closedStandardInput`): EBADF, as
    /// sha256sum says of it, never a descriptor reopened through /proc.
    ///
    /// `in directory` (a descriptor on the directory `path` names its file
    /// in, and the file's name there): the file is opened relative to it,
    /// as `path` would open it, without walking the path again.
    ///
    /// `notALink`: the file was listed by the walk as a regular file of its
    /// directory (`sizeAtOpen`), where links are not followed: a symbolic
    /// link put in its place since is `changedWhileRead`, not followed.
    static func open(
        _ path: UnsafePointer<CChar>, listedSize: Int64?, in directory: (fd: Int32, name: UnsafePointer<CChar>)? = nil,
        notALink: Bool = false
    ) -> Opened {
        if path.pointee == 0 { return .failed(.unreadable(errno: EBADF)) }
        let flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | (listedSize == nil ? 0 : O_NONBLOCK) | (notALink ? O_NOFOLLOW : 0)
        let fd = directory.map { openat($0.fd, $0.name, flags) } ?? Glibc.open(path, flags)
        if fd < 0 { return .failed(notALink && errno == ELOOP ? .changedWhileRead : .unreadable(errno: errno)) }
        guard listedSize != nil else { return .file(fd, size: nil, stamp: nil) }
        var info = stat()
        if fstat(fd, &info) != 0 {
            let failure = errno
            FileIO.close(fd)
            return .failed(.unreadable(errno: failure))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            FileIO.close(fd)
            return .failed(.changedWhileRead)
        }
        info = SettledStatus.of(fd, as: info)
        return .file(fd, size: Int64(info.st_size), stamp: HashedFileStamp(info))
    }

    /// What `open` gave: the descriptor (the caller's to close) and, for
    /// a file opened as a regular one, its size by `fstat` and what it was
    /// as its hashing begins (`HashedFileStamp`, judged once it is read);
    /// or what to report for the file instead of a digest.
    enum Opened {
        case file(Int32, size: Int64?, stamp: HashedFileStamp?)
        case failed(WorkReply.FileDigest)
    }

    /// The bytes of the size, the offset and the directory before the path.
    static let numbersLength = 32

    /// The piece carrying this target.
    var encoded: [UInt8] {
        let size = sizeAtOpen ? Self.sizeAtOpenMark : listedSize.flatMap { UInt64(exactly: $0) } ?? .max
        let start = UInt64(max(0, startOffset))
        var numbers = [size, start, directory?.device ?? 0, directory?.inode ?? 0]
        for index in numbers.indices { numbers[index] = numbers[index].littleEndian }
        return numbers.withUnsafeBytes { Array($0) } + path
    }

    /// The size a piece lists (nil: none), its offset to start at, where
    /// its path lies in `piece`, whether its size is to be found at its
    /// open, and the directory it was listed in; nil when the piece is too
    /// short to hold the numbers.
    static func decode(_ piece: UnsafeRawBufferPointer) -> FileBatchHasher.Target? {
        guard piece.count >= numbersLength else { return nil }
        func number(_ index: Int) -> UInt64 {
            UInt64(littleEndian: piece.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))
        }
        let size = number(0)
        let directory = number(2) == 0 && number(3) == 0 ? nil : FileIdentity(device: number(2), inode: number(3))
        return (size <= UInt64(Int64.max) ? Int64(size) : nil, Int64(clamping: number(1)),
                UnsafeRawBufferPointer(rebasing: piece[numbersLength...]), size == sizeAtOpenMark, directory)
    }
}
