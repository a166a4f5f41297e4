#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where a job's output bytes go, in order: the collector thread (through
/// `OutputBytes`) and the streaming decoder call `write` with each piece.
/// A sink that needs to know what each chunk was is a `ResultSink`.
public protocol OutputSink: Sendable {
    /// Writes all of `bytes`, or throws naming the output and the cause.
    func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError)
    /// Writes all of `lent`'s bytes, which the sink may keep by holding
    /// their owner (by default they are written as any others).
    func write(lent: LentBytes) throws(BaleError)
    /// The data of another gzip member begins with the next byte written
    /// (one whose CRC-32 is checked only at its end, as it is written:
    /// `TrailerCheckingSink`); a sink that can say what that data is (a
    /// tar's entries) remembers it, to name what a failed check may have
    /// touched. By default nothing.
    func gzipMemberBegins()
    /// The input has nothing more for now (a pipe whose writer paused): a
    /// sink that keeps work back for batches does it now. By default nothing.
    func inputPauses()
}

extension OutputSink {
    public func write(lent: LentBytes) throws(BaleError) {
        try write(lent.bytes)
    }

    public func gzipMemberBegins() {}

    public func inputPauses() {}

    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws(BaleError) {
        var failure: BaleError?
        bytes.withUnsafeBytes { raw in
            do throws(BaleError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Feeds every byte read from `fd` (a plain, uncompressed tar, to its
    /// `TarStreamSink` or through `verify`'s `TarSniffer`), as it comes:
    /// one read at a time, up to 1 MiB, until the input ends. From a pipe
    /// or a terminal a read returns what is there, so an entry is extracted
    /// once its bytes arrived, as GNU tar extracts it: filling 1 MiB first
    /// kept whole entries waiting while the sender paused, and lost them
    /// to a SIGTERM in the pause. Before a read that would wait, the sink
    /// is told (`inputPauses`): the extractor writes the small files it
    /// queued for its batches.
    public func feedAll(from fd: Int32, name: String) throws(BaleError) {
        let size = 1 << 20
        var buffer = [UInt8](repeating: 0, count: size)
        var info = stat()
        let mayWait = fstat(fd, &info) != 0 || info.st_mode & S_IFMT != S_IFREG
        while true {
            if mayWait {
                var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&ready, 1, 0) == 0 { inputPauses() }
            }
            let count: Int
            do {
                count = try typedThrows(SystemError.self) {
                    try buffer.withUnsafeMutableBytes { (raw) throws(SystemError) -> Int in
                        try retryingOnInterrupt("read") { Glibc.read(fd, raw.baseAddress!, size) }
                    }
                }
            } catch { throw .readFailed(path: name, error) }
            if count == 0 { return }
            try typedThrows(BaleError.self) {
                try buffer.withUnsafeBytes { try write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            }
        }
    }
}

/// The output of one gzip/gunzip transform: a temporary file that becomes
/// the output when complete, standard output, or nothing (`-t`). Counts
/// the bytes it is given (the count is reachable only under its lock).
public final class OutputTarget: OutputSink, Sendable {
    /// The file, when the output is one.
    public let file: AtomicOutputFile?
    /// True to drop every byte (testing integrity only).
    public let discards: Bool
    private let count = Mutex<Int64>(0)

    public init(file: AtomicOutputFile?, discards: Bool) {
        self.file = file
        self.discards = discards
    }

    /// Bytes written so far.
    public var bytesWritten: Int64 { count.withLock { $0 } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        count.withLock { $0 += Int64(bytes.count) }
        if discards { return }
        if let file {
            try file.write(bytes)
            return
        }
        try StandardOutput.write(bytes)
    }
}
