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

/// Cuts many files into one stream of numbered chunks, for one pipeline
/// run over a whole tree (`bale gzip -r`).
///
/// The plan is fixed from the listed sizes before anything is read, so a
/// file that changes or vanishes meanwhile changes nothing in it, and the
/// sink knows where every file's output begins and ends:
/// - Small files (up to one chunk) are put together, in list order, into
///   batches of up to `batchFiles` files or `batchBytes` bytes. A batch is
///   one chunk whose pieces the worker compresses into one member each
///   (`WireFrame.Kind.compressPieces`). Sent one by one, each small file
///   cost a trip through every stage: measured with `perf` on 75,745 files,
///   context switches and futex wake-ups took more CPU than deflate.
/// - A larger file is cut into chunks as `FileChunkCutter` does.
///
/// Every chunk is read on a reader thread (open, `fstat`, pread, close), so
/// the `--io-threads` readers read several batches at once. What went wrong
/// with a file is recorded (`problem(of:)`) for the sink to act on; its
/// piece or chunks are then empty.
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
        /// Whole files, these indexes of the list, one piece each.
        case files(Range<Int>)
        /// Chunk `chunk` of the large file `file`.
        case part(file: Int, chunk: UInt64, of: UInt64)
    }

    static let batchFiles = 64
    static let batchBytes = 1 << 20

    private let files: [SourceFile]
    private let chunkSize: Int
    /// The plan: chunk `n` holds `units[n]`.
    public let units: [Unit]
    private let monitor = Monitor()
    private var nextSequence = 0
    private var problems: [Int: Problem] = [:]

    public var chunkCount: UInt64 { UInt64(units.count) }

    public init(files: [SourceFile], chunkSize: Int) {
        self.files = files
        self.chunkSize = chunkSize
        var units: [Unit] = []
        var batch = 0..<0
        var batchSize = 0
        for (index, file) in files.enumerated() {
            let count = file.chunkCount(chunkSize)
            if count > 1 {
                if !batch.isEmpty { units.append(.files(batch)) }
                batch = (index + 1)..<(index + 1)
                batchSize = 0
                units += (0..<count).map { .part(file: index, chunk: $0, of: count) }
                continue
            }
            if batch.isEmpty { batch = index..<index }
            batch = batch.lowerBound..<(index + 1)
            batchSize += Int(file.info.st_size)
            if batch.count >= Self.batchFiles || batchSize >= Self.batchBytes {
                units.append(.files(batch))
                batch = (index + 1)..<(index + 1)
                batchSize = 0
            }
        }
        if !batch.isEmpty { units.append(.files(batch)) }
        self.units = units
    }

    /// What went wrong with file `index`, if anything (final once its last
    /// chunk has been read).
    public func problem(of index: Int) -> Problem? {
        monitor.withLock { problems[index] }
    }

    public func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk? {
        let claimed: Int? = monitor.withLock {
            guard nextSequence < units.count else { return nil }
            defer { nextSequence += 1 }
            return nextSequence
        }
        guard let claimed, admit(UInt64(claimed)) else { return nil }
        switch units[claimed] {
        case .files(let range):
            // The piece table, then the pieces.
            var pieces: [[UInt8]] = []
            for index in range {
                let length = Int(files[index].info.st_size)
                let (bytes, problem) = read(files[index], offset: 0, length: length, isLast: true)
                if let problem { record(problem, for: index) }
                pieces.append(bytes)
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(4 + 4 * pieces.count + pieces.reduce(0) { $0 + $1.count })
            Self.append(UInt32(pieces.count), to: &bytes)
            for piece in pieces { Self.append(UInt32(piece.count), to: &bytes) }
            for piece in pieces { bytes += piece }
            return Chunk(sequence: UInt64(claimed), offset: 0, bytes: bytes, holdsPieces: true)
        case .part(let index, let chunk, let count):
            let file = files[index]
            let offset = Int64(chunk) * Int64(chunkSize)
            let length = Int(min(Int64(chunkSize), Int64(file.info.st_size) - offset))
            let (bytes, problem) = read(file, offset: offset, length: length, isLast: chunk == count - 1)
            if let problem { record(problem, for: index) }
            return Chunk(sequence: UInt64(claimed), offset: offset, bytes: bytes)
        }
    }

    private func record(_ problem: Problem, for index: Int) {
        monitor.withLock {
            // The first problem met stands; "grew" never hides a worse one.
            if problems[index] == nil || problems[index] == .grew { problems[index] = problem }
        }
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
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
