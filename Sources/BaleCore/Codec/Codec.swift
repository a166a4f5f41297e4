/// The compression libraries a worker can use for bale's chunks.
///
/// bale cuts its input into chunks and makes each one a complete gzip
/// member, compressed alone from one whole buffer. That is exactly the job
/// of a whole-buffer codec: libdeflate, which at level 6, one core, on the
/// benchmark corpus deflates about 2.3× as fast as zlib for a slightly
/// smaller output, and inflates a member about 2.7× as fast; and ISA-L
/// (`isal`), whose SIMD deflate is the fastest there is at the lowest
/// levels. Which one compresses at which level, when `--codec` names none,
/// is `CodecChoice`'s level map (README, "Choices behind the figures").
/// Another tool's gzip, whose sizes are unknown, is inflated as a stream
/// by ISA-L (`IsalMemberInflater`, in `GzipStreamDecoder`). zlib stays as
/// the reference: for headers and damage ISA-L's stream reader leaves to it
/// (`MemberStreamInflater`), and for chunks and streams both with
/// `--codec zlib`.
///
/// Output is deterministic for a given codec and level: the same input gives
/// the same bytes for any -p and --io-threads. The codecs do not give
/// the same bytes as each other; all give standard gzip.
public enum Codec: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case libdeflate = 1
    case zlib = 2
    case isal = 3

    /// The levels the codec offers. libdeflate adds 10–12, its slow,
    /// strongest settings (near-optimal parsing), for the smallest
    /// standard gzip; zlib stops at 9; ISA-L has 1–3 (and a Huffman-only
    /// 0 bale does not offer: see `IsalCompressor`).
    public var levels: ClosedRange<Int32> {
        switch self {
        case .libdeflate: return 1...12
        case .zlib: return 1...9
        case .isal: return 1...3
        }
    }

    /// The name on the command line (`--codec`).
    public var description: String {
        switch self {
        case .libdeflate: return "libdeflate"
        case .zlib: return "zlib"
        case .isal: return "isal"
        }
    }

    /// A new compressor of this codec at `level`.
    public func makeCompressor(level: Int32) throws(CodecError) -> any Compressor {
        guard levels.contains(level) else {
            throw CodecError.unsupportedLevel(codec: description, level: level)
        }
        switch self {
        case .libdeflate: return try LibdeflateCompressor(level: level)
        case .zlib: return try ZlibCompressor(level: level)
        case .isal: return try IsalCompressor(level: level)
        }
    }

    /// A new decompressor of this codec for members of known size. bale's
    /// members are inflated whole, from a buffer into a buffer of known
    /// size, which is libdeflate's strength: ISA-L's members too.
    public func makeDecompressor() throws(CodecError) -> any Decompressor {
        switch self {
        case .libdeflate, .isal: return try LibdeflateDecompressor()
        case .zlib: return try ZlibDecompressor()
        }
    }
}

/// How chunks are compressed: which codec, at which of its levels.
public struct Compression: Sendable, Equatable {
    public var codec: Codec
    public var level: Int32

    /// libdeflate at level 6, gzip's default level.
    public init(codec: Codec = .libdeflate, level: Int32 = 6) {
        self.codec = codec
        self.level = level
    }
}
