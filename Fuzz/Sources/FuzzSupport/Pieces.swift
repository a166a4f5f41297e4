/// Cuts `count` bytes into consecutive pieces of varying lengths, for the
/// parsers that are fed a stream in pieces (`TarReader`): lengths around
/// the 512-byte block and 1-byte pieces are where a state machine slips.
///
/// The lengths come from the input's length, not from its bytes, so a seed
/// stays a plain file of the format (no control bytes in front) and the
/// fuzzer still varies the cut by growing or shrinking the input.
public func pieces(of count: Int) -> [Range<Int>] {
    let lengths = [1, 511, 7, 512, 513, 100, 1, 1024, 3, 2000]
    var ranges: [Range<Int>] = []
    var start = 0
    var index = count % lengths.count
    while start < count {
        let end = min(count, start + lengths[index])
        ranges.append(start..<end)
        start = end
        index = (index + 1) % lengths.count
    }
    return ranges
}
