/// Cuts a stream that can only be read in order (a pipe, a terminal,
/// standard input) into fixed-size chunks.
///
/// Only one thread can read a stream, so the read happens under the
/// cutter's lock; extra reader threads simply wait their turn. The workers
/// still compress in parallel.
public final class StreamChunkCutter: ChunkCutter, @unchecked Sendable {  // state only under `monitor`
    private let fd: Int32
    private let path: String
    private let chunkSize: Int
    private let monitor = Monitor()
    private var next: UInt64 = 0
    private var offset: Int64 = 0
    private var ended = false

    public init(fd: Int32, path: String, chunkSize: Int) {
        self.fd = fd
        self.path = path
        self.chunkSize = chunkSize
    }

    public var chunkCount: UInt64 { monitor.withLock { next } }

    public func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Void>? {
        try typedThrows(BaleError.self) { try monitor.withLock { () throws(BaleError) -> Chunk<Void>? in
            guard !ended, admit(next) else { return nil }
            let bytes: [UInt8]
            do throws(SystemError) {
                bytes = try readBytes(count: chunkSize) { (buffer) throws(SystemError) in
                    try FileIO.read(fd, into: buffer, count: chunkSize)
                }
            } catch { throw .readFailed(path: path, error) }
            if bytes.count < chunkSize { ended = true }
            // An empty read after at least one chunk adds nothing; an empty
            // stream is one empty chunk (a valid, empty gzip file).
            if bytes.isEmpty && next > 0 { return nil }
            defer {
                next += 1
                offset += Int64(bytes.count)
            }
            return Chunk(sequence: next, offset: offset, request: .compress(data: bytes))
        } }
    }
}
