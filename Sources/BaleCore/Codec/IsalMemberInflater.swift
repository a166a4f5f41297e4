import CIsal

/// Inflates one gzip member at a time from a stream, with ISA-L's
/// `isal_inflate`: the deflate data and the trailer, fed in pieces as they
/// are read; the caller parses the header (`GzipHeader`) and skips it.
///
/// ISA-L, not zlib, for streams whose sizes are unknown (another tool's
/// gzip, the part of a file after bale's own members): its hand-written
/// SIMD decoder inflates about twice as fast as zlib's on one core
/// (`igzip -d` against `gzip -d`). Measured on this machine, a 236 MB tar
/// (docs, headers, a shared library) as GNU `gzip -6` wrote it, inflate
/// and CRC-32 alone, 256 KiB buffers: zlib 2.67 s, ISA-L 1.47 s (both
/// runs on a loaded machine; the ratio held at 64 KiB and 1 MiB buffers).
///
/// ISA-L runs in its raw deflate mode (`ISAL_DEFLATE`): it computes no
/// CRC-32, and the trailer is read here but not checked. The caller checks
/// it over the bytes as they are written, on the other core
/// (`TrailerCheckingSink`): inflate is the slower half of a foreign
/// stream's decoding, and ISA-L's inline CRC-32 was 5.7% of its samples
/// (`perf`, `gunzip -c` of the packed corpus's GNU file).
/// ISA-L reads its input 8 bytes at a time into a bit buffer; at the end of
/// the deflate data, the whole bytes left there are the trailer's first
/// bytes (never more than 8), taken back from the bit buffer here.
public final class IsalMemberInflater: MemberStreamInflater {
    private let state: UnsafeMutablePointer<inflate_state>
    private var trailerBytes: [UInt8] = []
    private var inTrailer = false

    public init() {
        state = .allocate(capacity: 1)
        isal_inflate_init(state)
    }

    deinit { state.deallocate() }

    public var readsHeader: Bool { false }

    /// The CRC-32 the member's trailer records (not checked here).
    public var crc: UInt32 { trailer.crc }

    /// The member's trailer, as recorded, once the member ended: for the
    /// caller to check.
    public private(set) var trailer = GzipTrailer(parsing: [UInt8](repeating: 0, count: GzipMember.trailerLength))

    public func beginMember() {
        isal_inflate_reset(state)
        state.pointee.crc_flag = UInt32(ISAL_DEFLATE)
        trailerBytes.removeAll(keepingCapacity: true)
        inTrailer = false
    }

    public func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(InflateFailure) -> InflateStep {
        var consumed = 0, produced = 0
        if !inTrailer {
            state.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
            state.pointee.avail_in = UInt32(input.count)
            state.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
            state.pointee.avail_out = UInt32(clamping: output.count)
            let result = isal_inflate(state)
            consumed = input.count - Int(state.pointee.avail_in)
            produced = Int(UInt32(clamping: output.count) - state.pointee.avail_out)
            if result < 0 { throw InflateFailure(reason: Self.reason(result), consumed: consumed) }
            guard state.pointee.block_state == ISAL_BLOCK_FINISH else {
                return InflateStep(consumed: consumed, produced: produced, memberEnded: false)
            }
            // The deflate data ended: the whole bytes still in ISA-L's bit
            // buffer come first in the trailer.
            inTrailer = true
            let bits = Int(state.pointee.read_in_length)
            var held = state.pointee.read_in >> UInt64(bits % 8)
            for _ in 0..<bits / 8 {
                trailerBytes.append(UInt8(truncatingIfNeeded: held))
                held >>= 8
            }
        }
        let take = min(8 - trailerBytes.count, input.count - consumed)
        if take > 0 { trailerBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[consumed..<consumed + take])) }
        consumed += take
        guard trailerBytes.count == 8 else { return InflateStep(consumed: consumed, produced: produced, memberEnded: false) }
        trailer = GzipTrailer(parsing: trailerBytes)
        return InflateStep(consumed: consumed, produced: produced, memberEnded: true)
    }

    /// ISA-L's error codes in words (ISA-L tells fewer causes apart than
    /// zlib; where the input can be read again, the decoder asks zlib).
    static func reason(_ code: Int32) -> String {
        switch code {
        case ISAL_INVALID_BLOCK: return "invalid deflate block"
        case ISAL_INVALID_SYMBOL: return "invalid literal/length or distance code"
        case ISAL_INVALID_LOOKBACK: return "invalid distance too far back"
        default: return "invalid compressed data (ISA-L error \(code))"
        }
    }
}
