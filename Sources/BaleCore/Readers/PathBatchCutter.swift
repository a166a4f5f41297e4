/// Hands the workers the files to hash (`bale sum`) in batches, one chunk
/// per batch: up to `batchFiles` small files, or a large one alone, as
/// the walk finds them. The walk hands its items over in groups (`next`
/// gives one group at a time), not one by one: with one item per hand-over
/// the walk and the two reader threads woke each other for every file
/// (52,000 futex calls for 12,000 files, with their task switches). The SHA-256 of one file is sequential, so one
/// large file is hashed on one core; several are hashed at once, each
/// on a worker of its own (`Chunk.isLongWork`). Each chunk asks the worker to hash the batch's
/// files (`WorkRequest.digestFiles`: each one's path and listed size) and carries the batch's items in its
/// context, for the printer (`DigestPrinter`) to print the lines of.
final class PathBatchCutter: ChunkCutter, @unchecked Sendable {  // state only under `monitor`
    private let batchFiles: Int
    private let batchBytes: Int64
    private let next: () -> [SumItem]?
    private let monitor = Monitor()
    /// Items handed over and not yet in a batch.
    private var pending: ArraySlice<SumItem> = []
    private var count: UInt64 = 0
    var chunkCount: UInt64 { monitor.withLock { count } }

    /// Batches the items `next` gives, a group at a time (nil: no more): at
    /// most `batchFiles` of them, of at most `batchBytes` together unless
    /// one alone is larger.
    init(batchFiles: Int, batchBytes: Int64, next: @escaping () -> [SumItem]?) {
        self.batchFiles = batchFiles
        self.batchBytes = batchBytes
        self.next = next
    }

    func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<[SumItem]>? {
        let claimed: (UInt64, [SumItem])? = monitor.withLock {
            var batch: [SumItem] = []
            var size: Int64 = 0
            while batch.count < batchFiles, let item = nextItem() {
                if !batch.isEmpty && size + item.size > batchBytes { break }
                pending.removeFirst()
                batch.append(item)
                size += item.size
            }
            guard !batch.isEmpty else { return nil }
            defer { count += 1 }
            return (count, batch)
        }
        guard let (sequence, batch) = claimed, admit(sequence) else { return nil }
        // A file larger than a batch is hashed alone, for as long as its
        // size takes: its worker gets nothing else meanwhile, so that a few
        // large files are hashed on as many workers at once.
        return Chunk(sequence: sequence, offset: 0,
                     request: .digestFiles(files: PieceTable(batch.map(\.target.encoded))), context: batch,
                     isLongWork: batch.count == 1 && batch[0].size > batchBytes)
    }

    /// The next item not yet batched, left in `pending`; nil when `next`
    /// has no more. Called under `monitor`.
    private func nextItem() -> SumItem? {
        while pending.isEmpty {
            guard let group = next() else { return nil }
            pending = group[...]
        }
        return pending.first
    }
}
