#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What a gzip file holds, as `gzip -l` prints it: its compressed and
/// uncompressed bytes, the data's CRC-32, its first header's length and
/// time.
///
/// GNU gzip 1.12 inflates the whole file (as `gzip -t`) and prints the
/// last member's trailer: its CRC-32 and its length modulo 4 GiB, the
/// truth for a file of one member under 4 GiB, the last member's alone
/// for a file of several (0 for a bale file: its end member). bale reads
/// a file one of two ways:
/// - bale's own streams (a file that ends with an end member, whose
///   record says where its stream began, and so on back to the first
///   byte: `GzipEndMember`): exact, from their end members, without
///   inflating a byte;
/// - anything else (another tool's file, a bale stream joined with one,
///   cut short or followed by bytes that are not gzip): inflated
///   (`GzipStreamDecoder`, one pass, as `gunzip -t` reads it) for exact
///   figures, whatever its members, or the error `gunzip -t` gives (a
///   bale stream cut short: "truncated"), or its warning for trailing
///   garbage.
public struct GzipSummary: Equatable, Sendable {
    /// The file's bytes.
    public var compressedBytes: Int64
    /// Its uncompressed bytes.
    public var uncompressedBytes: Int64
    /// The CRC-32 of the data.
    public var crc: UInt32
    /// The first member's header and a trailer's 8 bytes: what gzip takes
    /// off the file's size in its ratio.
    public var headerBytes: Int64
    /// How the figures were found.
    public var source: Source

    public enum Source: Equatable, Sendable {
        /// From bale's end members.
        case endMembers
        /// By inflating the file; with whether bytes that are not gzip
        /// followed its last member (ignored, as gunzip ignores them).
        case inflated(trailingGarbage: Bool)
    }

    /// Why a file has no summary.
    public enum Failure: Error {
        /// Not gzip at all, or too short to be: what to say.
        case notGzip(String)
        case readFailed(SystemError)
        /// Inflating it failed (damaged, cut short): gunzip's error.
        case inflateFailed(BaleError)
    }

    /// The summary of the gzip file of `size` bytes open on `fd`, named
    /// `path` in messages (read with pread; a file inflated from its start).
    public static func read(fd: Int32, size: Int64, path: String) throws(Failure) -> GzipSummary {
        func bytes(_ count: Int, at offset: Int64) throws(Failure) -> [UInt8] {
            var result = [UInt8](repeating: 0, count: count)
            let got = result.withUnsafeMutableBytes { buffer -> Result<Int, SystemError> in
                do throws(SystemError) { return .success(try FileIO.read(fd, into: buffer.baseAddress!, count: count, at: offset)) } catch {
                    return .failure(error)
                }
            }
            switch got {
            case .success(let count): return Array(result.prefix(count))
            case .failure(let error): throw .readFailed(error)
            }
        }
        // The longest header bale reads whole: a name or comment longer
        // than this is read as gzip reads it, no further.
        let head = try bytes(Int(min(size, 1 << 16)), at: 0)
        let header: GzipHeader
        switch head.withUnsafeBytes({ GzipHeader.parse($0) }) {
        case .header(let parsed): header = parsed
        case .needMoreBytes: throw .notGzip(size < 18 ? "unexpected end of file" : "header longer than bale reads")
        case .invalid(let reason): throw .notGzip(reason)
        }
        guard size >= Int64(header.length) + 8 else { throw .notGzip("unexpected end of file") }
        var summary = GzipSummary(compressedBytes: size, uncompressedBytes: 0, crc: 0,
                                  headerBytes: Int64(header.length) + 8, source: .endMembers)

        // bale's streams at the file's end, from the last back.
        var end = size
        var parts: [(crc: UInt32, length: Int64)] = []
        while end >= Int64(GzipEndMember.memberLength) {
            let tail = try bytes(GzipEndMember.memberLength, at: end - Int64(GzipEndMember.memberLength))
            guard let record = GzipEndMember.record(inMember: tail),
                  record.streamLength <= UInt64(end) - UInt64(GzipEndMember.memberLength) else { break }
            parts.insert((record.crc, Int64(record.dataLength)), at: 0)
            end -= Int64(GzipEndMember.memberLength) + Int64(record.streamLength)
        }
        if end == 0 {
            summary.uncompressedBytes = parts.reduce(0) { $0 + $1.length }
            summary.crc = parts.reduce(0) { CRC32.combine($0, $1.crc, length: Int($1.length)) }
            return summary
        }
        let counter = CountingSink()
        let ending: GzipStreamDecoder.Ending
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw .readFailed(.current("lseek")) }
        do { ending = try GzipStreamDecoder.decode(fd: fd, path: path, sink: counter) } catch {
            throw .inflateFailed(error)
        }
        (summary.uncompressedBytes, summary.crc) = counter.figures
        summary.source = .inflated(trailingGarbage: ending == .trailingGarbage)
        return summary
    }
}

/// Counts the bytes written to it and takes their CRC-32.
private final class CountingSink: OutputSink, Sendable {
    private let state = Mutex<(bytes: Int64, crc: UInt32)>((0, 0))

    func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        state.withLock { $0 = ($0.bytes + Int64(bytes.count), CRC32.checksum(bytes, continuing: $0.crc)) }
    }

    var figures: (Int64, UInt32) { state.withLock { ($0.bytes, $0.crc) } }
}
