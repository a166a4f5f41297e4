#if canImport(Glibc)
import Glibc
#endif
import BaleCore
import FuzzSupport

/// The decompressors, made once per process as a worker keeps them.
enum Inflaters {
    nonisolated(unsafe) static let libdeflate = try! Codec.libdeflate.makeDecompressor()
    nonisolated(unsafe) static let zlib = try! Codec.zlib.makeDecompressor()
}

/// Collects what `GzipStreamDecoder` writes (at most ~1032× a short input).
final class CollectingSink: OutputSink, @unchecked Sendable {
    var bytes: [UInt8] = []
    func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) { self.bytes += bytes }
}

/// Feeds the input as one whole bale gzip member to `GzipMember.inflate`,
/// once with libdeflate and once with zlib, into an output of the size its
/// header records (as `bale verify` and a worker allocate it, refused past
/// `GzipMember.maximumDataLength`); then as a whole gzip stream to
/// `GzipStreamDecoder`, the path for gzip from other tools (the first third
/// as bytes already read, the rest from a descriptor).
///
/// Must hold: no crash, no write or read outside the buffers (ASan), no
/// allocation past the recorded-size limit (libFuzzer's -rss_limit_mb),
/// no hang (-timeout); a member that inflates fills its output exactly,
/// both codecs agree on it, and the streaming decoder reads it as the
/// same bytes (a bale member is standard gzip).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInflate(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)

    // The output buffer, sized as the callers size it: the recorded data
    // length, when the header records a member of exactly this length.
    // Otherwise inflate must refuse the member before touching the output,
    // so it gets an empty one.
    var outputLength = 0
    if case .header(let header) = GzipHeader.parse(input), let sizes = header.recordedSizes,
       sizes.memberLength == input.count, sizes.dataLength <= GzipMember.maximumDataLength {
        outputLength = sizes.dataLength
    }
    var results: [[UInt8]?] = []
    for inflater in [Inflaters.libdeflate, Inflaters.zlib] {
        var output = [UInt8](repeating: 0, count: outputLength)
        let length = output.withUnsafeMutableBytes { buffer in
            try? GzipMember.inflate(input, expectedLength: nil, with: inflater, into: buffer)
        }
        if let length { require(length == outputLength, "inflated \(length) bytes into \(outputLength)") }
        results.append(length == nil ? nil : output)
    }
    if let first = results[0], let second = results[1] {
        require(first == second, "libdeflate and zlib inflate the member differently")
    }

    // A member that inflates and promises an end member ("BL" version 2)
    // is followed by the end member that closes it, as bale writes it:
    // without one, the streaming decoder must call the stream truncated.
    var rest = Array(input[(input.count / 3)...])
    if results.contains(where: { $0 != nil }), case .header(let header) = GzipHeader.parse(input),
       header.recordedSizes?.promisesEnd == true {
        var tally = MemberTally()
        tally.add(members: input)
        rest += tally.endMember
    }
    let split = input.count / 3
    let fd = rest.withUnsafeBytes { memoryFile(holding: $0) }
    defer { close(fd) }
    let sink = CollectingSink()
    let ending = try? GzipStreamDecoder.decode(fd: fd, path: "fuzz.gz", prefix: Array(input[..<split]), sink: sink)
    // bale's header parser checks a header CRC (FHCRC) as zlib does, so
    // every member must read the same on both paths.
    if let member = results[0] ?? results[1] {
        require(ending == .clean, "a bale member does not stream-decode cleanly: \(String(describing: ending))")
        require(sink.bytes == member, "the stream decoder reads a bale member differently")
    }
    return 0
}

runFuzzer(fuzzInflate)
