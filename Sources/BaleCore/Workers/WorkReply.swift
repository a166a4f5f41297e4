/// A worker's answer to one `WorkRequest`, and its encoding as a reply
/// frame and back: the one place that knows what a reply's payload holds.
///
/// The worker builds its answers in place in its own buffer (a member is
/// deflated straight into the frame's payload), so the encoding side is a
/// set of layouts it writes into (`frame(answering:…)`, the piece table
/// of members, `storeDigest`), or into the request's region of the shared
/// arena; the parent decodes every reply into this type (`decode`),
/// checked, before anyone reads it: a reply that names bytes in the arena
/// is checked against the bounds of its chunk's slot.
public enum WorkReply: Sendable {
    /// The gzip member of a `compress`.
    case compressed(member: [UInt8])
    /// The members of a `compressPieces`, one per piece, in order.
    case compressedPieces(members: PieceTable)
    /// The data of an `inflate`.
    case inflated(data: [UInt8])
    /// The digest of each file of a `digestFiles`, in order.
    case digested([FileDigest])
    /// The gzip member of a `compressInArena` (or `compressToArena`,
    /// `compressFileRange`), in its slot's output part.
    case compressedInArena(member: ArenaBytes)
    /// The data of an `inflateToArena` (`inflateFileRange`), in its
    /// slot's output part.
    case inflatedInArena(data: ArenaBytes)
    /// The chunk failed; the reason, for the message, and whether the
    /// data is damaged (a `CodecError.corrupt`) or the worker could not do
    /// its work on it (no memory for a codec, no arena mapped): only
    /// damage sends `unpack` to its damaged-archive path, or says
    /// "invalid compressed data".
    case failed(reason: String, isDamage: Bool = true)

    /// What hashing one file gave.
    public enum FileDigest: Sendable, Equatable {
        /// Its SHA-256, 32 bytes, and how many bytes were hashed.
        case digest([UInt8], bytes: Int64)
        /// It could not be opened or read: the errno.
        case unreadable(errno: Int32)
        /// It shrank while it was hashed (`FileHasher`'s mapped path).
        case changedWhileRead
        /// Not hashed: a file listed without its size that its batch
        /// gives back (`FileBatchHasher`), with the size its open found
        /// (nil: it was not opened).
        case handedBack(size: Int64?)
    }

    /// The failure field of a `changedWhileRead` record: no errno is all ones.
    static let changedWhileReadMark = UInt32.max
    /// The failure field of a `handedBack` record.
    static let handedBackMark = UInt32.max - 1

    /// The bytes of one file's digest record in a `digested` payload: the
    /// errno of a failure (u32, 0 for none; `changedWhileReadMark` for a
    /// file that shrank while hashed, `handedBackMark` for one given back),
    /// the 32-byte digest, then a size (u64, little-endian: the bytes
    /// hashed, or a file given back's size, all ones for none).
    public static let digestRecordLength = 44

    /// The header of the answer to `request` for chunk `sequence`, with
    /// the worker's time on it and `payloadLength` bytes of payload; with
    /// `inArena`, the answer is in the request's output region and its
    /// payload the answer's length (`arenaLength`).
    static func frame(answering request: WorkRequest, inArena: Bool = false, sequence: UInt64,
                      workerNanoseconds: UInt64, payloadLength: Int) -> WireFrame {
        let kind: WireFrame.Kind
        switch request {
        case .compress: kind = .compressed
        case .compressPieces: kind = .compressedPieces
        case .inflate: kind = .inflated
        case .digestFiles: kind = .digested
        case .compressInArena, .compressToArena, .compressFileRange: kind = inArena ? .compressedInArena : .compressed
        case .inflateToArena, .inflateFileRange: kind = inArena ? .inflatedInArena : .inflated
        }
        return WireFrame(kind: kind, sequence: sequence, workerNanoseconds: workerNanoseconds,
                         payloadLength: payloadLength)
    }

