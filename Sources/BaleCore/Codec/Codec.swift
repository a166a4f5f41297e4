/// The compression libraries a worker can use for bale's chunks.
///
/// bale cuts its input into chunks and makes each one a complete gzip
/// member, compressed alone from one whole buffer. That is exactly the job
/// of a whole-buffer codec, so the default is libdeflate: measured on this
/// machine kind, one core, level 6, on the benchmark corpus, it deflates
/// about 2.3× as fast as zlib for a slightly smaller output, and inflates
/// a member about 2.7× as fast (README, "Codecs"). zlib stays for what
/// only a streaming codec can do (decompressing another tool's gzip, whose
/// sizes are unknown: `GzipStreamDecoder`), and can be chosen for the
/// chunks too with `--codec zlib`.
///
/// Output is deterministic for a given codec and level: the same input gives
/// the same bytes for any -p and --io-threads. The two codecs do not give
/// the same bytes as each other; both give standard gzip.
public enum Codec: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case libdeflate = 1
    case zlib = 2

    /// The levels the codec offers. libdeflate adds 10–12, its slow,
    /// strongest settings (near-optimal parsing), for the smallest
    /// standard gzip; zlib stops at 9.
    public var levels: ClosedRange<Int32> {
        switch self {
        case .libdeflate: return 1...12
        case .zlib: return 1...9
        }
    }

    /// The name on the command line (`--codec`).
    public var description: String {
        switch self {
        case .libdeflate: return "libdeflate"
        case .zlib: return "zlib"
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
        }
    }

    /// A new decompressor of this codec for members of known size.
    public func makeDecompressor() throws(CodecError) -> any Decompressor {
        switch self {
        case .libdeflate: return try LibdeflateDecompressor()
        case .zlib: return try ZlibDecompressor()
        }
    }
}

/// How chunks are compressed: which codec, at which level.
public struct Compression: Sendable, Equatable {
    public var codec: Codec
    public var level: Int32

    /// libdeflate at level 6, gzip's default level.
    public init(codec: Codec = .libdeflate, level: Int32 = 6) {
        self.codec = codec
        self.level = level
    }
}
