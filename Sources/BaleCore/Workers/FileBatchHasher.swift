#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Hashes the files of one `digestFiles` request (`bale sum`), what a
/// worker does with a batch: its regular files read whole, one after
/// another, into one buffer, then hashed side by side in lanes: sixteen on
/// AVX-512 or two interleaved on the CPU's SHA instructions, whichever the
/// CPU runs faster (`bale_sha256_many`, Sources/CSystem/SHA256Many.c); a
/// file alone in its batch (a large one), one listed without a size (a
/// pipe, a device), one that grew or shrank since it was listed, and
/// every file on a CPU with neither, read and hashed by itself
/// (`FileHasher`, libcrypto); two large files that are a batch together,
/// side by side on the SHA instructions (`FilePairHasher`).
///
/// Why: one file's SHA-256 is a chain of blocks, each waiting for the one
/// before, and the SHA instructions spend most of one chain waiting for
/// their own results; two files at once fill those waits. On the text
/// corpus's tree (12,103 files) the hashing was 41% of `bale sum`'s CPU
/// (the workers' libcrypto samples); a C loop on an AMD EPYC hashed 5 KB
/// to 1 MB messages at 1.35-1.57 GB/s a core with OpenSSL and 2.7-3.0
/// GB/s two at a time. On an Intel Xeon, whose SHA unit the pair fills
/// less (1.70 GB/s), sixteen lanes of AVX-512 reach 2.7-2.9 GB/s. The
/// files of a batch of several hold at most `PathBatchCutter`'s 4 MiB
/// together, so one buffer of that size takes them all; each lane takes
/// the next file as soon as its own is done, longest first, so that
/// little is left for few lanes at the end.
///
/// A file the walk listed without its size (`DigestTarget.sizeAtOpen`:
/// the walk took its type from its directory's listing and did not stat
/// it) is sized by the `fstat` of its open. Such a file is handed back
/// unhashed (`WorkReply.FileDigest.handedBack`, with its size) when it is
/// larger than a batch (`SumCommand.batchBytes`), even alone, to be sent
/// again alone or paired as a large file listed with its size (and with
/// the time limit its size gives, `WorkRequest.timeLimit`); and once the
/// request took `takenAtMost` bytes of such files, the rest are handed
/// back unopened, with the size `fstatat` gives them. That is how a batch cut by count without
/// sizes (`PathBatchCutter`) stays a batch's work: a directory of four
/// disk images, one batch of four, would otherwise be hashed on one
/// worker while the others wait (`HandedBackFiles`).
///
/// Each file read into the buffer is opened relative to its directory,
/// opened once for the files of a batch that share it (`DirectoryOfPaths`);
/// the files hashed by `FileHasher` or `FilePairHasher` are opened by
/// their whole path.
///
/// What is hashed is what `FileHasher` would hash: each file is read with
/// read() asking one byte more than its listed size, so the read that
/// returns the listed size is short and ends the file (a regular file
/// reads short only at its end); a file that returns more or less is read
/// again, from its start, by `FileHasher`, to the read that returns
/// nothing, through the descriptor it was first read by (its name is not
/// opened again: it could be a FIFO's by then).
final class FileBatchHasher {
    /// The buffer's size: a batch's files (4 MiB at most together), with
    /// room for the byte more that each read asks for.
    static let bufferSize = (4 << 20) + (4 << 10)

    /// One file of a request: the size it was listed with, the offset to
    /// start reading at, where its path lies in the request, whether its
    /// size is found when it is opened, and the directory the walk listed
    /// it in (`DigestTarget`).
    typealias Target = (listedSize: Int64?, startOffset: Int64, path: UnsafeRawBufferPointer, sizeAtOpen: Bool,
                        directory: FileIdentity?)

    /// How many bytes of files sized at their open one request takes: the
    /// files after them are handed back unopened (see above). 16 MiB, four
    /// batches' worth: the walk's batches of 256 files not sized hold ~5 MB
    /// on the text corpus (19 KB a file), which one request takes whole; a
    /// directory of many files of a few MB each is cut into requests of
    /// ~8 ms each on the SHA instructions.
    static let takenAtMost: Int64 = 4 * SumCommand.batchBytes

