import CZlib

/// Deflates bytes given a piece at a time into one raw DEFLATE stream held
/// in memory, with zlib, keeping only what is compressed so far (and the
/// CRC-32 and length of what went in).
///
/// For what is made a little at a time over a long run and wanted whole at
/// its end: an archive's index (`ArchiveIndexEncoder`), whose entries
/// `pack` records as the tar stream is made. Holding them compressed, not
/// as they are, is what keeps `pack`'s memory from growing with the number
/// of entries: about a byte an entry instead of thirty. zlib's own state is
/// about 270 KiB (its window and hash tables, the same at every level).
public final class ZlibStreamCompressor {
    private var stream = z_stream()
    /// The deflate stream so far.
    public private(set) var output: [UInt8] = []
    /// The bytes given so far, and their CRC-32.
    public private(set) var inputLength: UInt64 = 0
    public private(set) var inputCRC: UInt32 = 0
    private var finished = false
    /// Where deflate writes, before its output is moved to `output`.
    private let window = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)

    /// A stream at zlib's `level`.
    public init(level: Int32) throws(CodecError) {
        // windowBits -15: raw deflate; memLevel 8, zlib's default.
        let result = deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if result != Z_OK { throw CodecError.zlib("deflateInit2", result) }
    }

    deinit {
        deflateEnd(&stream)
        window.deallocate()
    }

    /// Adds `bytes` to the stream.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(CodecError) {
        precondition(!finished, "nothing is added to a finished stream")
        inputLength += UInt64(bytes.count)
        inputCRC = CRC32.checksum(bytes, continuing: inputCRC)
        try run(bytes, flush: Z_NO_FLUSH)
    }

    /// Adds `bytes` to the stream.
    public func append(_ bytes: [UInt8]) throws(CodecError) {
        try typedThrows(CodecError.self) { try bytes.withUnsafeBytes { try append($0) } }
    }

    /// Ends the stream; `output` is then the whole of it.
    public func finish() throws(CodecError) {
        guard !finished else { return }
        finished = true
        try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
    }

    /// Feeds `input` to deflate, moving what it gives from `window` to
    /// `output`, until the input is taken (and, with Z_FINISH, the stream
    /// ended). Most calls give deflate a few dozen bytes and get nothing
    /// back (it compresses in blocks), so they cost only what they add.
    private func run(_ input: UnsafeRawBufferPointer, flush: Int32) throws(CodecError) {
        var spare: UInt8 = 0
        try withUnsafeMutablePointer(to: &spare) { (spare) throws(CodecError) in
            stream.next_in = UnsafeMutablePointer(
                mutating: (input.baseAddress ?? UnsafeRawPointer(spare)).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            while true {
                stream.next_out = window.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(window.count)
                let result = deflate(&stream, flush)
                let produced = window.count - Int(stream.avail_out)
                if produced > 0 { output.append(contentsOf: UnsafeRawBufferPointer(rebasing: window[0..<produced])) }
                if result == Z_STREAM_END { return }
                guard result == Z_OK || result == Z_BUF_ERROR else { throw CodecError.zlib("deflate", result) }
                // Done when the input is taken and deflate had room left (it
                // holds nothing more back that this flush would give).
                if flush == Z_NO_FLUSH && stream.avail_in == 0 && stream.avail_out > 0 { return }
            }
        }
    }
}
