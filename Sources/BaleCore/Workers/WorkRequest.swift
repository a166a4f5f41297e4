/// What one chunk asks of a worker, made by the cutter that cut it; and
/// its encoding as a request frame (`WireFrame`) and back, the one place
/// that knows what a request's header fields and payload hold.
///
/// Each case holds what its work needs and nothing else, so a field that
/// belongs to one kind of work (the expected length of a member to
/// inflate, the pieces of a batch) cannot be set on another. The settings
/// that are the same for the whole job (codec, level) are the job's
/// `WorkKind`, joined to the request when it is sent.
///
/// Three transports, chosen per chunk by its cutter: the bytes in the shared
/// arena (`compressInArena`: the frame carries only an
/// `ArenaRegion`, the chunk owns the slot, `Chunk.slot`); in the frame's
/// payload, sent from the request's own array (see `FrameChannel.send`),
/// for what does not fit a slot or finds none free, and for the batches of
/// `compressPieces` and `digestFiles`; or in the frame's payload spliced
/// from a range of the input file (`compressFileRange`, `inflateFileRange`:
/// a chunk or member of a regular file that bale never reads, its answer
/// going to the chunk's slot when it has one). Either way the bytes stay where they are until
/// the result is in, so a link can send the chunk again to a new worker.
public enum WorkRequest: Sendable {
    /// Compress `data` into one gzip member.
    case compress(data: [UInt8])
    /// Compress each piece into a gzip member of its own (many small
    /// files in one frame, `bale gzip -r`); the answer is a piece table of
    /// members.
    case compressPieces(PieceTable)
    /// Inflate one bale gzip member, whose header records `expectedLength`
    /// bytes of data.
    case inflate(member: [UInt8], expectedLength: Int)
    /// Hash these files (each piece one `DigestTarget`: a path and the
    /// size it was listed with, or that its size is found at its open) with
    /// SHA-256; the worker reads them itself, and may hand some back unhashed.
    case digestFiles(files: PieceTable)
    /// Compress the data `region` names in the shared arena into one gzip
    /// member, written to the region's output part if it fits there.
    case compressInArena(ArenaRegion)
    /// Compress the bytes of `range` of the input file into one gzip
    /// member, written to `output`'s output part in the shared arena if
    /// given and it fits there. Only the parent makes it: its frame is a
    /// `compress` (no `output`) or a `compressToArena`, whose data the
    /// feeder splices from the file into the pipe (`WorkerLink`), and a
    /// worker decodes it as one of those.
    case compressFileRange(FileRange, output: ArenaRegion?)
    /// Compress `data` (in the frame) into one gzip member, written to
    /// `output`'s output part in the shared arena if it fits there: what
    /// a worker reads of a `compressFileRange` with an output region. A
    /// slice of the frame's payload, after the region, so the data is
    /// not copied out of it.
    case compressToArena(data: ArraySlice<UInt8>, output: ArenaRegion)
    /// Inflate the bale gzip member that `range` of the input file holds,
    /// whose header records `expectedLength` bytes of data, into
    /// `output`'s output part in the shared arena if given. Only the
    /// parent makes it: its frame is an `inflate` (no `output`) or an
    /// `inflateToArena`, whose member the feeder splices from the file
    /// into the pipe (`WorkerLink`), and a worker decodes it as one of those.
    case inflateFileRange(FileRange, expectedLength: Int, output: ArenaRegion?)
    /// Inflate `member` (in the frame), whose header records
    /// `expectedLength` bytes of data, into `output`'s output part in the
    /// shared arena: what a worker reads of an `inflateFileRange` with an
    /// output region. A slice of the frame's payload, after the region.
    case inflateToArena(member: ArraySlice<UInt8>, expectedLength: Int, output: ArenaRegion)

    /// The bytes of the frame's payload held in memory, sent as they are:
    /// all of it, but for `compressFileRange` and `inflateFileRange`, whose
    /// file range follows them (`fileRange`).
    public var payload: [UInt8] {
        switch self {
        case .compress(let data): return data
        case .compressPieces(let table), .digestFiles(let table): return table.payload
        case .inflate(let member, _): return member
        case .compressInArena(let region): return region.encoded
        case .compressFileRange(_, let output), .inflateFileRange(_, _, let output): return output?.encoded ?? []
        case .compressToArena(let data, let output), .inflateToArena(let data, _, let output):
            return output.encoded + data
        }
    }

    /// The range of the input file whose bytes end the frame's payload,
    /// after `payload`, moved there by splice; nil when it is all in memory.
    public var fileRange: FileRange? {
        switch self {
        case .compressFileRange(let range, _), .inflateFileRange(let range, _, _): return range
        default: return nil
        }
    }

    /// This request with its result placed in `slot`'s output part: a
    /// `compressFileRange` or `inflateFileRange` without an output region
    /// (an inflate only if its data fits the slot); nil for any other.
    func placingResult(in slot: ArenaSlot) -> WorkRequest? {
        switch self {
        case .compressFileRange(let range, nil):
            return .compressFileRange(range, output: slot.region(inputLength: 0))
        case .inflateFileRange(let range, let expectedLength, nil) where expectedLength <= slot.output.count:
            return .inflateFileRange(range, expectedLength: expectedLength, output: slot.region(inputLength: 0))
        default:
            return nil
        }
    }

