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
/// Two transports, chosen per chunk by its cutter: the bytes in the shared
/// arena (`compressInArena`, `inflateInArena`: the frame carries only an
/// `ArenaRegion`, the chunk owns the slot, `Chunk.slot`), or in the frame's
/// payload, sent from the request's own array (see `FrameChannel.send`),
/// for what does not fit a slot or finds none free, and for the batches of
/// `compressPieces` and `digestFiles`. Either way the bytes stay where
/// they are until the result is in, so a link can send the chunk again
/// to a new worker.
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
    /// Hash the files at these paths (each piece one path) with SHA-256;
    /// the worker reads them itself.
    case digestFiles(paths: PieceTable)
    /// Compress the data `region` names in the shared arena into one gzip
    /// member, written to the region's output part if it fits there.
    case compressInArena(ArenaRegion)
    /// Inflate the bale gzip member `region` names in the shared arena,
    /// whose header records `expectedLength` bytes of data, into the
    /// region's output part.
    case inflateInArena(ArenaRegion, expectedLength: Int)

    /// The bytes the frame's payload holds, sent as they are.
    public var payload: [UInt8] {
        switch self {
        case .compress(let data): return data
        case .compressPieces(let table), .digestFiles(let table): return table.payload
        case .inflate(let member, _): return member
        case .compressInArena(let region), .inflateInArena(let region, _): return region.encoded
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
        case .compressInArena(let region), .inflateInArena(let region, _): return region.inputLength
        case .digestFiles: return 0
        }
    }

    /// The header of this request as chunk `sequence` of a job doing `kind`.
    public func header(sequence: UInt64, kind: WorkKind) -> WireFrame {
        let length = payload.count
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
        case (.compressInArena, .compress(let compression)):
            return WireFrame(kind: .compressInArena, codec: compression.codec.rawValue, sequence: sequence,
                             level: UInt32(clamping: compression.level), payloadLength: length)
        case (.inflateInArena(_, let expectedLength), .inflate(let codec)):
            return WireFrame(kind: .inflateInArena, codec: codec.rawValue, sequence: sequence,
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
            return (.digestFiles(paths: try PieceTable(decoding: payload)), .digest)
        case .compressInArena:
            return (.compressInArena(try ArenaRegion(decoding: payload)),
                    .compress(Compression(codec: try codec(), level: Int32(clamping: frame.level))))
        case .inflateInArena:
            return (.inflateInArena(try ArenaRegion(decoding: payload), expectedLength: Int(frame.expectedLength)),
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
        case .inflateInArena: return "inflateInArena"
        }
    }
}
