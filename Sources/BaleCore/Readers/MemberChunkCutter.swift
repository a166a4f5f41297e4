/// Cuts a gzip file written by bale into its members, for parallel
/// decompression, by hopping from header to header.
///
/// Each bale member records its own length and its uncompressed length
/// (see `GzipMember`), so finding the members costs one small read per
/// member and no inflating. The cutter stops at the first member that does
/// not carry bale's sizes (another tool's gzip, or damage): everything from
/// there on is left to the streaming decoder, which reads any gzip.
///
/// Works on a regular file (pread, so reader threads read member bodies in
/// parallel; with an arena, straight into a slot of it when the member and
/// its data fit one) and on a stream (read in order under the lock, into
/// an array: the record of unwritten members keeps a stream's bytes).
///
/// Each chunk carries its member's facts (`Member`: where it lies, what
/// its header promises, its trailer's CRC), which the sink checks the
/// inflated data against (see `GunzipJob`).
///
/// The recorded sizes are hints, not facts: a file that another tool
/// altered, or that was forged, may carry plausible but wrong ones. So
/// every member handed out is listed in `unwritten` until the sink writes
/// it (where it began and, for a stream, which cannot be read twice, its
/// bytes): if a worker finds that a member does not check out, the
/// parallel pass stops and `GunzipJob` goes on with the streaming decoder
/// from the first member not written (`resumePoint`), which trusts nothing
/// but the deflate data. A valid gzip file is thus always read whole,
/// whatever its hints say.
public final class MemberChunkCutter: ChunkCutter, @unchecked Sendable {  // state only under `monitor`; `unwritten` locks its own
    /// What the sink is told of each member, in its chunk's context.
    public struct Member: Sendable {
        /// Where it begins in the input.
        public var offset: Int64
        /// Its length, as its header records it.
        public var length: Int
        /// True when its header promises an end member ("BL" version 2).
        public var promisesEnd: Bool
        /// The CRC-32 its trailer records.
        public var crc: UInt32
    }

    private let fd: Int32
    private let path: String
    private let seekable: Bool
    private let arena: SharedArena?
    private let monitor = Monitor()
    private var next: UInt64 = 0
    private var offset: Int64 = 0
    private var stopped = false
    private var unconsumed: [UInt8] = []
    /// Members handed out and not yet written; the sink crosses them off.
    /// (Lock order: `monitor`, then the record's own; the collector takes
    /// only the record's.)
    public let unwritten = UnwrittenMembers()

    /// A stream's first bytes, read by the caller before the cutter
    /// started: read from here before the stream itself.
    private var head: ArraySlice<UInt8>

    /// Cuts the file `fd`; `seekable` says whether pread works on it. For
    /// a stream, `head` holds its first bytes if the caller read them. A
    /// file's members go through slots of `arena` if given.
    public init(fd: Int32, path: String, seekable: Bool, head: [UInt8] = [], arena: SharedArena? = nil) {
        self.fd = fd
        self.arena = arena
        self.path = path
        self.seekable = seekable
        self.head = head[...]
    }

