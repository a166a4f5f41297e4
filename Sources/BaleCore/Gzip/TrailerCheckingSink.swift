import CIsal
import DequeModule
import Synchronization

/// Checks each member ISA-L inflated against its trailer (CRC-32, then
/// length, zlib's order and words) over the bytes as they pass through to
/// the real sink: the last step of `GzipStreamDecoder`'s output.
///
/// Why here and not in the inflater: `GzipStreamDecoder` inflates a
/// foreign stream on one thread while a `SinkWriterThread` writes (or
/// extracts) on the other core, and inflate is the slower of the two.
/// ISA-L computing the CRC-32 inline cost the inflate thread 5.7% of its
/// samples (see `IsalMemberInflater`); here it runs on the writing thread, over
/// each buffer just before it is written, with ISA-L's folding CRC
/// (`crc32_gzip_refl`, the one `IsalCompressor` uses). Members zlib
/// inflated (`--codec zlib`, a header bale cannot parse) were checked by
/// zlib and pass through unchecked.
///
/// The data of one of bale's own members (its header records its sizes)
/// is held until its trailer checks out, up to `holdLimit` bytes, and
/// only then passed on: such a member reaches this decoder when a worker
/// found it damaged (or its sizes wrong), and deflate data with a changed
/// byte often inflates to wrong bytes long before the CRC-32 at its end
/// says so; passed on, they reached the tar extractor, which wrote them
/// into a file as if they were its content. A member that does not check
/// out is dropped whole. One cut short (the input ends inside it) is
/// passed on as far as it was inflated, as before: what a truncated
/// archive still holds is extracted. Other tools' members (no recorded
/// size, possibly far larger than a chunk) are passed on as they come.
///
/// The decoder, in output order, marks where a checked member's data
/// begins (`beginMember`) and, once its trailer is read, where it ends and
/// what the trailer records (`endMember`). A mark is always made before
/// the buffer holding its position is written, so `write` finds every mark
/// that falls within its bytes. A member that does not check out is
/// reported as when ISA-L checked it inline: its data, and everything
/// before, is written, nothing after; the error names the byte after the
/// CRC (or after the length), and where the input is a file zlib judges
/// the member again (`GzipStreamDecoder.zlibVerdict`), so that the words
/// are zlib's. `finish` checks the marks after the last byte (empty
/// members at the end): the decoder calls it once the writing thread
/// ended, so that no run reports success before every member was checked.
final class TrailerCheckingSink: OutputSink, @unchecked Sendable {
    // `marks` is under its Mutex (the decoder adds, the writing thread
    // takes); the other state is touched only by the one thread that
    // writes, and by the decoder after that thread was joined.
    private let target: any OutputSink
    private let path: String
    private let rejudging: Rejudging?
    private let marks = Mutex<Deque<Mark>>([])
    /// Output bytes seen so far.
    private var position: Int64 = 0
    /// The checked member whose data is passing, when one is, and whether
    /// its data is being held (up to how many bytes).
    private var current: (start: Int64, crc: UInt32, holdLimit: Int)?
    /// The held data of the current member.
    private var held: [UInt8] = []
    /// What `finish` does with the held data of a member whose end never
    /// came: passes it on (the input ended inside it: as much of it as
    /// could be inflated is written, as it always was), or drops it (its
    /// deflate data was found damaged). Set by the decoder before `finish`.
    var passesUnfinishedMember = true

    /// Where zlib can read a rejected member again: the input file and
    /// the file offset of the stream's byte 0.
    struct Rejudging {
        var fd: Int32
        var fileBase: Int64
    }

    /// A point in the output where a checked member's data begins or ends.
    private struct Mark {
        var position: Int64
        /// For a beginning: hold the member's data, up to this many bytes
        /// (0: pass it on as it comes).
        var holdLimit = 0
        /// The trailer and where it lies in the stream, for an end.
        var end: (trailer: GzipTrailer, trailerEnd: Int64, memberStart: Int64)?
        /// For a beginning: false for a member zlib checks itself, whose
        /// beginning is marked only to be said to the sink.
        var checked = true
    }

    init(target: any OutputSink, path: String, rejudging: Rejudging?) {
        self.target = target
        self.path = path
        self.rejudging = rejudging
    }

    /// A checked member's data begins at output byte `position`; with a
    /// `holdLimit`, its data is held until its trailer checks out, as long
    /// as it is no longer than that.
    func beginMember(at position: Int64, holdLimit: Int = 0) {
        marks.withLock { $0.append(Mark(position: position, holdLimit: holdLimit, end: nil)) }
    }

