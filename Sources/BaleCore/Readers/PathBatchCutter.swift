/// Hands the workers the files to hash (`bale sum`) in batches, one chunk
/// per batch: up to `batchFiles` small files, or a large one alone, as
/// the walk finds them. The walk hands its items over in groups (`next`
/// gives one group at a time), not one by one: with one item per hand-over
/// the walk and the two reader threads woke each other for every file
/// (52,000 futex calls for 12,000 files, with their task switches). The SHA-256 of one file is sequential, so one
/// large file is hashed on one core; several are hashed at once, each
/// on a worker of its own (`Chunk.isLongWork`), or two by two, side by
/// side on one worker (`FilePairHasher`: two files' SHA-256 rounds
/// interleaved go ~1.7 times as fast as one file's), when a group holds
/// enough large files for every worker to get a pair or one alone: of L
/// large files on W workers, min(L / 2, L - W) pairs, each of two files
/// next to each other in the list (the lines stay in its order). Two
/// large files on two workers stay one to a worker: paired, one worker
/// would take ~1.2 files' time with the other idle. Each chunk asks the worker to hash the batch's
/// files (`WorkRequest.digestFiles`: each one's path and listed size, or
/// that its size is found at its open) and carries the batch's items in its
/// context, for the printer (`DigestPrinter`) to print the lines of.
///
/// Files the walk listed without their sizes (`SumItem.isSized`) count
/// for nothing against `batchBytes`: their batches are cut by count, and
/// their workers give back what a batch should not hold (`FileBatchHasher`).
/// Those files come back through `handedBack` and go out again first, sized;
/// the cutter ends only once no batch out can give any back.
final class PathBatchCutter: ChunkCutter, @unchecked Sendable {  // state only under `monitor`
    private let batchFiles: Int
    private let batchBytes: Int64
    private let batchPathBytes: Int
    private let next: () -> [SumItem]?
    private let workers: Int
    private let handedBack: HandedBackFiles?
    private let monitor = Monitor()
    /// The walk gave its last group (`next` returned nil).
    private var walkEnded = false
    /// Items handed over and not yet in a batch.
    private var pending: ArraySlice<SumItem> = []
    /// Pairs of large files still to make among those in `pending`.
    private var pairsLeft = 0
    private var count: UInt64 = 0
    var chunkCount: UInt64 { monitor.withLock { count } }

    /// Batches the items `next` gives, a group at a time (nil: no more): at
    /// most `batchFiles` of them, of at most `batchBytes` together unless
    /// one alone is larger (files not sized count for nothing), their
    /// paths at most `batchPathBytes` but for the first (long paths: a
    /// batch of 256 deep ones held 10 MB of them, three times over).
    /// Large files are paired as `workers` workers allow (see above).
    /// Files given back come through `handedBack` (nil: every file is
    /// listed with its size, and none comes back).
    init(batchFiles: Int, batchBytes: Int64, batchPathBytes: Int = .max, workers: Int,
         handedBack: HandedBackFiles? = nil, next: @escaping () -> [SumItem]?) {
        self.batchFiles = batchFiles
        self.batchBytes = batchBytes
        self.batchPathBytes = batchPathBytes
        self.workers = workers
        self.handedBack = handedBack
        self.next = next
    }

    func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<[SumItem]>? {
        let claimed: (UInt64, [SumItem])? = monitor.withLock {
            var batch: [SumItem] = []
            var size: Int64 = 0
            var pathBytes = 0
            if let back = handedBack?.takeWaiting(), !back.isEmpty { take(back + pending) }
            if let first = nextItem(), first.size > batchBytes, pairsLeft > 0, pending.count > 1,
               pending[pending.startIndex + 1].size > batchBytes {
                batch = Array(pending.prefix(2))
                pending.removeFirst(2)
                pairsLeft -= 1
                defer { count += 1 }
                return (count, batch)
            }
            // A batch begun is sent as it is rather than held for files
            // that may come back (`nextItem(waiting:)`): held, it kept the
            // other workers idle until every batch out had come back.
            // The first batch of each worker is a quarter of the others:
            // the walk gives a tree's first few hundred files at once, and
            // its first batch took them all, to one worker, while the
            // others waited for what it handed back (100 files of 4 MB: 15
            // ms more than with sizes listed).
            let most = count < UInt64(workers) ? max(1, batchFiles / 4) : batchFiles
            while batch.count < most, let item = nextItem(waiting: batch.isEmpty) {
                if !batch.isEmpty && (size + item.size > batchBytes || pathBytes + item.path.count > batchPathBytes) { break }
                pending.removeFirst()
                batch.append(item)
                size += item.size
                pathBytes += item.path.count
            }
            guard !batch.isEmpty else { return nil }
            defer { count += 1 }
            return (count, batch)
        }
        guard let (sequence, batch) = claimed, admit(sequence) else { return nil }
        if SumItem.mayBeHandedBack(batch) { handedBack?.batchSent() }
        // A file larger than a batch is hashed alone, for as long as its
        // size takes: its worker gets nothing else meanwhile, so that a few
        // large files are hashed on as many workers at once.
        return Chunk(sequence: sequence, offset: 0,
                     request: .digestFiles(files: PieceTable(batch.map(\.target.encoded))), context: batch,
                     isLongWork: batch.allSatisfy { $0.size > batchBytes })
    }

    func jobFailed() { handedBack?.cancel() }

    /// The next item not yet batched, left in `pending`; nil when `next`
    /// has no more and no batch out can give files back, or (not
    /// `waiting`) none was given back yet. Called under `monitor`.
    private func nextItem(waiting: Bool = true) -> SumItem? {
        while pending.isEmpty {
            if !walkEnded, let group = next() {
                take(group)
                continue
            }
            walkEnded = true
            let back = waiting ? handedBack?.awaitMore() : handedBack?.takeWaiting()
            guard let back, !back.isEmpty else { return nil }
            take(back)
        }
        return pending.first
    }

    /// Makes `items` the ones to batch next, and counts the pairs of
    /// large files to make of them. Called under `monitor`.
    private func take<Items: Collection<SumItem>>(_ items: Items) {
        pending = ArraySlice(items)
        let large = pending.count { $0.size > batchBytes }
        pairsLeft = max(0, min(large / 2, large - workers))
    }
}