    private let single = FileHasher()
    private lazy var pair = FilePairHasher(buffers: buffer)
    /// Whether the CPU has the SHA instructions or AVX-512 `bale_sha256_many` needs.
    private let hasLanes = bale_sha256_many_available() != 0
    /// Whether the CPU has the SHA instructions `FilePairHasher` needs.
    private let hasPair = bale_sha256_pair_available() != 0
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
    /// The directory of the files being opened, opened once for all of
    /// them that share it (`DirectoryOfPaths`).
    private let directories = DirectoryOfPaths()

    /// A file read whole into `buffer`, waiting to be hashed.
    private struct Held {
        var index: Int
        var offset: Int
        var length: Int
    }

    init() {}

    deinit { buffer.deallocate() }

    /// Hashes `targets`, and gives each one's outcome to `deliver` with
    /// its index (in any order).
    func digests(of targets: [Target], deliver: (Int, WorkReply.FileDigest) -> Void) {
        // Two large files (`PathBatchCutter` pairs them, by the same
        // bound): side by side.
        if hasPair, targets.count == 2, targets.allSatisfy({ ($0.listedSize ?? 0) > SumCommand.batchBytes }),
           case .file(let one, _, let oneStamp) = open(targets[0]) {
            defer { FileIO.close(one) }
            if case .file(let two, _, let twoStamp) = open(targets[1]) {
                defer { FileIO.close(two) }
                let (first, second) = pair.digests((one, oneStamp), (two, twoStamp))
                deliver(0, first)
                deliver(1, second)
                directories.closeDirectory()
                return
            }
        }
        var held: [Held] = []
        var used = 0
        // The bytes of the files sized at their open that this request
        // took (see `takenAtMost`).
        var taken: Int64 = 0
        for (index, target) in targets.enumerated() {
            var fd: Int32 = -1
            var listedSize = target.listedSize
            var stamp: HashedFileStamp?
            if target.sizeAtOpen {
                if targets.count > 1 && taken >= Self.takenAtMost {
                    deliver(index, .handedBack(size: sizeByStat(of: target)))
                    continue
                }
                switch open(target) {
                case .file(let opened, let size, let opening):
                    (fd, stamp) = (opened, opening)
                    listedSize = size
                case .failed(let outcome):
                    deliver(index, outcome)
                    continue
                }
                if listedSize! > SumCommand.batchBytes {
                    FileIO.close(fd)
                    deliver(index, .handedBack(size: listedSize))
                    continue
                }
                taken += listedSize!
            }
            guard hasLanes, targets.count > 1, target.startOffset == 0, let size = listedSize,
                  size < Int64(buffer.count) else {
                if fd < 0 && target.directory != nil {
                    // Listed by the walk: opened where it was listed (see `open`).
                    switch open(target) {
                    case .file(let opened, _, let opening): (fd, stamp) = (opened, opening)
                    case .failed(let outcome):
                        deliver(index, outcome)
                        continue
                    }
                }
                if fd >= 0 {
                    deliver(index, single.digest(ofOpenFile: fd, listedSize: listedSize, stamp: stamp))
                    FileIO.close(fd)
                } else {
                    deliver(index, single.digest(ofFileAt: target.path, listedSize: target.listedSize, from: target.startOffset))
                }
                continue
            }
            let length = Int(size)
            if used + length + 1 > buffer.count {
                hash(held, deliver: deliver)
                held = []
                used = 0
            }
            if fd < 0 {
                switch open(target) {
                case .file(let opened, _, let opening): (fd, stamp) = (opened, opening)
                case .failed(let outcome):
                    deliver(index, outcome)
                    continue
                }
            }
            switch readWhole(fd, length: length, into: used) {
            case .read where stamp.map { !$0.stillHolds(fd, hashed: Int64(length)) } ?? false:
                // Written while it was read: one read() is not whole
                // against a write (torn 1 MiB files in 17 runs of 60, a
                // reading helper; sha256sum 14).
                deliver(index, .changedWhileRead)
            case .read:
                held.append(Held(index: index, offset: used, length: length))
                used += length
            case .changed:
                // Read again from its start, through the same descriptor:
                // its name, opened again, could be a FIFO's by now.
                if lseek(fd, 0, SEEK_SET) == 0 {
                    deliver(index, single.digest(ofOpenFile: fd, listedSize: size, stamp: stamp))
                } else {
                    deliver(index, .unreadable(errno: errno))
                }
            case .failed(let failure):
                deliver(index, .unreadable(errno: failure))
            }
            FileIO.close(fd)
        }
        hash(held, deliver: deliver)
        // The directory of a path deeper than PATH_MAX stays open for the
        // next request (`LongPathOpener`): given up after each, every
        // batch of a deep tree went down from the top again.
        directories.closeDirectory()
    }