    /// Reads up to `count` bytes of the stream: what is left of `head`,
    /// then from the descriptor (under the lock, in order).
    private func readStream(into buffer: UnsafeMutableRawPointer, count: Int) throws(SystemError) -> Int {
        let fromHead = min(count, head.count)
        if fromHead > 0 {
            head.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: fromHead) }
            head = head.dropFirst(fromHead)
        }
        if fromHead == count { return count }
        return try fromHead + FileIO.read(fd, into: buffer + fromHead, count: count - fromHead)
    }

    public var chunkCount: UInt64 { monitor.withLock { next } }

    /// Where the streaming decoder must go on when the members from
    /// `sequence` on were not written: their start, and for a stream the
    /// bytes read from there on (the members kept, then what was read past them).
    public func resumePoint(from sequence: UInt64) -> (offset: Int64, prefix: [UInt8]) {
        let pending = unwritten.members(from: sequence)
        return monitor.withLock {
            guard let first = pending.first else { return (offset, unconsumed + head) }
            if seekable { return (first.offset, []) }
            return (first.offset, pending.flatMap(\.bytes) + unconsumed + head)
        }
    }

    public func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Member>? {
        if seekable {
            return try nextFileChunk(admit: admit)
        }
        return try typedThrows(BaleError.self) { try monitor.withLock { try nextStreamChunk(admit: admit) } }
    }

    /// The sizes of a member whose header is in `probe`, if it is bale's
    /// and its sizes are within the limits.
    private static func recordedSizes(_ probe: [UInt8]) -> GzipHeader.RecordedSizes? {
        probe.withUnsafeBytes { raw in
            guard case .header(let header) = GzipHeader.parse(raw),
                  let sizes = header.recordedSizes,
                  sizes.memberLength >= header.length + GzipMember.trailerLength,
                  sizes.memberLength <= GzipMember.maximumMemberLength,
                  sizes.dataLength <= GzipMember.maximumDataLength else { return nil }
            return sizes
        }
    }

    private func nextFileChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Member>? {
        let claimed = try typedThrows(BaleError.self) { try monitor.withLock { () throws(BaleError) -> (UInt64, Int64, GzipHeader.RecordedSizes)? in
            guard !stopped else { return nil }
            let probe: [UInt8]
            do throws(SystemError) {
                probe = try readBytes(count: GzipMember.headerLength) { (buffer) throws(SystemError) in
                    try FileIO.read(fd, into: buffer, count: GzipMember.headerLength, at: offset)
                }
            } catch { throw .readFailed(path: path, error) }
            guard let sizes = Self.recordedSizes(probe) else {
                stopped = true
                return nil
            }
            unwritten.handOut(next, offset: offset)
            defer {
                next += 1
                offset += Int64(sizes.memberLength)
            }
            return (next, offset, sizes)
        } }
        guard let (sequence, start, sizes) = claimed, admit(sequence) else { return nil }
        let length = sizes.memberLength
        let slot = arena?.claimSlot().flatMap {
            length <= $0.input.count && sizes.dataLength <= $0.output.count ? $0 : nil
        }
        let request: WorkRequest
        let got: Int
        do throws(SystemError) {
            if let slot {
                slot.prefaultInput(length)
                got = try FileIO.read(fd, into: slot.input.baseAddress!, count: length, at: start)
                request = .inflateInArena(slot.region(inputLength: length), expectedLength: sizes.dataLength)
            } else {
                let bytes = try readBytes(count: length) { (buffer) throws(SystemError) in
                    try FileIO.read(fd, into: buffer, count: length, at: start)
                }
                (request, got) = (.inflate(member: bytes, expectedLength: sizes.dataLength), bytes.count)
            }
        } catch { throw .readFailed(path: path, error) }
        if got < length { throw .truncated(path: path) }
        let crc = slot.map { Self.trailerCRC(UnsafeRawBufferPointer(rebasing: $0.input[0..<length])) }
            ?? request.payload.withUnsafeBytes { Self.trailerCRC($0) }
        let member = Member(offset: start, length: length, promisesEnd: sizes.promisesEnd, crc: crc)
        return Chunk(sequence: sequence, offset: start, request: request, context: member, slot: slot)
    }

    private func nextStreamChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Member>? {
        guard !stopped else { return nil }
        let probe: [UInt8]
        do throws(SystemError) {
            probe = try readBytes(count: GzipMember.headerLength) { (buffer) throws(SystemError) in
                try readStream(into: buffer, count: GzipMember.headerLength)
            }
        } catch { throw .readFailed(path: path, error) }
        guard let sizes = Self.recordedSizes(probe), admit(next) else {
            stopped = true
            unconsumed = probe
            return nil
        }
        // The member in one buffer: the header already read, then the rest read after it.
        let length = sizes.memberLength
        let member: [UInt8]
        do throws(SystemError) {
            member = try readBytes(count: length) { (buffer) throws(SystemError) in
                probe.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: probe.count) }
                return try probe.count + readStream(into: buffer + probe.count, count: length - probe.count)
            }
        } catch { throw .readFailed(path: path, error) }
        if member.count < length {
            // What was read is kept for the streaming decoder, which says
            // where the input ended.
            stopped = true
            unconsumed = member
            throw .truncated(path: path)
        }
        unwritten.handOut(next, offset: offset, bytes: member)
        let facts = Member(offset: offset, length: length, promisesEnd: sizes.promisesEnd,
                           crc: member.withUnsafeBytes { Self.trailerCRC($0) })
        defer {
            next += 1
            offset += Int64(sizes.memberLength)
        }
        return Chunk(sequence: next, offset: offset,
                     request: .inflate(member: member, expectedLength: sizes.dataLength), context: facts)
    }

    /// The CRC-32 in a whole member's trailer.
    private static func trailerCRC(_ member: UnsafeRawBufferPointer) -> UInt32 {
        GzipMember.loadLittleEndian32(member, at: member.count - 8)
    }
}
