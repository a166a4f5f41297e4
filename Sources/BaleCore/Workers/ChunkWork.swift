#if canImport(Glibc)
import Glibc
#endif

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
