import CDeflate

/// Compresses whole buffers with libdeflate: bale's default codec.
///
/// libdeflate compresses a whole buffer in one call, with no streaming
/// state to carry, which is exactly a bale chunk. Its level 6 is both
/// faster and a little smaller than zlib's (README, "Choices behind the
/// figures"); levels 10–12 use near-optimal parsing for the smallest
/// output gzip can hold.
/// A compressor is allocated for one level (its tables differ by level).
///
/// The compressor is bale's copy of libdeflate's (CDeflate), which stores
/// blocks that Huffman coding would shrink by less than 1.5%, as zlib
/// does: such blocks inflate several times faster (CDeflate.h says why);
/// the CRC-32 is the copy's too.
public final class LibdeflateCompressor: Compressor {
    private let compressor: OpaquePointer
    public let level: Int32

    public init(level: Int32) throws(CodecError) {
        guard let compressor = bale_libdeflate_alloc_compressor(level) else {
            throw CodecError.libdeflate("cannot allocate a compressor at level \(level)")
        }
        self.compressor = compressor
        self.level = level
    }

    deinit { bale_libdeflate_free_compressor(compressor) }

    public func bound(_ count: Int) -> Int {
        bale_libdeflate_deflate_compress_bound(compressor, count)
    }

    public func compress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) -> Int {
        guard let destination = output.baseAddress else {
            throw CodecError.libdeflate("no room for the compressed data")
        }
        // An empty input still deflates to a valid (two-byte) final block.
        let written = bale_libdeflate_deflate_compress(
            compressor, input.baseAddress ?? UnsafeRawPointer(destination), input.count,
            destination, output.count)
        if written == 0 { throw CodecError.libdeflate("compressed data did not fit its bound") }
        return written
    }

    public func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return 0 }
        return bale_libdeflate_crc32(0, base, bytes.count)
    }
}