    /// Whether the request inflates compressed data: its failure means the
    /// data is damaged. A compression or hashing request that fails says
    /// nothing about its input (the codec could not allocate, or its
    /// output did not fit).
    public var inflates: Bool {
        switch self {
        case .inflate, .inflateFileRange, .inflateToArena: return true
        case .compress, .compressPieces, .digestFiles, .compressInArena, .compressFileRange, .compressToArena:
            return false
        }
    }

    /// Whether the request hashes files (`digestFiles`).
    public var hashes: Bool {
        if case .digestFiles = self { return true }
        return false
    }

    /// Whether the request hashes a stream (standard input, a pipe, a
    /// device: a `digestFiles` target with no size), which is read once:
    /// what a worker read of it cannot be sent again to a replacement.
    public var readsStream: Bool { filesToHash?.contains { $0.listedSize == nil && !$0.sizeAtOpen } ?? false }

    /// The path of each file a `digestFiles` request names (as the worker
    /// opens it), for a message; nil for other requests.
    public var hashedPaths: [[UInt8]]? {
        eachFileToHash { $0.map { Array($0.path) } }?.compactMap { $0 }
    }

    /// Each file a `digestFiles` request names: its listed size (nil: a
    /// stream, or a piece that does not decode) and whether it is sized at
    /// its open; nil for other requests.
    private var filesToHash: [(listedSize: Int64?, sizeAtOpen: Bool)]? {
        eachFileToHash { ($0?.listedSize, $0?.sizeAtOpen ?? false) }
    }

    /// What `body` makes of each piece of a `digestFiles` request, decoded
    /// (nil where one does not decode), in order; nil for other requests.
    /// The one walk over the table behind `hashedPaths` and `filesToHash`.
    private func eachFileToHash<T>(_ body: (FileBatchHasher.Target?) -> T) -> [T]? {
        guard case .digestFiles(let table) = self else { return nil }
        return table.payload.withUnsafeBytes { bytes in
            table.ranges.map { body(DigestTarget.decode(UnsafeRawBufferPointer(rebasing: bytes[$0]))) }
        }
    }

    /// How long, in seconds, a worker may take to answer the request before
    /// it counts as stuck (0: no limit), where `seconds` is `--worker-timeout`.
    /// A chunk's work is bounded (4 MiB or so), but a file to hash is
    /// whatever its size: a 9 GB file took longer than a 5 s timeout and
    /// was taken for a stuck worker, twice, then failed the run (120 GB in
    /// the default 120 s, 12 GB on a disk of 100 MB/s). So hashing is
    /// given `seconds` or a tenth of a second per MB, whichever is longer,
    /// and a stream (`readsStream`) no limit: it is waited for as
    /// sha256sum waits for a pipe's writer.
    ///
    /// Files sized at their open count for a batch's bytes each, and all
    /// of them together for no more than one request of them reads
    /// (`FileBatchHasher.takenAtMost` and one file more): a batch of 256
    /// such files would otherwise be given 107 s whatever `--worker-timeout` says.
    public func timeLimit(seconds: Int) -> Int {
        guard seconds > 0, let files = filesToHash else { return seconds }
        var bytes: Int64 = 0
        var bytesAtOpen: Int64 = 0
        for file in files {
            if file.sizeAtOpen {
                bytesAtOpen += SumCommand.batchBytes
                continue
            }
            guard let size = file.listedSize else { return 0 }  // a stream: waited for as sha256sum waits for a pipe's writer
            bytes = bytes &+ size
        }
        bytes = bytes &+ min(bytesAtOpen, FileBatchHasher.takenAtMost + SumCommand.batchBytes)
        return max(seconds, Int(min(bytes / 10_000_000, Int64(Int32.max))))
    }

    /// The length of the frame's payload: `payload`, then `fileRange`.
    public var payloadLength: Int {
        switch self {
        case .compressFileRange(let range, let output), .inflateFileRange(let range, _, let output):
            return (output == nil ? 0 : ArenaRegion.encodedLength) + range.length
        case .compressToArena(let data, _), .inflateToArena(let data, _, _): return ArenaRegion.encodedLength + data.count
        default: return payload.count
        }
    }

    /// The input bytes this request stands for (the data or member; for
    /// pieces, the pieces without their table; for paths, none), for the
    /// job's counts.
    public var inputLength: Int {
        switch self {
        case .compress(let data): return data.count
        case .compressPieces(let table): return table.piecesLength
        case .inflate(let member, _): return member.count
        case .compressInArena(let region): return region.inputLength
        case .compressFileRange(let range, _), .inflateFileRange(let range, _, _): return range.length
        case .compressToArena(let data, _), .inflateToArena(let data, _, _): return data.count
        case .digestFiles: return 0
        }
    }

