import CIsal

/// Compresses whole buffers with ISA-L's igzip (`--codec isal`, and bale's
/// fastest levels by default): Intel's deflate, hand-written in SIMD
/// assembly, the fastest gzip-compatible compressor on one core.
///
/// ISA-L has four levels, 0–3; bale offers 1–3 (its 0 is a Huffman-only
/// pass whose output is far larger than any other tool's level 1). Each
/// chunk is compressed in one stateless call (`isal_deflate_stateless`)
/// from a fresh stream and a cleared level buffer (ISA-L's hash tables
/// and token store, 0.3–1.2 MiB, allocated once per compressor and lent
/// to each call): nothing of one chunk's history or hash table reaches
/// the next, so a chunk's member is the same bytes whichever worker made
/// it and whatever it made before (the output is identical for any -p).
public final class IsalCompressor: Compressor {
    public let level: Int32
    private let levelBuffer: UnsafeMutableRawBufferPointer

    /// Every ISA-L level is a fast one (bale's -1 is its level 2): XFL 4,
    /// "fastest", as gzip -1 and igzip write it.
    public var extraFlags: UInt8 { 4 }

    public init(level: Int32) throws(CodecError) {
        guard (1...3).contains(level) else {
            throw CodecError.unsupportedLevel(codec: "isal", level: level)
        }
        self.level = level
        // ISA-L's suggested size for the level (`ISAL_DEF_LVLn_DEFAULT`).
        levelBuffer = .allocate(byteCount: Int(bale_isal_level_buffer_size(UInt32(level))), alignment: 64)
    }

    deinit { levelBuffer.deallocate() }

    /// The input in stored blocks (5 bytes of header per 65,535 bytes), the
    /// largest ISA-L falls back to when compressing would not fit, with
    /// room for the largest block header (`ISAL_DEF_MAX_HDR_SIZE`) besides.
    public func bound(_ count: Int) -> Int {
        count + 5 * (count / 65_535 + 1) + Int(ISAL_DEF_MAX_HDR_SIZE) + 64
    }

    public func compress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) -> Int {
        guard let destination = output.baseAddress else {
            throw CodecError.isal("no room for the compressed data")
        }
        guard input.count <= UInt32.max, output.count <= UInt32.max else {
            throw CodecError.isal("a chunk of \(input.count) bytes is too large")
        }
        // ISA-L does not clear its hash tables (in the level buffer) for a
        // new stateless stream: entries left by the worker's previous chunk
        // are checked before use, so the output is valid, but which matches
        // they offer depends on what that worker compressed before, and so
        // on -p. Found by IsalCodecTests in CI: `-p 1` and `-p 4` differed
        // from the second member on. Clearing the buffer (about 1 MiB at
        // most, some tens of µs against milliseconds for a 4 MiB chunk)
        // makes every chunk start from the same state.
        levelBuffer.initializeMemory(as: UInt8.self, repeating: 0)
        var stream = isal_zstream()
        isal_deflate_stateless_init(&stream)
        // An empty input still deflates to a valid final block; ISA-L only
        // needs some address to read nothing from.
        stream.next_in = UnsafeMutablePointer(
            mutating: (input.baseAddress ?? UnsafeRawPointer(destination)).assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(input.count)
        stream.next_out = destination.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = UInt32(output.count)
        stream.level = UInt32(level)
        stream.level_buf = levelBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        stream.level_buf_size = UInt32(levelBuffer.count)
        stream.end_of_stream = 1
        stream.gzip_flag = UInt16(IGZIP_DEFLATE)  // raw deflate: the gzip wrapper is bale's own
        let result = isal_deflate_stateless(&stream)
        guard result == COMP_OK else {
            throw CodecError.isal("isal_deflate_stateless failed (code \(result))")
        }
        return Int(stream.total_out)
    }

    /// ISA-L's CRC-32 (folding with carry-less multiplication), the same
    /// gzip CRC as zlib's and libdeflate's and faster than both.
    public func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        return crc32_gzip_refl(0, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }
}
