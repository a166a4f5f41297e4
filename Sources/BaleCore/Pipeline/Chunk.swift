/// One piece of input on its way through the pipeline.
///
/// The sequence number is the chunk's place in the output: workers finish
/// chunks in any order, and the collector puts them back in this order.
public struct Chunk: Sendable {
    /// The chunk's place in the output, from 0.
    public var sequence: UInt64
    /// Where the chunk starts in the input (for messages).
    public var offset: Int64
    /// The input bytes: plain data to compress, or one gzip member to inflate.
    public var bytes: [UInt8]
    /// For a member to inflate: its recorded uncompressed length.
    public var expectedLength: Int
    /// True when `bytes` holds several pieces, each to be compressed into
    /// its own member (see `WireFrame.Kind.compressPieces`).
    public var holdsPieces: Bool

    public init(sequence: UInt64, offset: Int64, bytes: [UInt8], expectedLength: Int = 0, holdsPieces: Bool = false) {
        self.sequence = sequence
        self.offset = offset
        self.bytes = bytes
        self.expectedLength = expectedLength
        self.holdsPieces = holdsPieces
    }
}

/// A chunk's output, back from a worker.
public struct ChunkResult: Sendable {
    /// The sequence number of the chunk it came from.
    public var sequence: UInt64
    /// The output bytes: a gzip member, or inflated data.
    public var bytes: [UInt8]
    /// The number of input bytes the chunk held.
    public var inputLength: Int
}

/// What the workers do with each chunk.
public enum WorkKind: Sendable, Equatable {
    /// Compress plain data to a gzip member with this codec and level.
    case compress(Compression)
    /// Inflate a bale gzip member, whose sizes are recorded in its header,
    /// with this codec.
    case inflate(Codec)
    /// Hash the files whose paths the chunk lists (`bale sum`).
    case digest
}
