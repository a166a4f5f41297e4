#if canImport(Glibc)
import Glibc
#endif

/// What a gzip file's first header and its tail say about it without
/// inflating a byte: what `gzip -l` prints.
///
/// gzip reads the last 8 bytes, the trailer of the last member: its CRC-32
/// and its length modulo 4 GiB. For a file of one member under 4 GiB that
/// is the truth; for a file of several members (bale's, pigz -i's, `cat
/// a.gz b.gz`) it is the last member's alone, and gzip prints it. bale's
/// own streams end with an end member (`GzipEndMember`) recording the
/// whole stream's length and CRC-32, and where the stream began; streams
/// joined one after another are followed back, end member to end member,
/// to the file's first byte. So bale's figures are exact for any file of
/// bale streams, and gzip's (the last trailer) for every other file.
///
/// A stream whose first member promises an end member (bale's "BL"
/// subfield, version 2) and whose tail is none was cut short: an error,
/// as every bale reader reports it, not a line of figures.
public struct GzipSummary: Equatable, Sendable {
    /// The file's bytes.
    public var compressedBytes: Int64
    /// Its uncompressed bytes: exact for bale's streams, the last
    /// trailer's (modulo 4 GiB) for other files.
    public var uncompressedBytes: Int64
    /// The CRC-32 of the data (the last trailer's for other files).
    public var crc: UInt32
    /// The first member's header and a trailer's 8 bytes: what gzip takes
    /// off the file's size in its ratio.
    public var headerBytes: Int64
    /// The first header's modification time (0: none recorded).
    public var modificationTime: UInt32
    /// True when the figures come from bale's end members.
    public var isExact: Bool

    /// Why a file has no summary.
    public enum Failure: Error, Equatable {
        /// Not gzip at all, or too short to be: what to say.
        case notGzip(String)
        /// A bale stream without its end member.
        case truncated(String)
        case readFailed(SystemError)
    }

    /// The summary of the gzip file of `size` bytes open on `fd` (read with
    /// pread: the offset is not moved).
    public static func read(fd: Int32, size: Int64) throws(Failure) -> GzipSummary {
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
        let time = UInt32(head[4]) | UInt32(head[5]) << 8 | UInt32(head[6]) << 16 | UInt32(head[7]) << 24
        var summary = GzipSummary(compressedBytes: size, uncompressedBytes: 0, crc: 0,
                                  headerBytes: Int64(header.length) + 8, modificationTime: time, isExact: false)

        // bale's streams at the file's end, from the last back.
        var end = size
        var tailParts: [Part] = []
        while end >= Int64(GzipEndMember.memberLength) {
            let tail = try bytes(GzipEndMember.memberLength, at: end - Int64(GzipEndMember.memberLength))
            guard let record = GzipEndMember.record(inMember: tail),
                  record.streamLength <= UInt64(end) - UInt64(GzipEndMember.memberLength) else { break }
            tailParts.insert(Part(crc: record.crc, length: Int64(record.dataLength)), at: 0)
            end -= Int64(GzipEndMember.memberLength) + Int64(record.streamLength)
        }
        var parts: [Part] = []
        var start: Int64 = 0
        if end > 0 && header.recordedSizes?.promisesEnd == true {
            // A bale stream first, not reached from the tail: followed by
            // another tool's members, or cut short. Its members are walked
            // by the lengths their headers record, to its end member.
            let (record, streamEnd) = try firstStreamEnd(size: end, read: bytes)
            parts.append(Part(crc: record.crc, length: Int64(record.dataLength)))
            start = streamEnd
        }
        if start < end {
            // Another tool's members: gzip's figures, the last trailer's.
            guard end - start >= 18 else { throw .notGzip("unexpected end of file") }
            let trailer = try bytes(8, at: end - 8)
            parts.append(Part(crc: Self.word(trailer, 0), length: Int64(Self.word(trailer, 4))))
        }
        parts += tailParts
        summary.isExact = start == end
        summary.uncompressedBytes = parts.reduce(0) { $0 + $1.length }
        summary.crc = parts.reduce(0) { CRC32.combine($0, $1.crc, length: Int($1.length)) }
        return summary
    }

    /// One stream's figures.
    private struct Part {
        var crc: UInt32
        var length: Int64
    }

    private static func word(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    /// The end member of the bale stream at the file's start and the offset
    /// just past it, found member by member (a data member's header records
    /// its length; an index member is its header and 10 bytes). Anything
    /// else before an end member, or the end of the first `size` bytes, is
    /// a stream cut short.
    private static func firstStreamEnd(
        size: Int64, read bytes: (Int, Int64) throws(Failure) -> [UInt8]
    ) throws(Failure) -> (GzipEndMember.Record, Int64) {
        var offset: Int64 = 0
        var members = 0
        while offset < size {
            var head = try bytes(Int(min(size - offset, 128)), offset)
            var parse = head.withUnsafeBytes { GzipHeader.parse($0) }
            if parse == .needMoreBytes && size - offset > 128 {
                head = try bytes(Int(min(size - offset, 1 << 17)), offset)
                parse = head.withUnsafeBytes { GzipHeader.parse($0) }
            }
            guard case .header(let header) = parse else { break }
            if let record = header.endRecord {
                return (record, offset + Int64(GzipEndMember.memberLength))
            }
            if header.carriesIndex {
                offset += Int64(header.length) + 10
            } else if let sizes = header.recordedSizes {
                offset += Int64(sizes.memberLength)
                members += 1
            } else {
                break
            }
        }
        throw .truncated("the bale stream at its start ends at byte \(min(offset, size)) without its end member "
                         + "(\(members) member\(members == 1 ? "" : "s") found)")
    }
}
