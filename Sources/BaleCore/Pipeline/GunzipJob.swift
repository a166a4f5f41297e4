#if canImport(Glibc)
import Glibc
#endif

/// Decompresses one gzip input into a sink: bale's own members in
/// parallel on the workers (`MemberChunkCutter`), then whatever follows,
/// or a whole foreign file, in one streaming pass (`GzipStreamDecoder`).
/// Used by `bale gunzip`, `bale unpack` and `bale list`.
public enum GunzipJob {
    /// What a finished decompression saw.
    public struct Report: Sendable {
        public var ending: GzipStreamDecoder.Ending
        /// Members decompressed in parallel.
        public var parallelMembers: UInt64
        /// Compressed bytes consumed (for a regular file, its size).
        public var compressedBytes: Int64
    }

    public static func run(
        input: Int32, inputName: String, seekable: Bool, codec: Codec, pipeline: Pipeline,
        sink: any OutputSink
    ) throws(BaleError) -> Report {
        let cutter = MemberChunkCutter(fd: input, path: inputName, seekable: seekable)
        let report = try pipeline.run(cutter: cutter, kind: .inflate(codec), inputName: inputName, sink: sink)
        var prefix: [UInt8] = []
        if seekable {
            if lseek(input, off_t(cutter.streamingOffset), SEEK_SET) < 0 {
                throw .readFailed(path: inputName, .current("lseek"))
            }
        } else {
            prefix = cutter.bytesReadAhead
        }
        let ending = try GzipStreamDecoder.decode(
            fd: input, path: inputName, prefix: prefix, startOffset: cutter.streamingOffset,
            membersBefore: report.chunks, sink: sink)
        var info = stat()
        let compressed = seekable && fstat(input, &info) == 0 ? Int64(info.st_size) : report.bytesIn
        return Report(ending: ending, parallelMembers: report.chunks, compressedBytes: compressed)
    }
}