    /// The header of this request as chunk `sequence` of a job doing `kind`.
    public func header(sequence: UInt64, kind: WorkKind) -> WireFrame {
        let length = payloadLength
        switch (self, kind) {
        case (.compress, .compress(let compression)):
            return WireFrame(kind: .compress, codec: compression.codec.rawValue, sequence: sequence,
                             level: UInt32(clamping: compression.level), payloadLength: length)
        case (.compressPieces, .compress(let compression)):
            return WireFrame(kind: .compressPieces, codec: compression.codec.rawValue, sequence: sequence,
                             level: UInt32(clamping: compression.level), payloadLength: length)
        case (.inflate(_, let expectedLength), .inflate(let codec)):
            return WireFrame(kind: .inflate, codec: codec.rawValue, sequence: sequence,
                             expectedLength: UInt32(clamping: expectedLength), payloadLength: length)
        case (.compressFileRange(_, nil), .compress(let compression)):
            return WireFrame(kind: .compress, codec: compression.codec.rawValue, sequence: sequence,
                             level: UInt32(clamping: compression.level), payloadLength: length)
        case (.compressFileRange, .compress(let compression)), (.compressToArena, .compress(let compression)):
            return WireFrame(kind: .compressToArena, codec: compression.codec.rawValue, sequence: sequence,
                             level: UInt32(clamping: compression.level), payloadLength: length)
        case (.compressInArena, .compress(let compression)):
            return WireFrame(kind: .compressInArena, codec: compression.codec.rawValue, sequence: sequence,
                             level: UInt32(clamping: compression.level), payloadLength: length)
        case (.inflateFileRange(_, let expectedLength, nil), .inflate(let codec)):
            return WireFrame(kind: .inflate, codec: codec.rawValue, sequence: sequence,
                             expectedLength: UInt32(clamping: expectedLength), payloadLength: length)
        case (.inflateFileRange(_, let expectedLength, _), .inflate(let codec)),
             (.inflateToArena(_, let expectedLength, _), .inflate(let codec)):
            return WireFrame(kind: .inflateToArena, codec: codec.rawValue, sequence: sequence,
                             expectedLength: UInt32(clamping: expectedLength), payloadLength: length)
        case (.digestFiles, .digest):
            return WireFrame(kind: .digestFiles, sequence: sequence, payloadLength: length)
        default:
            preconditionFailure("a \(self.name) request in a job that does \(kind)")
        }
    }

    /// The request a worker got in `frame` with `payload`, and the job's
    /// settings it carries; throws for a frame that is not a request or
    /// holds a malformed payload.
    public static func decode(_ frame: WireFrame, payload: [UInt8]) throws(CodecError) -> (WorkRequest, WorkKind) {
        func codec() throws(CodecError) -> Codec {
            guard let codec = Codec(rawValue: frame.codec) else {
                throw CodecError.corrupt("unknown codec \(frame.codec) in a request")
            }
            return codec
        }
        // A `…ToArena` payload: the region, then the bytes, a slice of the
        // payload so they are not copied out of it.
        func regionThenData() throws(CodecError) -> (ArenaRegion, ArraySlice<UInt8>) {
            guard payload.count >= ArenaRegion.encodedLength else {
                throw CodecError.corrupt("a \(frame.kind) payload of \(payload.count) bytes, shorter than its region")
            }
            return (try ArenaRegion(decoding: Array(payload[..<ArenaRegion.encodedLength])),
                    payload[ArenaRegion.encodedLength...])
        }
        switch frame.kind {
        case .compress:
            return (.compress(data: payload),
                    .compress(Compression(codec: try codec(), level: Int32(clamping: frame.level))))
        case .compressPieces:
            return (.compressPieces(try PieceTable(decoding: payload)),
                    .compress(Compression(codec: try codec(), level: Int32(clamping: frame.level))))
        case .inflate:
            return (.inflate(member: payload, expectedLength: Int(frame.expectedLength)), .inflate(try codec()))
        case .digestFiles:
            return (.digestFiles(files: try PieceTable(decoding: payload)), .digest)
        case .compressInArena:
            return (.compressInArena(try ArenaRegion(decoding: payload)),
                    .compress(Compression(codec: try codec(), level: Int32(clamping: frame.level))))
        case .compressToArena:
            let (output, data) = try regionThenData()
            return (.compressToArena(data: data, output: output),
                    .compress(Compression(codec: try codec(), level: Int32(clamping: frame.level))))
        case .inflateToArena:
            let (output, member) = try regionThenData()
            return (.inflateToArena(member: member, expectedLength: Int(frame.expectedLength), output: output),
                    .inflate(try codec()))
        case .compressed, .compressedPieces, .inflated, .digested, .compressedInArena, .inflatedInArena, .failed:
            throw CodecError.corrupt("a worker does not accept frames of kind \(frame.kind)")
        }
    }

    /// The request's kind, for messages.
    var name: String {
        switch self {
        case .compress: return "compress"
        case .compressPieces: return "compressPieces"
        case .inflate: return "inflate"
        case .digestFiles: return "digestFiles"
        case .compressInArena: return "compressInArena"
        case .compressFileRange: return "compressFileRange"
        case .compressToArena: return "compressToArena"
        case .inflateFileRange: return "inflateFileRange"
        case .inflateToArena: return "inflateToArena"
        }
    }
}