    /// The payload of an answer in the arena: its length, a little-endian u64.
    static func arenaLength(_ length: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(length).littleEndian, Array.init)
    }

    /// The frame saying chunk `sequence` failed, and its payload: one byte
    /// (1: the data is damaged, 0: the worker could not do the work), then
    /// the reason.
    static func failure(sequence: UInt64, reason: String, isDamage: Bool = true) -> (WireFrame, [UInt8]) {
        let bytes = [isDamage ? 1 : 0] + Array(reason.utf8)
        return (WireFrame(kind: .failed, sequence: sequence, payloadLength: bytes.count), bytes)
    }

    /// Writes one file's digest record into `slot` (`digestRecordLength` bytes).
    static func storeDigest(_ digest: FileDigest, into slot: UnsafeMutableRawBufferPointer) {
        func store(_ failure: UInt32, size: Int64?) {
            GzipMember.storeLittleEndian(failure, into: slot, at: 0)
            let field = size.flatMap { UInt64(exactly: $0) } ?? .max
            withUnsafeBytes(of: field.littleEndian) { UnsafeMutableRawBufferPointer(rebasing: slot[36..<44]).copyMemory(from: $0) }
        }
        let digestField = UnsafeMutableRawBufferPointer(rebasing: slot[4..<36])
        switch digest {
        case .digest(let bytes, let count):
            store(0, size: count)
            bytes.withUnsafeBytes { digestField.copyMemory(from: $0) }
            return
        case .unreadable(let errno):
            store(UInt32(bitPattern: errno), size: nil)
        case .changedWhileRead:
            store(changedWhileReadMark, size: nil)
        case .handedBack(let size):
            store(handedBackMark, size: size)
        }
        digestField.initializeMemory(as: UInt8.self, repeating: 0)
    }

    /// The reply a worker sent in `frame` with `payload`, for a chunk that
    /// owns `slot` (nil: a chunk sent in its frame); throws for a frame
    /// that is not a reply or holds a malformed payload, and for one that
    /// names arena bytes its chunk has no slot for or past its slot's end.
    public static func decode(_ frame: WireFrame, payload: [UInt8], slot: ArenaSlot? = nil) throws(CodecError) -> WorkReply {
        func arenaBytes() throws(CodecError) -> ArenaBytes {
            guard payload.count == 8 else {
                throw CodecError.corrupt("an arena length of \(payload.count) bytes, not 8")
            }
            let length = payload.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            guard let slot else { throw CodecError.corrupt("a reply in the arena for a chunk sent in its frame") }
            guard length <= UInt64(Int.max), let bytes = ArenaBytes(slot: slot, count: Int(length)) else {
                throw CodecError.corrupt("a reply of \(length) bytes, past the \(slot.output.count) of its slot")
            }
            // Here on the receiver thread, off the collector's path.
            slot.prefaultOutput(bytes.count)
            return bytes
        }
        switch frame.kind {
        case .compressedInArena:
            return .compressedInArena(member: try arenaBytes())
        case .inflatedInArena:
            return .inflatedInArena(data: try arenaBytes())
        case .compressed:
            return .compressed(member: payload)
        case .compressedPieces:
            return .compressedPieces(members: try PieceTable(decoding: payload))
        case .inflated:
            return .inflated(data: payload)
        case .digested:
            guard payload.count % digestRecordLength == 0 else {
                throw CodecError.corrupt("digest records of \(payload.count) bytes, not a multiple of \(digestRecordLength)")
            }
            return .digested(payload.withUnsafeBytes { bytes in
                stride(from: 0, to: bytes.count, by: digestRecordLength).map { start in
                    let failure = GzipMember.loadLittleEndian32(bytes, at: start)
                    let field = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 36, as: UInt64.self))
                    let size = field <= UInt64(Int64.max) ? Int64(field) : nil
                    switch failure {
                    case changedWhileReadMark: return .changedWhileRead
                    case handedBackMark: return .handedBack(size: size)
                    case 0: return .digest(Array(bytes[(start + 4)..<(start + 36)]), bytes: size ?? 0)
                    default: return .unreadable(errno: Int32(bitPattern: failure))
                    }
                }
            })
        case .failed:
            guard let first = payload.first else { throw CodecError.corrupt("a failure without its kind") }
            return .failed(reason: String(decoding: payload.dropFirst(), as: UTF8.self), isDamage: first != 0)
        case .compress, .compressPieces, .inflate, .digestFiles, .compressInArena, .compressToArena, .inflateToArena:
            throw CodecError.corrupt("a \(frame.kind) frame is not a reply")
        }
    }

    /// Whether this is the kind of answer `request` wants (a failure
    /// answers any request), with one member or digest per piece. A
    /// request in the arena may be answered in the frame (a member larger
    /// than its slot's output part).
    public func answers(_ request: WorkRequest) -> Bool {
        switch (self, request) {
        case (.failed, _), (.compressed, .compress), (.inflated, .inflate): return true
        case (.compressedInArena, .compressInArena), (.compressed, .compressInArena): return true
        case (.compressedInArena, .compressToArena), (.compressed, .compressToArena): return true
        case (.compressed, .compressFileRange): return true
        case (.compressedInArena, .compressFileRange(_, let output)): return output != nil
        // A member goes to a slot only when its data fits the output part.
        case (.inflatedInArena, .inflateToArena): return true
        case (.inflated, .inflateFileRange(_, _, let output)): return output == nil
        case (.inflatedInArena, .inflateFileRange(_, _, let output)): return output != nil
        case (.compressedPieces(let members), .compressPieces(let pieces)): return members.count == pieces.count
        case (.digested(let digests), .digestFiles(let files)): return digests.count == files.count
        default: return false
        }
    }

    /// The output bytes the reply holds (for pieces, without their table),
    /// for the job's counts.
    public var outputLength: Int {
        switch self {
        case .compressed(let bytes), .inflated(let bytes): return bytes.count
        case .compressedInArena(let bytes), .inflatedInArena(let bytes): return bytes.count
        case .compressedPieces(let members): return members.piecesLength
        case .digested(let digests): return digests.count * Self.digestRecordLength
        case .failed: return 0
        }
    }
}
