import CZlib

/// Compresses whole buffers to raw DEFLATE (RFC 1951) with zlib.
///
/// One Deflater lives in each worker process and is reused for every chunk:
/// `deflateReset` keeps zlib's ~270 KiB of window and hash tables instead of
/// allocating them again per chunk. Each chunk is compressed alone, with no
/// preset dictionary from the previous chunk: that costs about 0.1–0.3% of
/// size against pigz (which primes each block with the last 32 KiB) but
/// makes every chunk an independent gzip member that can be inflated on
/// its own, in parallel, which is what lets bale decompress on all cores.
public final class Deflater {
    private var stream = z_stream()
    /// The compression level, 1 (fastest) to 9 (smallest).
    public private(set) var level: Int32

    public init(level: Int32) throws(CodecError) {
        self.level = level
        try Self.initialize(&stream, level: level)
    }

    private static func initialize(_ stream: inout z_stream, level: Int32) throws(CodecError) {
        // deflateInit2 is a macro; Swift calls the function behind it.
        // windowBits -15: raw deflate, the gzip wrapper is bale's own (GzipMember).
        // memLevel 8: zlib's default, as gzip and pigz use it.
        let result = deflateInit2_(
            &stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if result != Z_OK { throw CodecError.zlib("deflateInit2", result) }
    }

    deinit { deflateEnd(&stream) }

    /// The most bytes `count` input bytes can deflate to.
    public func bound(_ count: Int) -> Int {
        Int(deflateBound(&stream, uLong(count)))
    }

    /// Deflates `input` (all of it, as one complete stream) into `output`,
    /// which must hold at least `bound(input.count)` bytes; returns the
    /// number of bytes written.
    public func deflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        level: Int32
    ) throws(CodecError) -> Int {
        if level != self.level {
            deflateEnd(&stream)
            stream = z_stream()
            try Self.initialize(&stream, level: level)
            self.level = level
        } else {
            deflateReset(&stream)
        }
        stream.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(output.count)
        let result = CZlib.deflate(&stream, Z_FINISH)
        guard result == Z_STREAM_END else { throw CodecError.zlib("deflate", result) }
        return output.count - Int(stream.avail_out)
    }
}
