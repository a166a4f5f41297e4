import CZlib

/// Inflates one gzip member at a time from a stream with zlib, header,
/// deflate data and trailer (windowBits 15+16: zlib checks the header, the
/// CRC-32 and the length). The reference inflater: `GzipStreamDecoder` uses
/// it where zlib's judgement is wanted (see `MemberStreamInflater`), and
/// its messages are the ones bale has always given for damaged gzip.
public final class ZlibMemberInflater: MemberStreamInflater {
    private var stream = z_stream()

    public init() throws(CodecError) {
        let result = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if result != Z_OK { throw CodecError.zlib("inflateInit2", result) }
    }

    deinit { inflateEnd(&stream) }

    public var readsHeader: Bool { true }

    public var crc: UInt32 { UInt32(truncatingIfNeeded: stream.adler) }

    public func beginMember() { inflateReset(&stream) }

    public func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(InflateFailure) -> InflateStep {
        // zlib wants non-null pointers even for empty buffers.
        var spare: UInt8 = 0
        return try withUnsafeMutablePointer(to: &spare) { (spare) throws(InflateFailure) -> InflateStep in
            stream.next_in = UnsafeMutablePointer(
                mutating: (input.baseAddress ?? UnsafeRawPointer(spare)).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(clamping: input.count)
            stream.next_out = (output.baseAddress ?? UnsafeMutableRawPointer(spare)).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(clamping: output.count)
            let result = CZlib.inflate(&stream, Z_NO_FLUSH)
            let consumed = input.count - Int(stream.avail_in)
            let produced = output.count - Int(stream.avail_out)
            switch result {
            case Z_STREAM_END:
                return InflateStep(consumed: consumed, produced: produced, memberEnded: true)
            case Z_OK, Z_BUF_ERROR:
                // Z_BUF_ERROR: no progress possible, zlib needs more input.
                return InflateStep(consumed: consumed, produced: produced, memberEnded: false)
            case Z_DATA_ERROR:
                let reason = stream.msg.map { String(cString: $0) } ?? "invalid compressed data"
                let failedCheck = GzipTrailer.Field(zlibWords: reason)
                throw InflateFailure(reason: reason, consumed: consumed, failedCheck: failedCheck,
                                     produced: failedCheck != nil ? produced : 0)
            case Z_MEM_ERROR:
                throw InflateFailure(reason: "out of memory", consumed: consumed)
            default:
                throw InflateFailure(reason: "zlib error \(result)", consumed: consumed)
            }
        }
    }
}
