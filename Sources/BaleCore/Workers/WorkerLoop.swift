import CSystem
#if canImport(Glibc)
import Glibc
#endif

/// The main loop of a worker process: read a request frame from stdin, do
/// the CPU work, write the result frame to stdout, until stdin ends. A
/// request `compressInArena` names its bytes in the arena the worker shares with
/// bale (`WorkerArena`, mapped on first use); the answer goes there too
/// when it fits, and the frame then carries only its length. A
/// `compressToArena` or `inflateToArena` brings its bytes in the frame (a
/// chunk or member of a regular file, spliced into the pipe) and has its
/// answer go to the arena. A
/// frame's payload is read into an array of its own, but never a fresh
/// page: with the heap's thresholds raised (`MemoryTuning`), the chunk
/// before's freed buffer is the one malloc hands back.
///
/// A worker handles one chunk at a time, in the order they arrive; the
/// parent keeps a second chunk waiting in the pipe so the worker never
/// idles between chunks (but for a file's members in `gunzip`, which it
/// sends one at a time: `GunzipJob.membersInFlightToArena`). All the CPU work of a job happens here: deflate,
/// inflate, CRC-32 and `sum`'s SHA-256, with the codec each request names (the level map's
/// by default, `CodecChoice`; the one `--codec` names). A chunk that fails (damaged data) is answered with
/// a `failed` frame and the worker carries on; a broken frame from the
/// parent ends the worker with exit status 3.
public enum WorkerLoop {
    /// Runs the loop on stdin/stdout; returns the process exit status.
    public static func run(input: Int32 = 0, output: Int32 = 1) -> Int32 {
        nameAfterArgumentZero()
        let requests = FrameChannel(fd: input)
        let results = FrameChannel(fd: output)
        let hooks = TestHooks()
        let worker = ChunkWork(hooks: hooks)
        while true {
            let request: (WireFrame, [UInt8])?
            do { request = try requests.receive() } catch {
                // A request cut short by the end of its pipe: bale died
                // while writing it (SIGKILL, the OOM killer, a batch
                // system's time limit), for a live bale writes whole
                // frames and closes its pipe only between them. Nobody is
                // left to read a word about it, but the user's terminal or
                // the cron job's mail got one line per worker. Said of any
                // other broken frame; a bale still alive reports this
                // worker's exit status 3 itself.
                if case .truncated = error { return 3 }
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

extension WorkerLoop {
    /// Gives the process the name of the file its argv[0] names (`bale`):
    /// started from /proc/self/exe, the kernel names it "exe", and `pgrep
    /// -x bale`, `killall bale`, `top` and a batch system's accounting
    /// did not see the workers. (The kernel keeps 15 bytes of it.)
    static func nameAfterArgumentZero() {
        guard CommandLine.argc > 0, let zero = CommandLine.unsafeArgv[0] else { return }
        let path = Array(UnsafeRawBufferPointer(start: zero, count: strlen(zero)))
        let base = path.split(separator: UInt8(ascii: "/")).last.map { Array($0.prefix(15)) } ?? []
        guard !base.isEmpty else { return }
        withCString(base) { bale_set_thread_name($0) }
    }
}

/// Fault injection for the tests of worker recovery and process safety,
/// read from the environment (a worker inherits bale's):
///
/// - `BALE_TEST_KILL_WORKER_AT_CHUNK=N`: a worker given chunk N dies of
///   SIGKILL, as the kernel's OOM killer would end it;
/// - `BALE_TEST_STALL_WORKER_MID_FRAME=N`: a worker given chunk N writes
///   half of an answer frame and then sleeps, never finishing it;
/// - `BALE_TEST_SPOIL_WORKER_OUTPUT=N`: a worker given chunk N does the
///   work, then overwrites its answer (in the arena or its own buffer)
///   with garbage and dies of SIGKILL before it replies: a worker killed
///   while writing into its output part;
/// - `BALE_TEST_OVERSTATE_ARENA_REPLY=N`: a worker answers chunk N in the
///   arena with a length past its slot;
/// - `BALE_TEST_HOOK_ONCE=PATH`: any of these hooks fires only in the first
///   worker that creates PATH (O_EXCL), so the replacement worker does the
///   chunk (without it, every worker given chunk N fails: a poison chunk);
/// - `BALE_TEST_WORKER_FDS=DIR`: each worker, as it starts, writes the
///   descriptors it holds (`N -> TARGET, read-only` lines, from
///   /proc/self/fd, with each one's access mode) to DIR/PID, so a test can
///   check what it inherited.
struct TestHooks {
    let killAt = Self.number("BALE_TEST_KILL_WORKER_AT_CHUNK")
    let stallAt = Self.number("BALE_TEST_STALL_WORKER_MID_FRAME")
    let spoilAt = Self.number("BALE_TEST_SPOIL_WORKER_OUTPUT")
    let overstateAt = Self.number("BALE_TEST_OVERSTATE_ARENA_REPLY")
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
            let access: String
            switch fcntl(fd, F_GETFL) & O_ACCMODE {
            case O_RDONLY: access = "read-only"
            case O_WRONLY: access = "write-only"
            default: access = "read-write"
            }
            lines += "\(fd) -> \(length > 0 ? String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"), \(access)\n"
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
    private var mapped: WorkerArena?
    private let hooks: TestHooks

    init(hooks: TestHooks = TestHooks()) {
        self.hooks = hooks
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
    /// in `output`, or in the request's region of the shared arena) to
    /// `results`; a request that fails is answered with a `failed` reply.
    /// Throws only when the answer cannot be written.
    func handle(_ frame: WireFrame, payload: [UInt8], replyingTo results: FrameChannel) throws(SystemError) {
        let started = RunSummary.now()
        do {
            let (request, kind) = try WorkRequest.decode(frame, payload: payload)
            let answer: Answer
            switch (request, kind) {
            case (.compress(let data), .compress(let compression)):
                answer = .inBuffer(try typedThrows(CodecError.self) { try data.withUnsafeBytes { (input) throws(CodecError) -> Int in
                    try compress(input, codec: compression.codec, level: compression.level)
                } })
            case (.compressPieces(let pieces), .compress(let compression)):
                answer = .inBuffer(try compressPieces(pieces, codec: compression.codec, level: compression.level))
            case (.inflate(let member, let expectedLength), .inflate(let codec)):
                answer = .inBuffer(try typedThrows(CodecError.self) { try member.withUnsafeBytes { (input) throws(CodecError) -> Int in
                    try inflate(input, codec: codec, expectedLength: expectedLength, into: nil)
                } })
            case (.digestFiles(let files), _):
                answer = .inBuffer(try digestFiles(files))
            case (.compressInArena(let region), .compress(let compression)):
                answer = try compress(try arena().input(of: region), into: region, codec: compression.codec,
                                      level: compression.level)
            case (.compressToArena(let data, let region), .compress(let compression)):
                answer = try typedThrows(CodecError.self) { try data.withUnsafeBytes { (input) throws(CodecError) -> Answer in
                    try compress(input, into: region, codec: compression.codec, level: compression.level)
                } }
            case (.inflateToArena(let member, let expectedLength, let region), .inflate(let codec)):
                let room = try arena().output(of: region, expecting: expectedLength)
                answer = .inArena(try typedThrows(CodecError.self) { try member.withUnsafeBytes { (input) throws(CodecError) -> Int in
                    try inflate(input, codec: codec, expectedLength: expectedLength, into: room)
                } })
            default:
                preconditionFailure("WorkRequest.decode pairs each request with its kind")
            }
            if frame.sequence == hooks.spoilAt, hooks.fires() { spoilAndDie(answer, of: request) }
            let nanoseconds = UInt64(max(0, (RunSummary.now() - started) * 1e9))
            switch answer {
            case .inBuffer(let length):
                try results.send(
                    WorkReply.frame(answering: request, sequence: frame.sequence, workerNanoseconds: nanoseconds,
                                    payloadLength: length),
                    payload: UnsafeRawBufferPointer(rebasing: output[0..<length]))
            case .inArena(let length):
                let reported = frame.sequence == hooks.overstateAt && hooks.fires() ? Int(UInt32.max) : length
                let payload = WorkReply.arenaLength(reported)
                try results.send(
                    WorkReply.frame(answering: request, inArena: true, sequence: frame.sequence,
                                    workerNanoseconds: nanoseconds, payloadLength: payload.count),
                    payload: payload)
            }
        } catch let error as CodecError {
            let (failure, reason) = WorkReply.failure(sequence: frame.sequence, reason: error.description,
                                                      isDamage: error.isDamage)
            try results.send(failure, payload: reason)
        } catch let error as SystemError {
            throw error
        } catch {
            fatalError("unexpected error \(error)")
        }
    }

    /// Where an answer was built, and its length.
    enum Answer {
        /// In the worker's own `output`, sent in the reply frame.
        case inBuffer(Int)
        /// In the request's region of the shared arena.
        case inArena(Int)
    }

    /// The parent's arena, mapped on the first request that names it.
    private func arena() throws(CodecError) -> WorkerArena {
        if let mapped { return mapped }
        let arena = try WorkerArena()
        mapped = arena
        return arena
    }

    /// Builds the member of `input` (the data `region` names, or data
    /// that came in the frame), in the region's output part when the
    /// codec's bound fits there, else in `output`.
    private func compress(
        _ input: UnsafeRawBufferPointer, into region: ArenaRegion, codec: Codec, level: Int32
    ) throws(CodecError) -> Answer {
        // A member is at most about the input's size (stored), most are far
        // smaller: mapping in half the input's size covers text at any level
        // without allocating pages a member will never fill; the rest of a
        // larger member faults in page by page.
        let room = try arena().output(of: region, expecting: input.count / 2)
        let deflater = try compressor(codec, level)
        if memberBound(input.count, deflater) <= room.count {
            return .inArena(try member(of: input, into: room, at: 0, with: deflater))
        }
        return .inBuffer(try compress(input, codec: codec, level: level))
    }

    /// The test hook `BALE_TEST_SPOIL_WORKER_OUTPUT`: garbage over the
    /// answer where it was built, then death by SIGKILL before the reply.
    private func spoilAndDie(_ answer: Answer, of request: WorkRequest) -> Never {
        var room = output
        switch (answer, request) {
        case (.inArena, .compressInArena(let region)), (.inArena, .compressToArena(_, let region)),
             (.inArena, .inflateToArena(_, _, let region)):
            if let inArena = try? arena().output(of: region, expecting: 0) { room = inArena }
        default:
            break
        }
        switch answer {
        case .inBuffer(let length), .inArena(let length):
            UnsafeMutableRawBufferPointer(rebasing: room[0..<length]).initializeMemory(as: UInt8.self, repeating: 0xEE)
        }
        kill(getpid(), SIGKILL)
        while true { pause() }
    }

    /// The most bytes the member of `count` bytes can take.
    private func memberBound(_ count: Int, _ deflater: any Compressor) -> Int {
        GzipMember.headerLength + deflater.bound(count) + GzipMember.trailerLength
    }

    /// Builds a whole gzip member from `data` in `output`; returns its length.
    private func compress(_ data: UnsafeRawBufferPointer, codec: Codec, level: Int32) throws(CodecError) -> Int {
        let deflater = try compressor(codec, level)
        reserve(memberBound(data.count, deflater))
        return try member(of: data, into: output, at: 0, with: deflater)
    }

    /// Builds one member per piece, one after another in `output` after
    /// the piece table that says their lengths (a `compressedPieces`
    /// reply); returns the reply's length.
    private func compressPieces(_ pieces: PieceTable, codec: Codec, level: Int32) throws(CodecError) -> Int {
        let deflater = try compressor(codec, level)
        let table = PieceTable.tableLength(count: pieces.count)
        return try typedThrows(CodecError.self) { try pieces.payload.withUnsafeBytes { (bytes) throws(CodecError) -> Int in
            reserve(table + pieces.ranges.reduce(0) { $0 + memberBound($1.count, deflater) })
            var written = table
            var lengths: [Int] = []
            lengths.reserveCapacity(pieces.count)
            for range in pieces.ranges {
                let length = try member(of: UnsafeRawBufferPointer(rebasing: bytes[range]), into: output,
                                        at: written, with: deflater)
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

    /// Writes the member of `input` into `destination` at `start` (which
    /// has room for it); returns the member's length.
    private func member(
        of input: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer, at start: Int,
        with deflater: any Compressor
    ) throws(CodecError) -> Int {
        let header = GzipMember.headerLength
        let room = UnsafeMutableRawBufferPointer(
            rebasing: destination[(start + header)..<(start + header + deflater.bound(input.count))])
        let deflated = try deflater.compress(input, into: room)
        let memberLength = header + deflated + GzipMember.trailerLength
        let slot = UnsafeMutableRawBufferPointer(rebasing: destination[start..<(start + memberLength)])
        GzipMember.writeHeader(into: slot, memberLength: memberLength, dataLength: input.count, extraFlags: deflater.extraFlags)
        GzipMember.writeTrailer(into: slot, at: header + deflated, crc: deflater.checksum(input), dataLength: input.count)
        return memberLength
    }

    /// The hasher of `digestFiles`, made on the first such request.
    private lazy var fileHasher = FileBatchHasher()

    /// Hashes each file a `digestFiles` request names (`DigestTarget`,
    /// `FileBatchHasher`: small files several at once, others by
    /// `FileHasher`); writes one digest record per file into `output` and
    /// returns their length.
    ///
    /// The worker reads the files itself: sending their bytes through the
    /// pipe would cost more than hashing them (a pipe moves ~3.3 GB/s here,
    /// SHA-256 with the SHA instructions ~2 GB/s a core), and each file is
    /// still read once.

    private func digestFiles(_ table: PieceTable) throws(CodecError) -> Int {
        let record = WorkReply.digestRecordLength
        reserve(record * table.count)
        let complete = table.payload.withUnsafeBytes { payload in
            var targets: [FileBatchHasher.Target] = []
            targets.reserveCapacity(table.count)
            for range in table.ranges {
                guard let target = DigestTarget.decode(UnsafeRawBufferPointer(rebasing: payload[range])) else { return false }
                targets.append(target)
            }
            fileHasher.digests(of: targets) { index, digest in
                let slot = UnsafeMutableRawBufferPointer(rebasing: output[(record * index)..<(record * (index + 1))])
                WorkReply.storeDigest(digest, into: slot)
            }
            return true
        }
        guard complete else { throw CodecError.corrupt("a file to hash without its size") }
        return record * table.count
    }

    /// Inflates one bale member into `destination` (nil: the worker's
    /// `output`), checking every recorded size and the CRC; returns the
    /// data length.
    private func inflate(
        _ member: UnsafeRawBufferPointer, codec: Codec, expectedLength: Int,
        into destination: UnsafeMutableRawBufferPointer?
    ) throws(CodecError) -> Int {
        if decompressor?.codec != codec {
            decompressor = (codec, try codec.makeDecompressor())
        }
        let inflater = decompressor!.decompressor
        guard expectedLength <= GzipMember.maximumDataLength else {
            throw CodecError.corrupt("member sizes do not match its header")
        }
        let room: UnsafeMutableRawBufferPointer
        if let destination {
            // The parent sends a member in the arena only when its data fits.
            guard expectedLength <= destination.count else {
                throw CodecError.corrupt("a member of \(expectedLength) bytes of data, past its slot")
            }
            room = destination
        } else {
            reserve(max(expectedLength, 1))
            room = output
        }
        let data = UnsafeMutableRawBufferPointer(rebasing: room[0..<expectedLength])
        return try GzipMember.inflate(member, expectedLength: expectedLength, with: inflater, into: data)
    }
}
