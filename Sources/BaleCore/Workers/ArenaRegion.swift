/// Where in the `SharedArena` a request's input lies and its answer may
/// go: the payload of a `compressInArena` frame, the only thing that
/// crosses the pipe for such a chunk (and the start of a `…ToArena`
/// frame's, whose input is in the frame, not the arena).
///
/// Offsets, not slot numbers: a worker needs no knowledge of how the
/// parent cut the arena, only bounds to check every offset against its
/// own mapping of it (`WorkerArena`) before it touches a byte.
public struct ArenaRegion: Sendable, Equatable {
    /// Where the input starts in the inputs file.
    public var inputOffset: Int
    /// How many bytes of input.
    public var inputLength: Int
    /// Where the answer may be written in the outputs file.
    public var outputOffset: Int
    /// How many bytes the answer may take there; a larger one goes in the
    /// reply frame's payload instead.
    public var outputCapacity: Int

    public init(inputOffset: Int, inputLength: Int, outputOffset: Int, outputCapacity: Int) {
        self.inputOffset = inputOffset
        self.inputLength = inputLength
        self.outputOffset = outputOffset
        self.outputCapacity = outputCapacity
    }

    /// The length of an encoded region: four little-endian u64 fields, in
    /// the order above.
    public static let encodedLength = 32

    /// The region as a frame's payload.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.encodedLength)
        for field in [inputOffset, inputLength, outputOffset, outputCapacity] {
            bytes += withUnsafeBytes(of: UInt64(field).littleEndian, Array.init)
        }
        return bytes
    }

    /// Decodes a region from a frame's payload; throws for a payload of
    /// the wrong length or fields past what an offset can be.
    public init(decoding payload: [UInt8]) throws(CodecError) {
        guard payload.count == Self.encodedLength else {
            throw CodecError.corrupt("an arena region of \(payload.count) bytes, not \(Self.encodedLength)")
        }
        let fields = payload.withUnsafeBytes { bytes in
            (0..<4).map { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
        guard fields.allSatisfy({ $0 <= UInt64(Int32.max) * 1024 }) else {
            throw CodecError.corrupt("an arena region past any arena")
        }
        self.init(inputOffset: Int(fields[0]), inputLength: Int(fields[1]), outputOffset: Int(fields[2]),
                  outputCapacity: Int(fields[3]))
    }
}