    /// The data of a member zlib inflated and checks itself begins at
    /// output byte `position`: nothing to check here, but the sink is told
    /// where it begins (`gzipMemberBegins`), so that a check that fails at
    /// its end names what the member holds, as for ISA-L's members. The
    /// decoder marks only members with data (ten million empty members
    /// must not leave ten million marks for the writing thread).
    func beginUncheckedMember(at position: Int64) {
        marks.withLock { $0.append(Mark(position: position, end: nil, checked: false)) }
    }

    /// The checked member ends at output byte `position`; its trailer
    /// records `trailer`, ends at stream offset `trailerEnd`, and the member
    /// began at stream offset `memberStart`.
    func endMember(at position: Int64, trailer: GzipTrailer, trailerEnd: Int64, memberStart: Int64) {
        marks.withLock {
            $0.append(Mark(position: position, end: (trailer, trailerEnd, memberStart)))
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        let end = position + Int64(bytes.count)
        var checked = 0  // bytes[..<checked] are past the marks handled
        while let mark = marks.withLock({ (queue: inout Deque<Mark>) -> Mark? in
            guard let first = queue.first, first.position <= end else { return nil }
            return queue.removeFirst()
        }) {
            let upTo = Int(mark.position - position)
            try pass(UnsafeRawBufferPointer(rebasing: bytes[checked..<upTo]))
            checked = upTo
            guard let ending = mark.end else {
                current = mark.checked ? (mark.position, 0, mark.holdLimit) : nil
                // Data passed on as it comes: what it is, for the message
                // should the check at its end fail.
                if mark.holdLimit == 0 { target.gzipMemberBegins() }
                continue
            }
            let computed = current?.crc ?? 0
            let length = UInt32(truncatingIfNeeded: mark.position - (current?.start ?? mark.position))
            current = nil
            guard computed == ending.trailer.crc, length == ending.trailer.length else {
                held = []
                position += Int64(checked)
                throw try failure(crcMatches: computed == ending.trailer.crc, trailerEnd: ending.trailerEnd,
                                  memberStart: ending.memberStart)
            }
            try releaseHeld()
        }
        try pass(UnsafeRawBufferPointer(rebasing: bytes[checked...]))
        position = end
    }

    /// Passed on: what was written is written, whatever is held.
    func inputPauses() { target.inputPauses() }

    /// Checks the members that end after the last byte written; called
    /// once nothing more will be written. A member whose end never came
    /// has its held data passed on or dropped (`passesUnfinishedMember`).
    func finish() throws(BaleError) {
        try write(UnsafeRawBufferPointer(start: nil, count: 0))
        if passesUnfinishedMember { try releaseHeld() } else { held = [] }
    }

    /// `bytes`, which lie before the next mark: added to the CRC-32 of the
    /// member passing, if one is, then held with its data or passed on.
    /// Held data that would grow past the member's limit is passed on,
    /// and the rest of the member with it.
    private func pass(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        digest(bytes)
        if let member = current, member.holdLimit > 0 {
            if held.count + bytes.count <= member.holdLimit {
                held.append(contentsOf: bytes)
                return
            }
            current!.holdLimit = 0
            try releaseHeld()
        }
        if bytes.count > 0 { try target.write(bytes) }
    }

    /// Adds `bytes` to the CRC-32 of the member passing, if one is.
    private func digest(_ bytes: UnsafeRawBufferPointer) {
        guard current != nil, let base = bytes.baseAddress, bytes.count > 0 else { return }
        current!.crc = crc32_gzip_refl(current!.crc, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// Passes the held data on.
    private func releaseHeld() throws(BaleError) {
        guard !held.isEmpty else { return }
        let data = held
        held = []
        try typedThrows(BaleError.self) { try data.withUnsafeBytes { try target.write($0) } }
    }

    /// The error for a member that does not check out: zlib's verdict
    /// where the file can be read again, else the trailer's, at the byte
    /// after the field that differs (as zlib reports it).
    private func failure(crcMatches: Bool, trailerEnd: Int64, memberStart: Int64) throws(BaleError) -> BaleError {
        if let rejudging, let verdict = try GzipStreamDecoder.zlibVerdict(
            fd: rejudging.fd, path: path, memberStart: memberStart, fileBase: rejudging.fileBase) {
            return verdict
        }
        return crcMatches
            ? .failedCheck(path: path, offset: trailerEnd, field: .lengthCheck)
            : .failedCheck(path: path, offset: trailerEnd - 4, field: .dataCheck)
    }
}
