#if canImport(Glibc)
import Glibc
#endif

/// One file of a batch job, as the walk found it.
public struct SourceFile: Sendable {
    /// Where to read it (bytes: a file name may hold any).
    public var path: [UInt8]
    /// What `stat` said when it was listed: its size is what is compressed,
    /// its identity and time are checked again when it is read.
    public var info: stat

    public init(path: [UInt8], info: stat) {
        self.path = path
        self.info = info
    }

    /// Chunks of `chunkSize` the file is cut into (one, even when empty).
    func chunkCount(_ chunkSize: Int) -> UInt64 {
        max(1, UInt64((Int64(info.st_size) + Int64(chunkSize) - 1) / Int64(chunkSize)))
    }
}

/// One file of a batch job and where its output goes.
public struct FileTask: Sendable {
    public var source: SourceFile
    public var target: [UInt8]
    /// Remove the input once the output is in place (no -k, no --out-dir).
    public var removesSource: Bool
    /// The output gets the input's owner without a chown: the input is
    /// ours and the output's directory is not setgid.
    public var ownerComesFree: Bool

    public init(source: SourceFile, target: [UInt8], removesSource: Bool, ownerComesFree: Bool = false) {
        self.source = source
        self.target = target
        self.removesSource = removesSource
        self.ownerComesFree = ownerComesFree
    }
}

/// Cuts many files into one stream of numbered chunks, for one pipeline
/// run over a whole tree (`bale gzip -r`).
///
/// The files come from `next` (the walk, running on its own thread), so
/// compressing starts with the first files found rather than after the
/// whole tree is listed. The plan is fixed from the listed sizes as files
/// come in, so a file that changes or vanishes meanwhile changes nothing
/// in it, and the sink knows where every file's output begins and ends:
/// - Small files (up to one chunk) are put together, in walk order, into
///   batches of up to `batchFiles` files or `batchBytes` bytes. A batch is
///   one chunk whose pieces the worker compresses into one member each
///   (`WireFrame.Kind.compressPieces`). Sent one by one, each small file
///   cost a trip through every stage: measured with `perf` on 75,745 files,
///   context switches and futex wake-ups took more CPU than deflate
///   (7.3 s one by one; 4.3 s in batches of 64 files or 1 MiB; 4.2 s with
///   128 files or 2 MiB; no better with 256 or 4 MiB, and more memory).
/// - A larger file is cut into chunks as `FileChunkCutter` does.
///
/// Every chunk is read on a reader thread (open, `fstat`, pread, close), so
/// the `--io-threads` readers read several batches at once. What went wrong
/// with a file is recorded (`problem(of:)`) for the sink to act on; its
/// piece or chunks are then empty. The sink lets go of each unit and file
/// when it is done with them (`release`), so memory does not grow with the
/// number of files.
public final class FileSetCutter: ChunkCutter, @unchecked Sendable {
    /// What went wrong reading one file.
    public enum Problem: Sendable, Equatable {
        /// It could not be opened or read, or it is no longer the file that
        /// was listed; the text says why. Its output must be discarded.
        case unreadable(String)
        /// It shrank, or its time changed, while it was read: its output is
        /// not a faithful copy and must be discarded.
        case changed
        /// It grew while read: the output holds its listed size only, so
        /// the input must be kept.
        case grew
    }

    /// What one chunk holds.
    public enum Unit: Sendable, Equatable {
        /// Whole files, these indexes (in walk order), one piece each.
        case files(Range<Int>)
        /// Chunk `chunk` of the large file `file`.
        case part(file: Int, chunk: UInt64, of: UInt64)
    }

    static let batchFiles = 128
    static let batchBytes = 2 << 20

    private let next: () -> FileTask?
    private let chunkSize: Int
    private let monitor = Monitor()
    private var tasks: [Int: FileTask] = [:]
    private var units: [UInt64: Unit] = [:]
    private var fileCount = 0
    private var sequenceCount: UInt64 = 0
    private var lookahead: FileTask?
    private var openPart: (file: Int, chunk: UInt64, of: UInt64)?
    private var exhausted = false
    private var problems: [Int: Problem] = [:]

