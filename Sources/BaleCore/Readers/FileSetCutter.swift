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

/// Cuts many files into one stream of numbered chunks: each small file is
/// one chunk, each large one several, in the order of the list, so that
/// one pipeline run compresses a whole tree (`bale gzip -r`).
///
/// Every chunk is read on a reader thread with its own open, `fstat` and
/// pread, so the `--io-threads` readers open and read many small files at
/// once, which is what a tree of small files is bound by. The chunks of
/// each file are fixed by its listed size before anything is read, so a
/// file that changes or vanishes meanwhile still gives exactly its number
/// of chunks (empty ones, if it cannot be read), and the sink knows where
/// every file begins and ends without waiting to be told. What went wrong
/// with a file is recorded (`problem(of:)`) for the sink to act on.
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

    private let files: [SourceFile]
    private let chunkSize: Int
    private let monitor = Monitor()
    private var nextSequence: UInt64 = 0
    private var fileIndex = 0
    private var chunkIndex: UInt64 = 0
    private var problems: [Int: Problem] = [:]

    public let chunkCount: UInt64

    public init(files: [SourceFile], chunkSize: Int) {
        self.files = files
        self.chunkSize = chunkSize
        chunkCount = files.reduce(0) { $0 + $1.chunkCount(chunkSize) }
    }

    /// What went wrong with file `index`, if anything (final once its last
    /// chunk has been read).
    public func problem(of index: Int) -> Problem? {
        monitor.withLock { problems[index] }
    }

    public func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk? {
        let claimed: (sequence: UInt64, file: Int, chunk: UInt64)? = monitor.withLock {
            guard fileIndex < files.count else { return nil }
            let claim = (nextSequence, fileIndex, chunkIndex)
            nextSequence += 1
            chunkIndex += 1
            if chunkIndex == files[fileIndex].chunkCount(chunkSize) {
                fileIndex += 1
                chunkIndex = 0
            }
            return claim
        }
        guard let claimed, admit(claimed.sequence) else { return nil }
        let file = files[claimed.file]
        let offset = Int64(claimed.chunk) * Int64(chunkSize)
        let length = Int(min(Int64(chunkSize), Int64(file.info.st_size) - offset))
        let isLast = claimed.chunk == file.chunkCount(chunkSize) - 1
        let (bytes, problem) = read(file, offset: offset, length: length, isLast: isLast)
        if let problem {
            monitor.withLock {
                // The first problem met stands; "grew" never hides a worse one.
                if problems[claimed.file] == nil || problems[claimed.file] == .grew { problems[claimed.file] = problem }
            }
        }
        return Chunk(sequence: claimed.sequence, offset: offset, bytes: bytes)
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
            let end = Int64(file.info.st_size)
            var probe: UInt8 = 0
            if Int64(now.st_size) > end || (try? FileIO.read(fd, into: &probe, count: 1, at: end)) == 1 {
                return (bytes, .grew)
            }
            if now.st_mtim.tv_sec != file.info.st_mtim.tv_sec || now.st_mtim.tv_nsec != file.info.st_mtim.tv_nsec {
                return (bytes, .changed)
            }
        }
        return (bytes, nil)
    }
}
