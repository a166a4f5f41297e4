#if canImport(Glibc)
import Glibc
#endif

/// The main loop of a worker process: read a request frame from stdin, do
/// the CPU work, write the result frame to stdout, until stdin ends.
///
/// A worker handles one chunk at a time, in the order they arrive; the
/// parent keeps a second chunk waiting in the pipe so the worker never
/// idles between chunks. All the CPU work of a job happens here: deflate,
/// inflate and CRC-32, with the codec each request names (the level map's
/// by default, `CodecChoice`; the one `--codec` names). A chunk that fails (damaged data) is answered with
/// a `failed` frame and the worker carries on; a broken frame from the
/// parent ends the worker with exit status 3.
public enum WorkerLoop {
    /// Runs the loop on stdin/stdout; returns the process exit status.
    public static func run(input: Int32 = 0, output: Int32 = 1) -> Int32 {
        let requests = FrameChannel(fd: input)
        let results = FrameChannel(fd: output)
        let worker: ChunkWork
        do { worker = try ChunkWork() } catch {
            FileIO.report("bale worker: \(error)")
            return 3
        }
        let hooks = TestHooks()
        while true {
            let request: (WireFrame, [UInt8])?
            do { request = try requests.receive() } catch {
                FileIO.report("bale worker: \(error)")
                return 3
            }
            guard let (frame, payload) = request else { return 0 }
            if frame.sequence == hooks.killAt, hooks.fires() { kill(getpid(), SIGKILL) }
            if frame.sequence == hooks.stallAt, hooks.fires() { TestHooks.stallMidFrame(answering: frame, on: results) }
            do {
                try worker.handle(frame, payload: payload, replyingTo: results)
            } catch {
                // The parent went away or closed our output: nothing to do but stop.
                return 0
            }
        }
    }
}

/// Fault injection for the tests of worker recovery and process safety,
/// read from the environment (a worker inherits bale's):
///
/// - `BALE_TEST_KILL_WORKER_AT_CHUNK=N`: a worker given chunk N dies of
///   SIGKILL, as the kernel's OOM killer would end it;
/// - `BALE_TEST_STALL_WORKER_MID_FRAME=N`: a worker given chunk N writes
///   half of an answer frame and then sleeps, never finishing it;
/// - `BALE_TEST_HOOK_ONCE=PATH`: either hook fires only in the first
///   worker that creates PATH (O_EXCL), so the replacement worker does the
///   chunk (without it, every worker given chunk N fails: a poison chunk);
/// - `BALE_TEST_WORKER_FDS=DIR`: each worker, as it starts, writes the
///   descriptors it holds (`N -> TARGET` lines, from /proc/self/fd) to
///   DIR/PID, so a test can check that it inherited nothing.
struct TestHooks {
    let killAt = Self.number("BALE_TEST_KILL_WORKER_AT_CHUNK")
    let stallAt = Self.number("BALE_TEST_STALL_WORKER_MID_FRAME")
    private let once = getenv("BALE_TEST_HOOK_ONCE").map { String(cString: $0) }

    init() {
        if let directory = getenv("BALE_TEST_WORKER_FDS").map({ String(cString: $0) }) {
            Self.reportDescriptors(into: directory)
        }
    }

    private static func number(_ name: String) -> UInt64? {
        getenv(name).flatMap { UInt64(String(cString: $0)) }
    }

    /// Whether a hook fires in this worker: always, or with
    /// `BALE_TEST_HOOK_ONCE` only in the worker that claims its file.
    func fires() -> Bool {
        guard let once else { return true }
        let fd = open(once, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 { return false }
        close(fd)
        return true
    }

    /// Writes the header of an answer to `request` and half its payload,
    /// then sleeps until killed: a worker stalled in the middle of a frame.
    static func stallMidFrame(answering request: WireFrame, on results: FrameChannel) -> Never {
        let length = max(2, request.payloadLength)
        let header = WireFrame(kind: .compressed, sequence: request.sequence, payloadLength: length).encodedHeader()
        try? FileIO.write(results.fd, header + [UInt8](repeating: 0, count: length / 2))
        while true { sleep(3600) }
    }

    /// Lists the worker's open descriptors into DIR/PID (not counting the
    /// one the listing itself uses).
    private static func reportDescriptors(into directory: String) {
        guard let listing = opendir("/proc/self/fd") else { return }
        let own = dirfd(listing)
        var lines = ""
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name), fd != own else { continue }
            var target = [CChar](repeating: 0, count: 4096)
            let length = readlink("/proc/self/fd/\(name)", &target, target.count - 1)
            lines += "\(fd) -> \(length > 0 ? String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?")\n"
        }
        closedir(listing)
        let fd = open("\(directory)/\(getpid())", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd >= 0 {
            try? FileIO.write(fd, Array(lines.utf8))
            close(fd)
        }
    }
}

