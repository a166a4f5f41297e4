import CZlib

/// Inflates bale's own members with zlib (`--codec zlib`), one whole
/// member at a time into a buffer of its recorded size.
public final class ZlibDecompressor: Decompressor {
    private var stream = z_stream()

    public init() throws(CodecError) {
        // windowBits -15: raw deflate; the gzip wrapper is parsed by bale.
        let result = inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if result != Z_OK { throw CodecError.zlib("inflateInit2", result) }
    }

    deinit { inflateEnd(&stream) }

    public func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) -> UInt32 {
        inflateReset(&stream)
        // zlib wants a non-null pointer even for an empty buffer.
        var spare: UInt8 = 0
        return try withUnsafeMutablePointer(to: &spare) { (spare) throws(CodecError) -> UInt32 in
            stream.next_in = UnsafeMutablePointer(
                mutating: (input.baseAddress ?? UnsafeRawPointer(spare)).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = (output.baseAddress ?? UnsafeMutableRawPointer(spare)).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(output.count)
            let result = CZlib.inflate(&stream, Z_FINISH)
            switch result {
            case Z_STREAM_END:
                if stream.avail_in != 0 { throw CodecError.corrupt("deflate data ends before the member does") }
                if stream.avail_out != 0 { throw CodecError.corrupt("member is shorter than its recorded size") }
            case Z_BUF_ERROR where stream.avail_out == 0:
                throw CodecError.corrupt("member is longer than its recorded size")
            case Z_BUF_ERROR:
                throw CodecError.corrupt("member is shorter than its recorded size")
            default:
                throw CodecError.corrupt("invalid compressed data")
            }
            return CRC32.checksum(UnsafeRawBufferPointer(output))
        }
    }
}
