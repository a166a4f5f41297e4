import CDeflate

/// Deflates bytes given a piece at a time into one raw DEFLATE stream held
/// in memory: what is made a little at a time over a long run and wanted
/// whole at its end, an archive's index (`ArchiveIndexEncoder`), whose
/// entries `pack` records as the tar stream is made.
///
/// The pieces are held as they are, and deflated in one call of libdeflate
/// (bale's copy, `CDeflate`) at level 7 when the stream is finished. That
/// is the cheap way: zlib's level 9, which the index was deflated with as
/// it grew (`ZlibStreamCompressor`), spent ~55 ms of CPU on the 390 KB
/// index of the bench's text tree (13,774 entries) while both cores were
/// busy compressing the archive, 2% of the pack's CPU; libdeflate's level
/// 7 deflates the same bytes in a fifth of that, and a little smaller
/// (119,382 bytes against zlib's 119,493). Levels 8 and up parse near
/// optimally, three times slower for 0.5% less.
///
/// Holding the bytes costs memory that grows with the entries (about 28
/// bytes an entry, where zlib kept about 9), so only up to `holdLimit`:
/// a stream that grows past it (a tree of some 300,000 entries with the
/// default) goes on through zlib's level 9 as before, the bytes held
/// first, and keeps only what is compressed. Either way the stream
/// depends only on the bytes given.
public final class PiecewiseDeflater {
    /// The most bytes held for the one call at the end: 8 MiB.
    public static let defaultHoldLimit = 8 << 20
    /// libdeflate's level for the held bytes.
    static let level: Int32 = 7

    private let holdLimit: Int
    private var held: [UInt8] = []
    /// The zlib stream, once more than `holdLimit` bytes were given.
    private var stream: ZlibStreamCompressor?
    /// The deflate stream, once finished.
    public private(set) var output: [UInt8] = []
    /// The bytes given, and (once finished) their CRC-32.
    public private(set) var inputLength: UInt64 = 0
    public private(set) var inputCRC: UInt32 = 0
    private var finished = false

    /// An empty stream that holds at most `holdLimit` bytes before it
    /// streams them through zlib.
    public init(holdLimit: Int = PiecewiseDeflater.defaultHoldLimit) {
        self.holdLimit = holdLimit
    }

    /// True once the bytes given outgrew the hold and go through zlib.
    public var streams: Bool { stream != nil }

    /// Adds `bytes` to the stream.
    public func append(_ bytes: [UInt8]) throws(CodecError) {
        precondition(!finished, "nothing is added to a finished stream")
        inputLength += UInt64(bytes.count)
        if let stream {
            try stream.append(bytes)
            return
        }
        held += bytes
        guard held.count > holdLimit else { return }
        let outgrown = try ZlibStreamCompressor(level: 9)
        try outgrown.append(held)
        held = []
        stream = outgrown
    }

    /// Ends the stream; `output` is then the whole of it, and `inputCRC`
    /// the CRC-32 of what was given.
    public func finish() throws(CodecError) {
        guard !finished else { return }
        finished = true
        if let stream {
            try stream.finish()
            (output, inputCRC) = (stream.output, stream.inputCRC)
            return
        }
        inputCRC = CRC32.checksum(held)
        let compressor = try LibdeflateCompressor(level: Self.level)
        output = try typedThrows(CodecError.self) {
            try held.withUnsafeBytes { input in
                try [UInt8](unsafeUninitializedCapacity: compressor.bound(input.count)) { room, count in
                    count = 0
                    count = try compressor.compress(input, into: UnsafeMutableRawBufferPointer(room))
                }
            }
        }
        held = []
    }
}
