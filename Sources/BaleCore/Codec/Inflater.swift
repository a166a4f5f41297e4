import CZlib

/// Inflates one raw DEFLATE stream whose decompressed size is known
/// (bale's own members record it), straight into a buffer of that size.
///
/// Used by the worker processes for parallel decompression. The stream
/// must end exactly at the end of `input` and fill `output` exactly;
/// anything else means the member is damaged or lies about its sizes.
public final class Inflater {
    private var stream = z_stream()

    public init() throws(CodecError) {
        let result = inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if result != Z_OK { throw CodecError.zlib("inflateInit2", result) }
    }

    deinit { inflateEnd(&stream) }

    /// Inflates all of `input` into all of `output`.
    public func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) {
        inflateReset(&stream)
        // zlib wants a non-null pointer even for an empty buffer.
        let outBase = output.baseAddress ?? Self.spare
        stream.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        stream.next_out = outBase.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(output.count)
        let result = CZlib.inflate(&stream, Z_FINISH)
        switch result {
        case Z_STREAM_END:
            if stream.avail_in != 0 { throw CodecError.corrupt("deflate data ends before the member does") }
            if stream.avail_out != 0 { throw CodecError.corrupt("member is shorter than its recorded size") }
        case Z_BUF_ERROR where stream.avail_out == 0:
            throw CodecError.corrupt("member is longer than its recorded size")
        case Z_BUF_ERROR:
            throw CodecError.corrupt("unexpected end of deflate data")
        case Z_DATA_ERROR:
            throw CodecError.corrupt(Self.message(stream) ?? "invalid deflate data")
        default:
            throw CodecError.zlib("inflate", result)
        }
    }

    /// A byte for zlib to point at when the output is empty.
    nonisolated(unsafe) private static let spare = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    static func message(_ stream: z_stream) -> String? {
        stream.msg.map { String(cString: $0) }
    }
}
