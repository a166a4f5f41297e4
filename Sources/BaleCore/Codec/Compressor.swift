/// Deflates whole buffers to raw DEFLATE (RFC 1951); the gzip wrapper
/// around the result is bale's own (`GzipMember`).
///
/// A worker keeps one compressor and reuses it for every chunk, so its
/// tables are allocated once per process, not once per chunk.
public protocol Compressor: AnyObject {
    /// The level this compressor was made for.
    var level: Int32 { get }

    /// The most bytes `count` input bytes can deflate to.
    func bound(_ count: Int) -> Int

    /// Deflates all of `input`, as one complete stream, into `output`, which
    /// holds at least `bound(input.count)` bytes; returns the bytes written.
    func compress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) -> Int

    /// The CRC-32 (as gzip uses it) of `bytes`, by the same library.
    func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32

    /// The gzip header's XFL byte for this compressor's members (RFC 1952:
    /// 2 for the strongest compression, 4 for the fastest, else 0).
    var extraFlags: UInt8 { get }
}

extension Compressor {
    /// As gzip and pigz set it: 2 from level 9 up, 4 at level 1.
    public var extraFlags: UInt8 { level >= 9 ? 2 : (level == 1 ? 4 : 0) }
}

/// Inflates one raw DEFLATE stream whose inflated size is known (bale's own
/// members record it) straight into a buffer of that size.
public protocol Decompressor: AnyObject {
    /// Inflates all of `input` into all of `output` and returns the CRC-32
    /// of `output`. The stream must end exactly at the end of `input` and
    /// fill `output` exactly; anything else means the member is damaged or
    /// lies about its sizes, and throws `CodecError.corrupt`.
    func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) -> UInt32
}
