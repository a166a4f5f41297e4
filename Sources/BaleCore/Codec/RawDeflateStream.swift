import CIsal

/// Inflates raw deflate data held in memory a piece at a time, into
/// whatever buffer the caller has room in, with ISA-L's `isal_inflate`.
///
/// For an archive index's payload (`ArchiveIndexPayload`), which is read
/// as it is inflated: whole, a forged index of a megabyte could make
/// `list` hold a gigabyte (deflate makes up to 1032 bytes of one). ISA-L,
/// not zlib, for its speed (about twice zlib's, `IsalMemberInflater`);
/// libdeflate, which inflates only whole buffers, cannot stream.
final class RawDeflateStream {
    private let state: UnsafeMutablePointer<inflate_state>
    /// The compressed bytes, which the caller keeps alive and unchanged.
    private let input: UnsafeRawBufferPointer
    /// True once the deflate data's last block ended.
    private(set) var ended = false

    init(_ input: UnsafeRawBufferPointer) {
        self.input = input
        state = .allocate(capacity: 1)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_DEFLATE)
        state.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        state.pointee.avail_in = UInt32(clamping: input.count)
    }

    deinit { state.deallocate() }

    /// Inflates into `output` until it is full or the data ends; returns
    /// the bytes written. Damaged data, or data that stops before its last
    /// block, is an error.
    func inflate(into output: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        guard !ended, let base = output.baseAddress, output.count > 0 else { return 0 }
        state.pointee.next_out = base.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = UInt32(clamping: output.count)
        let result = isal_inflate(state)
        let produced = Int(UInt32(clamping: output.count) - state.pointee.avail_out)
        if result < 0 { throw .corrupt(IsalMemberInflater.reason(result)) }
        if state.pointee.block_state == ISAL_BLOCK_FINISH {
            ended = true
        } else if produced == 0 && state.pointee.avail_in == 0 {
            // Every byte read, room to write, and nothing came: the data
            // stops inside a block.
            throw .corrupt("deflate data ends before its last block")
        }
        return produced
    }

    /// The input bytes the deflate data did not take, once it ended: those
    /// not read, and the whole bytes ISA-L read ahead into its bit buffer.
    var inputLeft: Int { Int(state.pointee.avail_in) + Int(state.pointee.read_in_length) / 8 }
}
