/// The frames that carry work between bale and its worker processes.
///
/// Each frame is a fixed 32-byte header, little-endian, then the payload:
///
///     offset size  field
///     0      1     magic 0xBA
///     1      1     protocol version (7)
///     2      1     kind (see `Kind`)
///     3      1     codec for `compress`, `compressPieces`, `inflate` and their
///                  arena forms (`compressInArena`, `compressToArena`, `inflateToArena`)
///                  (`Codec` raw value: 1 libdeflate, 2 zlib, 3 isal), 0 otherwise
///     4      4     payload length in bytes
///     8      8     sequence number of the chunk
///     16     4     level, for `compress` and `compressPieces`; 0 otherwise
///     20     4     expected data length, for `inflate` and `inflateToArena`; 0 otherwise
///     24     8     worker nanoseconds: in a reply, the time the worker
///                  spent on the chunk (for `--stats`); 0 in a request
///
/// Each header field has one meaning, whatever the kind (version 2 had
/// one "argument" that was a level, a length or a time by kind). Version
/// 4 added the kinds whose bytes lie in the `SharedArena` (`…InArena`):
/// their payload is only where (`ArenaRegion`, or the result's length);
/// version 5 `compressToArena`, data in the frame and its member in the
/// arena (a chunk of a regular file, spliced into the pipe); version 6
/// `inflateToArena`, the same for a member of a regular file; version 7
/// files to hash sized at their open, and digest records of 44 bytes
/// with a size (files handed back: `WorkReply.FileDigest`). What
/// the payloads hold is defined, encoded and decoded in `WorkRequest` and
/// `WorkReply`; this type is the framing only.
///
/// A fixed header means a reader always knows how much to read next, and
/// the length is checked against `maximumPayload` before anything is
/// allocated, so a broken or hostile peer cannot make bale allocate
/// without bound. The version byte lets a future bale refuse an old worker
/// binary (after an upgrade mid-run) instead of misreading it.
public struct WireFrame: Equatable, Sendable {
    /// What a frame asks for or answers.
    public enum Kind: UInt8, Sendable {
        /// Parent → worker: compress the payload into a gzip member.
        case compress = 1
        /// Parent → worker: inflate the payload, one bale gzip member.
        case inflate = 2
        /// Parent → worker: compress each piece of the payload into its own
        /// gzip member and answer with the members one after another. The
        /// payload is the piece count (u32), each piece's length (u32), then
        /// the pieces: many small files in one frame (`bale gzip -r`).
        case compressPieces = 3
        /// Parent → worker: hash the files named in the payload (a piece
        /// table as for `compressPieces`, each piece a path) with SHA-256.
        case digestFiles = 4
        /// Parent → worker: as `compress`, the data in the shared arena;
        /// the payload is an `ArenaRegion` (where the data is, where the
        /// member may go).
        case compressInArena = 5
        // 6 was `inflateInArena` (the member in the arena, read there by
        // bale) until version 5: members are spliced now (`inflateToArena`).
        /// Parent → worker: as `compress`, the member written to the shared
        /// arena if it fits there: the payload is an `ArenaRegion` (where
        /// the member may go; no input in the arena), then the data.
        case compressToArena = 7
        /// Parent → worker: as `inflate`, the data written to the shared
        /// arena: the payload is an `ArenaRegion` (where the data goes; no
        /// input in the arena), then the member.
        case inflateToArena = 8
        /// Worker → parent: the payload is the gzip member.
        case compressed = 0x81
        /// Worker → parent: the payload is the inflated data.
        case inflated = 0x82
        /// Worker → parent: one digest record per file of a `digestFiles`
        /// (see `WorkReply.digestRecordLength`).
        case digested = 0x83
        /// Worker → parent: the members of a `compressPieces`, one per
        /// piece, as a piece table (each piece a member), so the parent
        /// knows where each ends without parsing gzip headers.
        case compressedPieces = 0x84
        /// Worker → parent: the member is in the request's output region;
        /// the payload is its length (u64). (A member larger than the
        /// region comes as `compressed` instead.)
        case compressedInArena = 0x85
        /// Worker → parent: the data is in the request's output region;
        /// the payload is its length (u64).
        case inflatedInArena = 0x86
        /// Worker → parent: the chunk failed; the payload is a UTF-8 reason.
        case failed = 0xFF
    }

