#if canImport(Glibc)
import Glibc
#endif

/// Plans the chunks of a batch job (`bale gzip -r`) from the files the
/// walk lists, as they come: which files go together in one chunk, and
/// which file is cut into parts. It only plans; reading is the cutter's.
///
/// The plan is fixed from the listed sizes, so a file that changes or
/// vanishes meanwhile changes nothing in it, and every chunk's context
/// says exactly which files or part it holds:
/// - Small files (up to one chunk) are put together, in walk order, into
///   batches, each until it holds `batchFiles` files or at least
///   `batchBytes` bytes (a file goes in whole). A batch is
///   one chunk whose pieces the worker compresses into one member each
///   (`WorkRequest.compressPieces`). Sent one by one, each small file
///   cost a trip through every stage: measured with `perf` on 75,745 files,
///   context switches and futex wake-ups took more CPU than deflate
///   (7.3 s one by one; 4.3 s in batches of 64 files or 1 MiB; 4.2 s with
///   128 files or 2 MiB; no better with 256 or 4 MiB, and more memory).
/// - A larger file is cut into parts as `FileChunkCutter` does: every
///   `chunkSize` bytes, or with `--rsyncable` (`contentDefined`) where its
///   content says (`ContentDefinedCuts`), so that `gzip -r --rsyncable`
///   writes each file's members exactly as `gzip --rsyncable FILE` does.
///   A content-defined cut is found by reading the part's bytes here, in
///   order, under the cutter's lock (the reader thread's read of the same
///   bytes then finds them in the page cache); a file too small to hold a
///   cut (a quarter of a chunk) goes in a batch as ever.
///
/// Every file taken from the walk is entered in the `FileLedger`. Not
/// thread-safe: the cutter calls it under its lock.
struct FileBatchPlanner {
    /// One file of the walk, numbered in walk order.
    struct NumberedFile: Sendable {
        /// Its place in the walk, from 0 (the ledger's key).
        var index: Int
        var task: FileTask
    }

    /// What one chunk holds.
    enum Unit {
        /// Whole files, in walk order, one piece each.
        case files([NumberedFile])
        /// One part of a large file.
        case part(NumberedFile, FilePart)
    }

    static let batchFiles = 128
    static let batchBytes = 2 << 20

    private let chunkSize: Int
    private let contentDefined: Bool
    private let next: () -> FileTask?
    private let ledger: FileLedger
    private var fileCount = 0
    /// A large file that ended a batch, planned next.
    private var lookahead: NumberedFile?
    /// The large file being cut, and where its next part starts.
    private var openFile: (file: NumberedFile, index: UInt64, offset: Int64)?
    private var exhausted = false
    /// The bytes a content-defined cut is looked for in.
    private var scan: [UInt8] = []

    /// Plans the files `next` gives (nil: no more) in chunks of `chunkSize`,
    /// or cut where their content says with `contentDefined`, entering
    /// each in `ledger`.
    init(chunkSize: Int, contentDefined: Bool = false, ledger: FileLedger, next: @escaping () -> FileTask?) {
        self.chunkSize = chunkSize
        self.contentDefined = contentDefined
        self.ledger = ledger
        self.next = next
    }

    /// True for a file cut into parts rather than put in a batch: one
    /// larger than a chunk, or with content-defined cuts one that may hold
    /// a cut.
    private func isCut(_ file: NumberedFile) -> Bool {
        let size = Int64(file.task.source.info.st_size)
        let smallest = contentDefined ? ContentDefinedCuts.minimum(chunkSize: chunkSize) : chunkSize
        return size > Int64(smallest)
    }

    /// The part of `file` that starts at `offset`.
    private mutating func part(of file: NumberedFile, index: UInt64, at offset: Int64) -> FilePart {
        let size = Int64(file.task.source.info.st_size)
        var length = Int(min(Int64(chunkSize), size - offset))
        if contentDefined { length = contentDefinedLength(of: file.task.source, at: offset) }
        return FilePart(index: index, offset: offset, length: length, isLast: offset + Int64(length) >= size)
    }

    /// The length of the content-defined part of `file` at `offset`. A
    /// file that cannot be opened, or is no longer the file listed, gets
    /// the fixed length: its reader finds the same and names the problem.
    private mutating func contentDefinedLength(of file: SourceFile, at offset: Int64) -> Int {
        let size = Int64(file.info.st_size)
        let fixed = Int(min(Int64(chunkSize), size - offset))
        let fd = withCString(file.path) { open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) }
        guard fd >= 0 else { return fixed }
        defer { FileIO.close(fd) }
        var now = stat()
        guard fstat(fd, &now) == 0, FileIdentity(now) == FileIdentity(file.info) else {
            return fixed
        }
        return ContentDefinedCuts.length(ofChunkAt: offset, in: fd, size: size, chunkSize: chunkSize, scan: &scan)
    }

    /// Takes the next file from the walk, numbered and entered in the ledger.
    private mutating func take() -> NumberedFile? {
        if let file = lookahead {
            lookahead = nil
            return file
        }
        guard !exhausted, let task = next() else {
            exhausted = true
            return nil
        }
        defer { fileCount += 1 }
        ledger.take(task, as: fileCount)
        return NumberedFile(index: fileCount, task: task)
    }

    /// The next unit; nil when the walk is done.
    mutating func nextUnit() -> Unit? {
        if let (file, index, offset) = openFile {
            let next = part(of: file, index: index, at: offset)
            openFile = next.isLast ? nil : (file, index + 1, offset + Int64(next.length))
            return .part(file, next)
        }
        guard let first = take() else { return nil }
        if isCut(first) {
            let next = part(of: first, index: 0, at: 0)
            if !next.isLast { openFile = (first, 1, Int64(next.length)) }
            return .part(first, next)
        }
        var batch = [first]
        var size = Int(first.task.source.info.st_size)
        while batch.count < Self.batchFiles && size < Self.batchBytes, let more = take() {
            if isCut(more) {
                // A large file ends the batch; it is planned next.
                lookahead = more
                break
            }
            batch.append(more)
            size += Int(more.task.source.info.st_size)
        }
        return .files(batch)
    }
}
