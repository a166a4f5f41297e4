#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What a gzip file holds, as `gzip -l` prints it: its compressed and
/// uncompressed bytes, the data's CRC-32 and its first header's length.
///
/// GNU gzip 1.12 inflates the whole file for `-l` (as `gzip -t`) and
/// prints the last member's trailer: its CRC-32 and its length modulo 4
/// GiB, the truth for a file of one member under 4 GiB, the last member's
/// alone for a file of several (0 for a bale file: its end member). bale
/// inflates the whole file too (`GzipStreamDecoder`, one pass, as `gunzip
/// -t` reads it, every member's CRC-32 and length checked, a bale stream's
/// end member against what came before it) and counts what comes out: the
/// figures are exact whatever the members, and a file that is damaged or
/// cut short gets `gunzip -t`'s error rather than figures. bale's end
/// members could give the figures without inflating, but they vouch for
/// nothing: a damaged member, or a forged record, would be listed as whole.
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
    /// Bytes that are not gzip followed the last member (ignored, as
    /// gunzip ignores them, with its warning).
    public var hasTrailingGarbage: Bool

    /// Why a file has no summary.
    public enum Failure: Error {
        /// Not gzip at all, or too short to be: what to say.
        case notGzip(String)
        case readFailed(SystemError)
        /// Inflating it failed (damaged, cut short): gunzip's error.
        case inflateFailed(BaleError)
    }

    /// The longest first header read: a name or comment of up to 16 MiB.
    static let longestHeader = 16 << 20

    /// The summary of the gzip file of `size` bytes open on `fd` at its
    /// start, named `path` in messages; `zlibOnly` inflates with zlib, the
    /// reference (`--codec zlib`).
    public static func read(fd: Int32, size: Int64, path: String, zlibOnly: Bool = false) throws(Failure) -> GzipSummary {
        // The first header, for its length (gzip's ratio takes it off),
        // read in growing steps: a name or a comment may be long.
        var wanted = Int(min(size, 1 << 12))
        var headerLength: Int?
        while headerLength == nil {
            let head: [UInt8]
            do throws(SystemError) { head = try FileIO.bytes(fd, upTo: wanted, at: 0) } catch { throw .readFailed(error) }
            let count = head.count
            switch head.withUnsafeBytes({ GzipHeader.parse($0) }) {
            case .header(let parsed): headerLength = parsed.length
            case .invalid(let reason): throw .notGzip(reason)
            case .needMoreBytes:
                guard Int64(count) < size, wanted < longestHeader else {
                    throw .notGzip(Int64(count) >= size ? "unexpected end of file" : "a header longer than bale reads")
                }
                wanted = Int(min(size, Int64(wanted) * 8, Int64(longestHeader)))
            }
        }
        let counter = CountingSink()
        let ending: GzipStreamDecoder.Ending
        do { ending = try GzipStreamDecoder.decode(fd: fd, path: path, zlibOnly: zlibOnly, sink: counter) } catch {
            throw .inflateFailed(error)
        }
        let (bytes, crc) = counter.figures
        return GzipSummary(compressedBytes: size, uncompressedBytes: bytes, crc: crc,
                           headerBytes: Int64(headerLength ?? 0) + 8, hasTrailingGarbage: ending == .trailingGarbage)
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
