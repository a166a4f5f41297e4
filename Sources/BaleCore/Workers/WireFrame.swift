/// The frames that carry work between bale and its worker processes.
///
/// Each frame is a fixed 24-byte header, little-endian, then the payload:
///
///     offset size  field
///     0      1     magic 0xBA
///     1      1     protocol version (2)
///     2      1     kind (see `Kind`)
///     3      1     codec for `compress` and `inflate` (`Codec` raw
///                  value: 1 libdeflate, 2 zlib), 0 otherwise
///     4      4     payload length in bytes
///     8      8     sequence number of the chunk
///     16     8     argument: the level for `compress` and
///                  `compressPieces`, the expected
///                  uncompressed length for `inflate`; in a reply,
///                  the nanoseconds the worker spent on the chunk
///                  (for `--stats`)
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
        /// Worker → parent: the payload is the gzip member.
        case compressed = 0x81
        /// Worker → parent: the payload is the inflated data.
        case inflated = 0x82
        /// Worker → parent: per file of a `digestFiles`, 36 bytes: the
        /// errno of a failure (u32, 0 for none), then the 32-byte digest.
        case digested = 0x83
        /// Worker → parent: the chunk failed; the payload is a UTF-8 reason.
        case failed = 0xFF
    }

    public static let magic: UInt8 = 0xBA
    public static let version: UInt8 = 2
    public static let headerLength = 24
    /// The largest payload either side accepts: a member or chunk of the
    /// largest allowed size, plus deflate's worst-case growth.
    public static let maximumPayload = GzipMember.maximumMemberLength + (1 << 20)

    public var kind: Kind
    /// The codec a request asks for (`Codec.rawValue`), 0 in answers.
    public var codec: UInt8
    public var sequence: UInt64
    public var argument: UInt64
    public var payloadLength: Int

    public init(kind: Kind, codec: UInt8 = 0, sequence: UInt64, argument: UInt64 = 0, payloadLength: Int) {
        self.kind = kind
        self.codec = codec
        self.sequence = sequence
        self.argument = argument
        self.payloadLength = payloadLength
    }

    /// The 24 header bytes of this frame.
    public func encodedHeader() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.headerLength)
        bytes[0] = Self.magic
        bytes[1] = Self.version
        bytes[2] = kind.rawValue
        bytes[3] = codec
        for index in 0..<4 { bytes[4 + index] = UInt8(truncatingIfNeeded: payloadLength >> (8 * index)) }
        for index in 0..<8 { bytes[8 + index] = UInt8(truncatingIfNeeded: sequence >> (8 * UInt64(index))) }
        for index in 0..<8 { bytes[16 + index] = UInt8(truncatingIfNeeded: argument >> (8 * UInt64(index))) }
        return bytes
    }

    /// Decodes and checks a frame header.
    public static func decodeHeader(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> WireFrame {
        guard bytes.count >= headerLength else { throw .truncated(expected: headerLength, received: bytes.count) }
        guard bytes[0] == magic else { throw .badMagic(bytes[0]) }
        guard bytes[1] == version else { throw .unsupportedVersion(bytes[1]) }
        guard let kind = Kind(rawValue: bytes[2]) else { throw .unknownKind(bytes[2]) }
        var length = 0
        for index in 0..<4 { length |= Int(bytes[4 + index]) << (8 * index) }
        guard length <= maximumPayload else { throw .oversized(length) }
        var sequence: UInt64 = 0
        for index in 0..<8 { sequence |= UInt64(bytes[8 + index]) << (8 * UInt64(index)) }
        var argument: UInt64 = 0
        for index in 0..<8 { argument |= UInt64(bytes[16 + index]) << (8 * UInt64(index)) }
        return WireFrame(kind: kind, codec: bytes[3], sequence: sequence, argument: argument, payloadLength: length)
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
