import CZlib

/// Compresses whole buffers to raw DEFLATE (RFC 1951) with zlib
/// (`--codec zlib`).
///
/// One compressor lives in each worker process and is reused for every chunk:
/// `deflateReset` keeps zlib's ~270 KiB of window and hash tables instead of
/// allocating them again per chunk. Each chunk is compressed alone, with no
/// preset dictionary from the previous chunk: that costs about 0.1–0.3% of
/// size against pigz (which primes each block with the last 32 KiB) but
/// makes every chunk an independent gzip member that can be inflated on
/// its own, in parallel, which is what lets bale decompress on all cores.
public final class ZlibCompressor: Compressor {
    private var stream = z_stream()
    /// The compression level, 1 (fastest) to 9 (smallest).
    public let level: Int32

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

    /// bale's search settings for a level, where they differ from zlib's.
    ///
    /// zlib's level 6 searches hash chains of up to 128 matches, and keeps
    /// searching after a match of 8 bytes or more ("good", then a quarter
    /// of the chain). Measured on this machine kind on a 453 MB corpus
    /// (system headers and documentation, a Swift runtime library and a
    /// compiler binary), cut into 4 MiB chunks, one core, with a C harness
    /// calling deflate per chunk:
    ///
    ///     good lazy nice chain   MB/s   size vs one zlib -6 stream
    ///       8   16   128   128   39.5   +0.04%   (zlib level 6)
    ///       8   16   128    64   48.2   +0.27%
    ///       8   16   128    48   52.9   +0.40%
    ///       4   16   128    64   54.0   +0.38%   <- bale -6 --codec zlib
    ///       4   16   128    48   ~56    +0.52%
    ///
    /// so level 6 with `--codec zlib` compresses about 1.4× faster than zlib's
    /// for under half a percent of size: the trade a user reaching for a
    /// parallel gzip wants. The other levels are zlib's own.
    /// (`deflateReset` reloads the level's table, so this is applied after
    /// every reset.)
    static func tuning(level: Int32) -> (good: Int32, lazy: Int32, nice: Int32, chain: Int32)? {
        level == 6 ? (4, 16, 128, 64) : nil
    }

    private func applyTuning() {
        if let tuning = Self.tuning(level: level) {
            deflateTune(&stream, tuning.good, tuning.lazy, tuning.nice, tuning.chain)
        }
    }

    deinit { deflateEnd(&stream) }

    public func bound(_ count: Int) -> Int {
        Int(deflateBound(&stream, uLong(count)))
    }

    public func compress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) -> Int {
        deflateReset(&stream)
        applyTuning()
        stream.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(output.count)
        let result = CZlib.deflate(&stream, Z_FINISH)
        guard result == Z_STREAM_END else { throw CodecError.zlib("deflate", result) }
        return output.count - Int(stream.avail_out)
    }

    public func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        CRC32.checksum(bytes)
    }
}
