import CDeflate

/// Inflates bale's own members with libdeflate, in the worker processes:
/// the default for parallel decompression.
///
/// libdeflate, not zlib: a whole-buffer inflater fits members
/// whose sizes are known, and it is much the faster one. Measured on the
/// 539 MB benchmark corpus compressed by bale -6 (129 members), single
/// core, inflate and CRC-32 of every member: zlib 1.33 s + 0.13 s (python3's
/// zlib), libdeflate 0.50 s (a C harness). With zlib, two workers could at
/// best reach 0.73 s against pigz -dc's 1.4 s. Streams of unknown size
/// (another tool's gzip) go through ISA-L, in `GzipStreamDecoder`;
/// `--codec zlib` inflates bale's members with `ZlibDecompressor`.
///
/// libdeflate 1.25, bale's copy (CDeflate), not Debian's 1.14: 6% less
/// CPU for the inflate and CRC-32 of the 58 members of the bench's `text`
/// tree as bale -6 wrote them (a C harness, one core, 5 runs each: 0.159 s
/// against 0.170 s), its CRC-32 2.3 times as fast (VPCLMULQDQ).
///
/// libdeflate, not ISA-L, here too: ISA-L's one-shot inflate
/// (`isal_inflate_stateless`, which computes the CRC-32 as it goes) was
/// measured against this (inflate, then `libdeflate_crc32`) on the 57
/// members of a 236 MB tar (docs, headers, a shared library) as bale -6
/// wrote it, one core, a C harness, 9 runs of each in turn, twice:
/// medians 0.595 s and 0.591 s with libdeflate, 0.708 s and 0.689 s with
/// ISA-L (on a shared machine; single runs went either way). The one
/// place to change it is `Codec.makeDecompressor`.
public final class LibdeflateDecompressor: Decompressor {
    private let decompressor: OpaquePointer

    public init() throws(CodecError) {
        guard let decompressor = bale_libdeflate_alloc_decompressor() else {
            throw CodecError.libdeflate("cannot allocate a decompressor")
        }
        self.decompressor = decompressor
    }

    deinit { bale_libdeflate_free_decompressor(decompressor) }

    public func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) -> UInt32 {
        var consumed = 0
        var produced = 0
        let result = bale_libdeflate_deflate_decompress_ex(
            decompressor, input.baseAddress ?? UnsafeRawPointer(Self.spare), input.count,
            output.baseAddress ?? Self.spare, output.count, &consumed, &produced)
        switch result {
        case BALE_LIBDEFLATE_SUCCESS:
            if consumed != input.count { throw CodecError.corrupt("deflate data ends before the member does") }
            if produced != output.count { throw CodecError.corrupt("member is shorter than its recorded size") }
        case BALE_LIBDEFLATE_INSUFFICIENT_SPACE:
            throw CodecError.corrupt("member is longer than its recorded size")
        case BALE_LIBDEFLATE_SHORT_OUTPUT:
            throw CodecError.corrupt("member is shorter than its recorded size")
        default:
            throw CodecError.corrupt("invalid compressed data")
        }
        return bale_libdeflate_crc32(0, UnsafeRawPointer(output.baseAddress ?? Self.spare), output.count)
    }

    /// A byte to point at when a buffer is empty.
    nonisolated(unsafe) private static let spare = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
}