    public static let magic: UInt8 = 0xBA
    public static let version: UInt8 = 7
    public static let headerLength = 32
    /// The largest payload either side accepts: a member or chunk of the
    /// largest allowed size, plus deflate's worst-case growth.
    public static let maximumPayload = GzipMember.maximumMemberLength + (1 << 20)

    public var kind: Kind
    /// The codec a request asks for (`Codec.rawValue`), 0 in answers.
    public var codec: UInt8
    /// The chunk the frame is about.
    public var sequence: UInt64
    /// The compression level a `compress` or `compressPieces` asks for.
    public var level: UInt32
    /// The data length an `inflate` expects its member to give.
    public var expectedLength: UInt32
    /// In a reply: the nanoseconds the worker spent on the chunk.
    public var workerNanoseconds: UInt64
    /// The length of the payload that follows the header.
    public var payloadLength: Int

    public init(
        kind: Kind, codec: UInt8 = 0, sequence: UInt64, level: UInt32 = 0, expectedLength: UInt32 = 0,
        workerNanoseconds: UInt64 = 0, payloadLength: Int
    ) {
        self.kind = kind
        self.codec = codec
        self.sequence = sequence
        self.level = level
        self.expectedLength = expectedLength
        self.workerNanoseconds = workerNanoseconds
        self.payloadLength = payloadLength
    }

    /// The 32 header bytes of this frame.
    public func encodedHeader() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.headerLength)
        func store(_ value: UInt64, at offset: Int, size: Int) {
            for index in 0..<size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
        }
        bytes[0] = Self.magic
        bytes[1] = Self.version
        bytes[2] = kind.rawValue
        bytes[3] = codec
        store(UInt64(payloadLength), at: 4, size: 4)
        store(sequence, at: 8, size: 8)
        store(UInt64(level), at: 16, size: 4)
        store(UInt64(expectedLength), at: 20, size: 4)
        store(workerNanoseconds, at: 24, size: 8)
        return bytes
    }

    /// Decodes and checks a frame header.
    public static func decodeHeader(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> WireFrame {
        guard bytes.count >= headerLength else { throw .truncated(expected: headerLength, received: bytes.count) }
        guard bytes[0] == magic else { throw .badMagic(bytes[0]) }
        guard bytes[1] == version else { throw .unsupportedVersion(bytes[1]) }
        guard let kind = Kind(rawValue: bytes[2]) else { throw .unknownKind(bytes[2]) }
        func load(at offset: Int, size: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<size { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            return value
        }
        let length = Int(load(at: 4, size: 4))
        guard length <= maximumPayload else { throw .oversized(length) }
        return WireFrame(kind: kind, codec: bytes[3], sequence: load(at: 8, size: 8),
                         level: UInt32(load(at: 16, size: 4)), expectedLength: UInt32(load(at: 20, size: 4)),
                         workerNanoseconds: load(at: 24, size: 8), payloadLength: length)
    }
}

/// A frame that cannot be accepted.
public enum WireError: Error, Equatable, CustomStringConvertible, Sendable {
    case badMagic(UInt8)
    case unsupportedVersion(UInt8)
    case unknownKind(UInt8)
    case oversized(Int)
    case truncated(expected: Int, received: Int)
    /// The time allowed for a frame ran out after `received` of its bytes
    /// (0: it had not started); `expected` is the frame's whole length,
    /// when its header had come.
    case timedOut(received: Int, expected: Int?)
    case io(SystemError)

    public var description: String {
        switch self {
        case .badMagic(let byte): return "bad frame magic 0x\(String(byte, radix: 16))"
        case .unsupportedVersion(let version): return "unsupported wire protocol version \(version)"
        case .unknownKind(let kind): return "unknown frame kind \(kind)"
        case .oversized(let length): return "frame payload of \(length) bytes is over the limit of \(WireFrame.maximumPayload)"
        case .truncated(let expected, let received): return "frame cut short: \(received) of \(expected) bytes"
        case .timedOut(0, _): return "no frame came in time"
        case .timedOut(let received, let expected?): return "frame stalled after \(received) of \(expected) bytes"
        case .timedOut(let received, nil): return "frame stalled after \(received) bytes of its header"
        case .io(let error): return error.description
        }
    }
}