    public var chunkCount: UInt64 { monitor.withLock { sequenceCount } }

    /// Cuts the files `next` gives (nil: no more) into chunks of `chunkSize`.
    /// With `makesDigests`, the SHA-256 of each file is taken as it is read
    /// (`gzip -r --manifest`): `digest(of:)`.
    public init(chunkSize: Int, makesDigests: Bool = false, next: @escaping () -> FileTask?) {
        self.chunkSize = chunkSize
        self.makesDigests = makesDigests
        self.next = next
        hashedInOrder = hashing.makeCondition()
    }

    private let makesDigests: Bool
    /// Digests, and the hashers of large files: their parts are read on
    /// several threads at once but must be hashed in order, so a reader
    /// waits here for the part before its own (under its own lock, not the
    /// cutter's).
    private let hashing = Monitor()
    private let hashedInOrder: Monitor.Condition
    private var partHashers: [Int: (hasher: SHA256, next: UInt64)] = [:]
    private var digests: [Int: [UInt8]] = [:]
    /// Set when the job is cancelled: a part may then never be read, so
    /// nobody waits for it.
    private var hashingStopped = false

    /// File `index`'s SHA-256 (with `makesDigests`), once its last chunk is read;
    /// taking it forgets it.
    public func takeDigest(of index: Int) -> [UInt8]? {
        hashing.withLock { digests.removeValue(forKey: index) }
    }

    private func hash(_ bytes: [UInt8], file index: Int, part: UInt64, of count: UInt64) {
        guard makesDigests else { return }
        if count == 1 {
            let digest = SHA256.hash(bytes)
            hashing.withLock { digests[index] = digest }
            return
        }
        hashing.withLock {
            if part == 0 { partHashers[index] = (SHA256(), 0) }
            while partHashers[index]?.next != part {
                if hashingStopped { return }
                hashing.wait(hashedInOrder)
            }
            let hasher = partHashers[index]!.hasher
            bytes.withUnsafeBytes { hasher.update($0) }
            if part + 1 == count {
                digests[index] = hasher.finish()
                partHashers[index] = nil
            } else {
                partHashers[index]!.next = part + 1
            }
            hashedInOrder.broadcast()
        }
    }

    /// The unit of chunk `sequence` (planned before the chunk was read).
    public func unit(_ sequence: UInt64) -> Unit? { monitor.withLock { units[sequence] } }

    /// File `index` of the walk.
    public func task(_ index: Int) -> FileTask? { monitor.withLock { tasks[index] } }

    /// Forgets chunk `sequence` and the files it finished (the sink is done).
    public func release(_ sequence: UInt64, files: Range<Int>) {
        monitor.withLock {
            units[sequence] = nil
            for index in files {
                tasks[index] = nil
                problems[index] = nil
            }
        }
    }

    /// The files taken from the walk but not finished by the sink, in
    /// order: after a job that stopped, the inputs it left as they were.
    public var unfinished: [FileTask] {
        monitor.withLock { tasks.sorted { $0.key < $1.key }.map(\.value) + (lookahead.map { [$0] } ?? []) }
    }

    /// What went wrong with file `index`, if anything (final once its last
    /// chunk has been read).
    public func problem(of index: Int) -> Problem? {
        monitor.withLock { problems[index] }
    }

    /// Takes the next file from the walk (under the lock).
    private func take() -> (Int, FileTask)? {
        guard let task = lookahead ?? (exhausted ? nil : next()) else {
            exhausted = true
            return nil
        }
        lookahead = nil
        defer { fileCount += 1 }
        tasks[fileCount] = task
        return (fileCount, task)
    }

