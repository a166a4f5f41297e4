/// Cuts many files into one stream of numbered chunks, for one pipeline
/// run over a whole tree (`bale gzip -r`).
///
/// The files come from `next` (the walk, running on its own thread), so
/// compressing starts with the first files found rather than after the
/// whole tree is listed. This type puts together the parts that each do
/// one job: `FileBatchPlanner` plans the chunks (small files in batches,
/// large ones in parts), `ListedFileReader` reads each file and checks it
/// is still as listed, `InOrderPartHasher` hashes a large file's parts in
/// order (`--manifest`), and the `FileLedger` records every file taken,
/// for the sink to cross off and the runner to ask after a failure.
///
/// Every chunk is read on a reader thread, so the `--io-threads` readers
/// read several batches at once. What the sink needs travels in the
/// chunk's context (`Unit`): the files, what went wrong reading each (its
/// piece or part is then empty) and, with `makesDigests`, the SHA-256 of
/// each file its chunk finishes.
public final class FileSetCutter: ChunkCutter, @unchecked Sendable {  // state only under `monitor`
    /// What reading one file, or one part of it, gave.
    public struct FileRead: Sendable {
        /// The file's place in the walk (the ledger's key).
        public var index: Int
        /// The file and where its output goes.
        public var task: FileTask
        /// What went wrong reading it (for a part: this part), if anything.
        public var problem: FileProblem?
        /// Its SHA-256 (with `makesDigests`), in the chunk that finishes it.
        public var digest: [UInt8]?
    }

    /// What one chunk holds: its context.
    public enum Unit: Sendable {
        /// Whole files, in walk order: the chunk's reply has one member per file.
        case files([FileRead])
        /// One part of a large file.
        case part(FileRead, FilePart)
    }

    private let makesDigests: Bool
    private let monitor = Monitor()
    private var planner: FileBatchPlanner
    private var sequenceCount: UInt64 = 0
    private let hasher = InOrderPartHasher()

    public var chunkCount: UInt64 { monitor.withLock { sequenceCount } }

    /// Cuts the files `next` gives (nil: no more) into chunks of
    /// `chunkSize`, or where their content says with `contentDefined`
    /// (`gzip -r --rsyncable`), entering each file in `ledger` as it is
    /// taken. With `makesDigests`, the SHA-256 of each file is taken as it
    /// is read (`gzip -r --manifest`).
    public init(chunkSize: Int, contentDefined: Bool = false, makesDigests: Bool = false, ledger: FileLedger,
                next: @escaping () -> FileTask?) {
        self.makesDigests = makesDigests
        planner = FileBatchPlanner(chunkSize: chunkSize, contentDefined: contentDefined, ledger: ledger, next: next)
    }

    public func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Unit>? {
        let claimed: (UInt64, FileBatchPlanner.Unit)? = monitor.withLock {
            guard let unit = planner.nextUnit() else { return nil }
            defer { sequenceCount += 1 }
            return (sequenceCount, unit)
        }
        guard let (sequence, unit) = claimed else { return nil }
        guard admit(sequence) else {
            hasher.stop()
            return nil
        }
        switch unit {
        case .files(let files):
            var pieces: [[UInt8]] = []
            var reads: [FileRead] = []
            pieces.reserveCapacity(files.count)
            reads.reserveCapacity(files.count)
            for file in files {
                let source = file.task.source
                let (bytes, problem) = ListedFileReader.read(source, offset: 0, length: Int(source.info.st_size),
                                                             isLast: true)
                reads.append(FileRead(index: file.index, task: file.task, problem: problem,
                                      digest: makesDigests ? SHA256.hash(bytes) : nil))
                pieces.append(bytes)
            }
            return Chunk(sequence: sequence, offset: 0, request: .compressPieces(PieceTable(pieces)),
                         context: .files(reads))
        case .part(let file, let part):
            let (bytes, problem) = ListedFileReader.read(file.task.source, offset: part.offset, length: part.length,
                                                         isLast: part.isLast)
            let digest = makesDigests ? hasher.hash(bytes, file: file.index, part: part.index, isLast: part.isLast) : nil
            return Chunk(sequence: sequence, offset: part.offset, request: .compress(data: bytes),
                         context: .part(FileRead(index: file.index, task: file.task, problem: problem, digest: digest),
                                        part))
        }
    }
}
