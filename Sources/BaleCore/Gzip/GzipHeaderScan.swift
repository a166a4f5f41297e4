#if canImport(Glibc)
import Glibc
#endif

/// The length of a gzip header found from its bytes given piece by piece,
/// keeping none of them: what `gzip -l` takes off a file's size in its
/// ratio (`GzipSummary`).
///
/// `GzipHeader.parse` wants the whole header in one buffer, which is right
/// for the decoders (a header is read once, and bale's are 26 bytes), but
/// a name or a comment may be of any length: GNU gzip lists a file whose
/// comment is 1 GiB, where `gzip -l` held the first 16 MiB and gave up
/// ("a header longer than bale reads"). Here the fixed part is checked as
/// `parse` checks it, the extra field, the name and the comment are passed
/// over (the fields' ends found with memchr), and a header CRC (FHCRC) is
/// checked against a CRC-32 taken as the bytes go by: the state is a few
/// numbers and the fixed part's 12 bytes, whatever the header's length.
struct GzipHeaderScan {
    /// Where the scan stands.
    enum Outcome: Equatable {
        /// The header goes on past the bytes given.
        case needsMore
        /// The header ends after `length` bytes.
        case complete(length: Int)
        /// Not a gzip header: why, in `GzipHeader.parse`'s words.
        case invalid(String)
    }

    /// The header's parts, in their order (RFC 1952 §2.3).
    private enum Part: Equatable {
        /// The fixed 10 bytes, and XLEN's 2 with an extra field.
        case fixed
        case extra, name, comment
        /// The CRC-16 of the bytes before it.
        case headerCRC
        case ended
    }

    /// The optional parts, each with the flag that says it is there.
    private static let optionalParts: [(part: Part, flag: UInt8)] = [
        (.extra, GzipHeader.flagExtra), (.name, GzipHeader.flagName),
        (.comment, GzipHeader.flagComment), (.headerCRC, GzipHeader.flagHeaderCRC),
    ]

    private var part = Part.fixed
    /// The fixed part's bytes (then the CRC field's), until checked.
    private var kept: [UInt8] = []
    private var flags: UInt8 = 0
    private var extraLeft = 0
    /// Bytes of the header scanned.
    private var length = 0
    /// The CRC-32 of those bytes, taken only for a header with a CRC.
    private var crc: UInt32 = 0
    /// What the bytes given so far say.
    private(set) var outcome = Outcome.needsMore

    /// The scan of the header at byte `start` of the file open on `fd`,
    /// read (pread) in growing pieces up to `end` (the file's size, when
    /// known), until the header ends or is found to be none: needing more
    /// is a header cut short.
    static func scanning(_ fd: Int32, from start: Int64, to end: Int64 = .max) throws(SystemError) -> Outcome {
        var scan = GzipHeaderScan()
        var offset = start
        var piece = 1 << 12
        while scan.outcome == .needsMore, offset < end {
            let bytes = try FileIO.bytes(fd, upTo: Int(min(Int64(piece), end - offset)), at: offset)
            if bytes.isEmpty { break }  // the end, or the file shrank
            _ = bytes.withUnsafeBytes { scan.scan($0) }
            offset += Int64(bytes.count)
            piece = min(piece * 8, 1 << 20)
        }
        return scan.outcome
    }

    /// Scans `bytes`, the header's next ones (what follows its end is
    /// ignored), and says where it stands.
    mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        var offset = 0
        while offset < bytes.count, outcome == .needsMore {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            let scanned = part
            let taken = step(rest)
            if flags & GzipHeader.flagHeaderCRC != 0, scanned != .fixed, scanned != .headerCRC {
                crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: rest[..<taken]), continuing: crc)
            }
            offset += taken
            length += taken
            if part == .ended, outcome == .needsMore { outcome = .complete(length: length) }
        }
        return outcome
    }

    /// Takes what the current part needs of `rest` (never empty), moving
    /// on when the part ends; the bytes taken.
    private mutating func step(_ rest: UnsafeRawBufferPointer) -> Int {
        switch part {
        case .fixed:
            // 10 bytes, then XLEN's 2 when their flags say so.
            var wanted: Int { kept.count >= 10 && kept[3] & GzipHeader.flagExtra != 0 ? 12 : 10 }
            let taken = min(rest.count, wanted - kept.count)
            kept += rest.prefix(taken)
            if kept.count <= 10 {
                // The magic (said as soon as its bytes are wrong, as `parse`
                // says it of a file shorter than a header), the method, the
                // reserved flags.
                let verdict = kept.withUnsafeBytes { GzipHeader.parse($0) }
                if case .invalid(let reason) = verdict {
                    outcome = .invalid(reason)
                    return taken
                }
            }
            if kept.count == wanted {
                flags = kept[3]
                if flags & GzipHeader.flagHeaderCRC != 0 { crc = kept.withUnsafeBytes { CRC32.checksum($0) } }
                if wanted == 12 { extraLeft = Int(kept[10]) | Int(kept[11]) << 8 }
                kept = []
                part = next(after: .fixed)
            }
            return taken
        case .extra:
            let taken = min(rest.count, extraLeft)
            extraLeft -= taken
            if extraLeft == 0 { part = next(after: .extra) }
            return taken
        case .name, .comment:
            guard let zero = memchr(rest.baseAddress!, 0, rest.count) else { return rest.count }
            part = next(after: part)
            return UnsafeRawPointer(zero) - rest.baseAddress! + 1
        case .headerCRC:
            kept.append(rest[0])
            if kept.count == 2 {
                let recorded = UInt16(kept[0]) | UInt16(kept[1]) << 8
                if recorded != UInt16(truncatingIfNeeded: crc) { outcome = .invalid("header crc mismatch") }
                part = .ended
            }
            return 1
        case .ended:
            return 0
        }
    }

    /// The first optional part after `done` that the flags say is there
    /// (an extra field of no bytes is passed over); `.ended` after the last.
    private func next(after done: Part) -> Part {
        let start = Self.optionalParts.firstIndex { $0.part == done }.map { $0 + 1 } ?? 0
        for (part, flag) in Self.optionalParts[start...] where flags & flag != 0 {
            if part == .extra && extraLeft == 0 { continue }
            return part
        }
        return .ended
    }
}
