/// Plans the chunks of a batch job (`bale gzip -r`) from the files the
/// walk lists, as they come: which files go together in one chunk, and
/// which file is cut into parts. It only plans; reading is the cutter's.
///
/// The plan is fixed from the listed sizes, so a file that changes or
/// vanishes meanwhile changes nothing in it, and every chunk's context
/// says exactly which files or part it holds:
/// - Small files (up to one chunk) are put together, in walk order, into
///   batches of up to `batchFiles` files or `batchBytes` bytes. A batch is
///   one chunk whose pieces the worker compresses into one member each
///   (`WorkRequest.compressPieces`). Sent one by one, each small file
///   cost a trip through every stage: measured with `perf` on 75,745 files,
///   context switches and futex wake-ups took more CPU than deflate
///   (7.3 s one by one; 4.3 s in batches of 64 files or 1 MiB; 4.2 s with
///   128 files or 2 MiB; no better with 256 or 4 MiB, and more memory).
/// - A larger file is cut into chunks as `FileChunkCutter` does.
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
        /// Part `chunk` of `count` of a large file.
        case part(NumberedFile, chunk: UInt64, of: UInt64)
    }

    static let batchFiles = 128
    static let batchBytes = 2 << 20

    private let chunkSize: Int
    private let next: () -> FileTask?
    private let ledger: FileLedger
    private var fileCount = 0
    /// A large file that ended a batch, planned next.
    private var lookahead: NumberedFile?
    /// The large file being cut, and its next part.
    private var openPart: (file: NumberedFile, chunk: UInt64, of: UInt64)?
    private var exhausted = false

    /// Plans the files `next` gives (nil: no more) in chunks of `chunkSize`,
    /// entering each in `ledger`.
    init(chunkSize: Int, ledger: FileLedger, next: @escaping () -> FileTask?) {
        self.chunkSize = chunkSize
        self.ledger = ledger
        self.next = next
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
        if let part = openPart {
            openPart = part.chunk + 1 < part.of ? (part.file, part.chunk + 1, part.of) : nil
            return .part(part.file, chunk: part.chunk, of: part.of)
        }
        guard let first = take() else { return nil }
        let count = first.task.source.chunkCount(chunkSize)
        if count > 1 {
            openPart = (first, 1, count)
            return .part(first, chunk: 0, of: count)
        }
        var batch = [first]
        var size = Int(first.task.source.info.st_size)
        while batch.count < Self.batchFiles && size < Self.batchBytes, let more = take() {
            if more.task.source.chunkCount(chunkSize) > 1 {
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