    /// Plans the next unit (under the lock); nil when the walk is done.
    private func plan() -> Unit? {
        if let part = openPart {
            let unit = Unit.part(file: part.file, chunk: part.chunk, of: part.of)
            openPart = part.chunk + 1 < part.of ? (part.file, part.chunk + 1, part.of) : nil
            return unit
        }
        guard let (first, task) = take() else { return nil }
        let count = task.source.chunkCount(chunkSize)
        if count > 1 {
            openPart = (first, 1, count)
            return .part(file: first, chunk: 0, of: count)
        }
        var end = first + 1
        var size = Int(task.source.info.st_size)
        while end - first < Self.batchFiles && size < Self.batchBytes, let (index, more) = take() {
            if more.source.chunkCount(chunkSize) > 1 {
                // A large file ends the batch; it is planned next.
                tasks[index] = nil
                fileCount -= 1
                lookahead = more
                break
            }
            end = index + 1
            size += Int(more.source.info.st_size)
        }
        return .files(first..<end)
    }

    public func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk? {
        let claimed: (UInt64, Unit, [Int: FileTask])? = monitor.withLock {
            guard let unit = plan() else { return nil }
            defer { sequenceCount += 1 }
            units[sequenceCount] = unit
            var files: [Int: FileTask] = [:]
            switch unit {
            case .files(let range): for index in range { files[index] = tasks[index] }
            case .part(let index, _, _): files[index] = tasks[index]
            }
            return (sequenceCount, unit, files)
        }
        guard let (sequence, unit, files) = claimed else { return nil }
        guard admit(sequence) else {
            hashing.withLock {
                hashingStopped = true
                hashedInOrder.broadcast()
            }
            return nil
        }
        switch unit {
        case .files(let range):
            // The piece table, then the pieces.
            var pieces: [[UInt8]] = []
            for index in range {
                let source = files[index]!.source
                let (bytes, problem) = read(source, offset: 0, length: Int(source.info.st_size), isLast: true)
                if let problem { record(problem, for: index) }
                hash(bytes, file: index, part: 0, of: 1)
                pieces.append(bytes)
            }
            return Chunk(sequence: sequence, offset: 0, bytes: PieceTable.encode(pieces), holdsPieces: true)
        case .part(let index, let chunk, let count):
            let source = files[index]!.source
            let offset = Int64(chunk) * Int64(chunkSize)
            let length = Int(min(Int64(chunkSize), Int64(source.info.st_size) - offset))
            let (bytes, problem) = read(source, offset: offset, length: length, isLast: chunk == count - 1)
            if let problem { record(problem, for: index) }
            hash(bytes, file: index, part: chunk, of: count)
            return Chunk(sequence: sequence, offset: offset, bytes: bytes)
        }
    }

    private func record(_ problem: Problem, for index: Int) {
        monitor.withLock {
            // The first problem met stands; "grew" never hides a worse one.
            if problems[index] == nil || problems[index] == .grew { problems[index] = problem }
        }
    }


    /// Reads one chunk of `file`, checking that it is still the file
    /// listed; on the last chunk, also that it did not change or grow.
    /// Returns the bytes (none if it could not be read) and the problem.
    private func read(_ file: SourceFile, offset: Int64, length: Int, isLast: Bool) -> ([UInt8], Problem?) {
        let fd = withCString(file.path) { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY) }
        if fd < 0 { return ([], .unreadable(SystemError.current("open").reason)) }
        defer { FileIO.close(fd) }
        var now = stat()
        guard fstat(fd, &now) == 0, now.st_dev == file.info.st_dev, now.st_ino == file.info.st_ino else {
            return ([], .unreadable("replaced since it was listed"))
        }
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try readBytes(count: length) { (buffer) throws(SystemError) in
                try FileIO.read(fd, into: buffer, count: length, at: offset)
            }
        } catch {
            return ([], .unreadable("read error: \(error.reason)"))
        }
        if bytes.count < length { return ([], .changed) }
        if isLast {
            // fstat, as GNU tar checks: a file that grows after it is no
            // longer ours to see.
            if Int64(now.st_size) > Int64(file.info.st_size) { return (bytes, .grew) }
            if now.st_mtim.tv_sec != file.info.st_mtim.tv_sec || now.st_mtim.tv_nsec != file.info.st_mtim.tv_nsec {
                return (bytes, .changed)
            }
        }
        return (bytes, nil)
    }
}