    /// The size of `target`'s file by `fstatat` relative to its directory,
    /// for a file handed back unopened: sized, it goes out again in a
    /// batch cut by size, spread over the workers (handed back unsized,
    /// the rest of a batch of 256 files of a few MB went out again as one
    /// batch, to one worker, while the others waited). Nil when it is not
    /// a regular file now, or cannot be stat'ed: the worker that opens it
    /// says why.
    private func sizeByStat(of target: Target) -> Int64? {
        var info = stat()
        let found = directories.withDirectory(of: target.path, expecting: target.directory) { place in
            switch place {
            case .inDirectory(let fd, let name): return fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0
            case .wholePath: return withCString(Array(target.path)) { fstatat(AT_FDCWD, $0, &info, AT_SYMLINK_NOFOLLOW) } == 0
            case .replaced, .failed: return false
            }
        }
        return found && info.st_mode & S_IFMT == S_IFREG ? Int64(info.st_size) : nil
    }

    /// Opens `target`'s file as a regular one (`DigestTarget.open`),
    /// relative to its directory (`DirectoryOfPaths`).
    private func open(_ target: Target) -> DigestTarget.Opened {
        directories.withDirectory(of: target.path, expecting: target.directory) { place in
            let notALink = target.sizeAtOpen || target.directory != nil
            switch place {
            case .inDirectory(let fd, let name):
                return withCString(Array(target.path)) {
                    DigestTarget.open($0, listedSize: target.listedSize ?? 0, in: (fd, name), notALink: notALink)
                }
            case .wholePath:
                return withCString(Array(target.path)) {
                    DigestTarget.open($0, listedSize: target.listedSize ?? 0, notALink: notALink)
                }
            case .replaced: return .failed(.changedWhileRead)
            case .failed(let failure): return .failed(.unreadable(errno: failure))
            }
        }
    }

    private enum ReadOutcome {
        /// The file held its listed size, now at the offset asked.
        case read
        /// It did not end at its listed size.
        case changed
        /// Reading it failed: the errno.
        case failed(Int32)
    }

    /// Reads the file open on `fd` (by `DigestTarget.open`: a regular
    /// file) into `buffer` at `offset`, asking one byte more than `length`.
    private func readWhole(_ fd: Int32, length: Int, into offset: Int) -> ReadOutcome {
        var got = 0
        while true {
            let wanted = length + 1 - got
            let count = read(fd, buffer.baseAddress! + offset + got, wanted)
            if count < 0 {
                if errno == EINTR { continue }
                return .failed(errno == 0 ? EIO : errno)
            }
            got += count
            // A short read of a regular file is its end; a full one that
            // reaches the byte more, a file longer than listed.
            if count < wanted || got == length + 1 { break }
        }
        return got == length ? .read : .changed
    }

    /// Hashes the files `held` in `buffer`, side by side in lanes, longest
    /// first (`bale_sha256_many`), and delivers their digests.
    private func hash(_ held: [Held], deliver: (Int, WorkReply.FileDigest) -> Void) {
        guard !held.isEmpty else { return }
        let base = UnsafePointer(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
        let byLength = held.sorted { $0.length > $1.length }
        let messages: [UnsafePointer<UInt8>?] = byLength.map { base + $0.offset }
        let lengths = byLength.map(\.length)
        var digests = [UInt8](repeating: 0, count: 32 * byLength.count)
        bale_sha256_many(messages, lengths, Int32(byLength.count), &digests)
        for (position, file) in byLength.enumerated() {
            deliver(file.index, .digest(Array(digests[(32 * position)..<(32 * position + 32)]), bytes: Int64(file.length)))
        }
    }
}