/// The work on one chunk, with the codec state a worker keeps between chunks.
///
/// A job uses one codec and level throughout, so the worker keeps the last
/// compressor and decompressor it made and makes a new one only when a
/// request asks for another.
final class ChunkWork {
    private var compressor: (codec: Codec, compressor: any Compressor)?
    private var decompressor: (codec: Codec, decompressor: any Decompressor)?
    private var output: UnsafeMutableRawBufferPointer
    private var readBuffer: [UInt8] = []

    init() throws(CodecError) {
        output = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit { output.deallocate() }

    private func reserve(_ count: Int) {
        if output.count < count {
            output.deallocate()
            output = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        }
    }

    /// Does the request in `frame` and writes its answer (built in place
    /// in `output`) to `results`; a request that fails is answered with
    /// a `failed` reply. Throws only when the answer cannot be written.
    func handle(_ frame: WireFrame, payload: [UInt8], replyingTo results: FrameChannel) throws(SystemError) {
        let started = RunSummary.now()
        do {
            let (request, kind) = try WorkRequest.decode(frame, payload: payload)
            let length: Int
            switch (request, kind) {
            case (.compress(let data), .compress(let compression)):
                length = try compress(data, codec: compression.codec, level: compression.level)
            case (.compressPieces(let pieces), .compress(let compression)):
                length = try compressPieces(pieces, codec: compression.codec, level: compression.level)
            case (.inflate(let member, let expectedLength), .inflate(let codec)):
                length = try inflate(member, codec: codec, expectedLength: expectedLength)
            case (.digestFiles(let paths), _):
                length = try digestFiles(paths)
            default:
                preconditionFailure("WorkRequest.decode pairs each request with its kind")
            }
            let nanoseconds = UInt64(max(0, (RunSummary.now() - started) * 1e9))
            try results.send(
                WorkReply.frame(answering: request, sequence: frame.sequence, workerNanoseconds: nanoseconds,
                                payloadLength: length),
                payload: UnsafeRawBufferPointer(rebasing: output[0..<length]))
        } catch let error as CodecError {
            let (failure, reason) = WorkReply.failure(sequence: frame.sequence, reason: error.description)
            try results.send(failure, payload: reason)
        } catch let error as SystemError {
            throw error
        } catch {
            fatalError("unexpected error \(error)")
        }
    }

    /// Builds a whole gzip member from `data` in `output`; returns its length.
    private func compress(_ data: [UInt8], codec: Codec, level: Int32) throws(CodecError) -> Int {
        let deflater = try compressor(codec, level)
        reserve(GzipMember.headerLength + deflater.bound(data.count) + GzipMember.trailerLength)
        return try typedThrows(CodecError.self) { try data.withUnsafeBytes { (input) throws(CodecError) -> Int in
            try member(of: input, at: 0, with: deflater)
        } }
    }

    /// Builds one member per piece, one after another in `output` after
    /// the piece table that says their lengths (a `compressedPieces`
    /// reply); returns the reply's length.
    private func compressPieces(_ pieces: PieceTable, codec: Codec, level: Int32) throws(CodecError) -> Int {
        let deflater = try compressor(codec, level)
        let table = PieceTable.tableLength(count: pieces.count)
        return try typedThrows(CodecError.self) { try pieces.payload.withUnsafeBytes { (bytes) throws(CodecError) -> Int in
            reserve(table + pieces.ranges.reduce(0) {
                $0 + GzipMember.headerLength + deflater.bound($1.count) + GzipMember.trailerLength
            })
            var written = table
            var lengths: [Int] = []
            lengths.reserveCapacity(pieces.count)
            for range in pieces.ranges {
                let length = try member(of: UnsafeRawBufferPointer(rebasing: bytes[range]), at: written,
                                        with: deflater)
                lengths.append(length)
                written += length
            }
            PieceTable.storeTable(lengths: lengths, into: output)
            return written
        } }
    }

    /// The worker's compressor for this codec and level, made on first use.
    private func compressor(_ codec: Codec, _ level: Int32) throws(CodecError) -> any Compressor {
        if compressor?.codec != codec || compressor?.compressor.level != level {
            compressor = nil  // free the old tables first
            compressor = (codec, try codec.makeCompressor(level: level))
        }
        return compressor!.compressor
    }

    /// Writes the member of `input` into `output` at `start` (which has
    /// room for it); returns the member's length.
    private func member(
        of input: UnsafeRawBufferPointer, at start: Int, with deflater: any Compressor
    ) throws(CodecError) -> Int {
        let header = GzipMember.headerLength
        let room = UnsafeMutableRawBufferPointer(
            rebasing: output[(start + header)..<(start + header + deflater.bound(input.count))])
        let deflated = try deflater.compress(input, into: room)
        let memberLength = header + deflated + GzipMember.trailerLength
        let slot = UnsafeMutableRawBufferPointer(rebasing: output[start..<(start + memberLength)])
        GzipMember.writeHeader(into: slot, memberLength: memberLength, dataLength: input.count, extraFlags: deflater.extraFlags)
        GzipMember.writeTrailer(into: slot, at: header + deflated, crc: deflater.checksum(input), dataLength: input.count)
        return memberLength
    }

    /// Hashes each file named in a `digestFiles` request; writes one
    /// digest record per file into `output` and returns their length.
    ///
    /// The worker reads the files itself: sending their bytes through the
    /// pipe would cost more than hashing them (a pipe moves ~3.3 GB/s here,
    /// SHA-256 with the SHA instructions ~2 GB/s a core), and each file is
    /// still read once.
    private lazy var hasher = SHA256()

    private func digestFiles(_ table: PieceTable) throws(CodecError) -> Int {
        let paths = table.pieces
        let record = WorkReply.digestRecordLength
        reserve(record * paths.count)
        if readBuffer.isEmpty { readBuffer = [UInt8](repeating: 0, count: 1 << 20) }
        for (index, path) in paths.enumerated() {
            var failure: Int32 = 0
            var digest = [UInt8](repeating: 0, count: 32)
            let fd = withCString(path) { open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY) }
            if fd < 0 {
                failure = errno
            } else {
                while true {
                    let got = readBuffer.withUnsafeMutableBytes { buffer in
                        (try? FileIO.read(fd, into: buffer.baseAddress!, count: buffer.count)) ?? -1
                    }
                    if got < 0 { failure = errno == 0 ? EIO : errno; break }
                    readBuffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
                    if got < readBuffer.count { break }
                }
                FileIO.close(fd)
                digest = hasher.finish()  // also empties it after a failed read
            }
            let slot = UnsafeMutableRawBufferPointer(rebasing: output[(record * index)..<(record * (index + 1))])
            WorkReply.storeDigest(failure != 0 ? .unreadable(errno: failure) : .digest(digest), into: slot)
        }
        return record * paths.count
    }

    /// Inflates one bale member into `output`, checking every recorded
    /// size and the CRC; returns the data length.
    private func inflate(_ member: [UInt8], codec: Codec, expectedLength: Int) throws(CodecError) -> Int {
        if decompressor?.codec != codec {
            decompressor = (codec, try codec.makeDecompressor())
        }
        let inflater = decompressor!.decompressor
        guard expectedLength <= GzipMember.maximumDataLength else {
            throw CodecError.corrupt("member sizes do not match its header")
        }
        reserve(max(expectedLength, 1))
        let data = UnsafeMutableRawBufferPointer(rebasing: output[0..<expectedLength])
        return try typedThrows(CodecError.self) { try member.withUnsafeBytes { (bytes) throws(CodecError) -> Int in
            try GzipMember.inflate(bytes, expectedLength: expectedLength, with: inflater, into: data)
        } }
    }
}
