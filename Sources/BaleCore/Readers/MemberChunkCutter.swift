#if canImport(Glibc)
import Glibc
#endif

/// Cuts a gzip file written by bale into its members, for parallel
/// decompression, by hopping from header to header.
///
/// Each bale member records its own length and its uncompressed length
/// (see `GzipMember`), so finding the members costs one small read per
/// member and no inflating. The cutter stops at the first member that does
/// not carry bale's sizes (another tool's gzip, or damage): everything from
/// there on is left to the streaming decoder, which reads any gzip.
///
/// Works on a regular file and on a stream. A regular file's members are
/// never read into bale's memory: each chunk is a range of the file
/// (`FileRange`), which the worker link's feeder splices into its worker's
/// pipe (`WorkerLink`, `FrameChannel.splice`), as `FileChunkCutter` does
/// for `gzip FILE`, and whose data the worker writes to an arena slot
/// when it fits one (claimed by the feeder, `Chunk.resultArena`). The
/// readers only read each member's header and
/// its trailer's CRC (a few bytes), and ask the kernel to read the member
/// ahead into the page cache (`ReadAhead`) for the feeder.
/// Reading each member into the slot's input part (pread) cost a copy,
/// and the first touch of every page of that part in the reader and the
/// worker besides (docs/performance-history.md, "Fewer copies"). A stream is read
/// in order under the lock, into an array: the record of unwritten
/// members keeps a stream's bytes.
///
/// Each chunk carries its member's facts (`Member`: where it lies, what
/// its header promises, its trailer's CRC), which the sink checks the
/// inflated data against (see `GunzipJob`).
///
/// A member that runs past the end the file had when the job started is
/// `truncated` (the file was cut short), left to the streaming decoder; a
/// member the file no longer holds when it is spliced, or whose trailer
/// is gone by the time it is cut, means the file shrank under us: the job
/// fails (`changedWhileReading`), as `gzip FILE`'s does.
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
    /// A regular file's size when the job started (nil for a stream).
    private let size: Int64?
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
    /// file, which must stay open until the job is over, has its members'
    /// data written into slots of `arena` if given.
    public init(fd: Int32, path: String, seekable: Bool, head: [UInt8] = [], arena: SharedArena? = nil) {
        self.fd = fd
        self.arena = arena
        self.path = path
        self.seekable = seekable
        var info = stat()
        // A file whose size cannot be known is taken as long as can be: a
        // member past its end then shows as the file having shrunk.
        size = seekable ? (fstat(fd, &info) == 0 ? Int64(info.st_size) : Int64.max) : nil
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
                probe = try FileIO.bytes(fd, upTo: GzipMember.headerLength, at: offset)
            } catch { throw .readFailed(path: path, error) }
            guard let sizes = Self.recordedSizes(probe) else {
                // A header read short of where the file ended when the job
                // began: the file shrank since, and what follows is not
                // data cut short by its writer ("truncated") but a file
                // that changed as it was read, whichever of the reader and
                // a feeder's splice finds it first.
                if let size, probe.count < GzipMember.headerLength, offset + Int64(probe.count) < size {
                    throw .changedWhileReading(path: path)
                }
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
        if start + Int64(length) > size ?? .max { throw .truncated(path: path) }
        let range = FileRange(fd: fd, offset: start, length: length)
        // Advice, not a read: where the kernel takes none, the feeder's
        // splice reads the pages itself.
        ReadAhead.ask(fd, offset: start, length: Int64(length))
        let member = Member(offset: start, length: length, promisesEnd: sizes.promisesEnd,
                            crc: try readTrailerCRC(of: range))
        let request = WorkRequest.inflateFileRange(range, expectedLength: sizes.dataLength, output: nil)
        return Chunk(sequence: sequence, offset: start, request: request, context: member, resultArena: arena)
    }

    /// The CRC-32 in the trailer of the member `range` holds, read from
    /// the file: the file held the whole member when the job started, so
    /// a trailer not there any more means it shrank since.
    private func readTrailerCRC(of range: FileRange) throws(BaleError) -> UInt32 {
        var trailer = [UInt8](repeating: 0, count: GzipMember.trailerLength)
        let got: Int
        do throws(SystemError) {
            got = try typedThrows(SystemError.self) { try trailer.withUnsafeMutableBytes {
                try FileIO.read(fd, into: $0.baseAddress!, count: $0.count,
                                at: range.offset + Int64(range.length - GzipMember.trailerLength))
            } }
        } catch { throw .readFailed(path: path, error) }
        if got < trailer.count { throw .changedWhileReading(path: path) }
        return GzipTrailer(parsing: trailer).crc
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
                           crc: GzipTrailer(parsing: Array(member.suffix(GzipMember.trailerLength))).crc)
        defer {
            next += 1
            offset += Int64(sizes.memberLength)
        }
        return Chunk(sequence: next, offset: offset,
                     request: .inflate(member: member, expectedLength: sizes.dataLength), context: facts)
    }
}
