/// Inflates one gzip member at a time from a stream whose sizes are
/// unknown, in pieces as they are read: the job of `GzipStreamDecoder`,
/// which finds the members and says what lies between them.
///
/// Two kinds: `IsalMemberInflater` (ISA-L, the fast one, for every member
/// whose header bale parsed) and `ZlibMemberInflater` (zlib, the reference:
/// for a header bale cannot parse in its buffer, and to judge a member
/// ISA-L rejected, so that the message is zlib's, as before).
public protocol MemberStreamInflater: AnyObject {
    /// True when the inflater reads the member's header itself; false when
    /// the caller skips it and hands over the deflate data.
    var readsHeader: Bool { get }
    /// The CRC-32 of the member's data, once it ended: computed and checked
    /// (zlib), or as the trailer records it, for the caller to check (ISA-L).
    var crc: UInt32 { get }
    /// Starts a new member.
    func beginMember()
    /// Inflates from `input` into `output` until one runs out or the member
    /// ends (its trailer read, and checked by zlib; ISA-L leaves the check
    /// to its caller). A step that consumes and
    /// produces nothing needs more input.
    func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(InflateFailure) -> InflateStep
}

/// What one `MemberStreamInflater.inflate` call did.
public struct InflateStep: Sendable {
    /// Input bytes consumed.
    public var consumed: Int
    /// Output bytes written.
    public var produced: Int
    /// True when the member's trailer was read (and, for zlib, checks out).
    public var memberEnded: Bool
}

/// A member that does not inflate: why, in zlib's words where the
/// inflater tells the cause, and how many input bytes the failing call used.
public struct InflateFailure: Error, Sendable {
    public var reason: String
    public var consumed: Int
    /// The trailer field that failed, when the data inflated whole but
    /// its trailer does not match it (nil: the data itself is bad).
    public var failedCheck: GzipTrailer.Field? = nil
    /// Output bytes the failing call wrote: with `failedCheck`, the last
    /// of the member's data, whole (zlib checks the trailer only after
    /// the data it inflated), which the caller hands on before the error,
    /// as ISA-L's members are written before their trailer is checked.
    public var produced = 0

    /// The error of the stream `path` it is about, the member's failing
    /// call having begun at `offset` of the stream.
    func error(path: String, offset: Int64) -> BaleError {
        let at = offset + Int64(consumed)
        if let failedCheck { return .failedCheck(path: path, offset: at, field: failedCheck) }
        return .corrupt(path: path, offset: at, reason: reason)
    }
}
