/// The SHA-256 of each entry of a pack, by the entry's index (`--manifest`).
///
/// Digests are kept 32 bytes each in blocks of 4,096, made as the walk's
/// entries reach them. The read-ahead threads used to return each digest
/// as an array of its own: 100,000 small allocations, kept to the end,
/// laid between the file buffers those threads allocate and free, made
/// their malloc several times slower (perf: `_int_malloc` on the
/// read-ahead threads went from 48 to 212 samples at 5 kHz on a tree of
/// 100,000 files). Here a thread writes each digest straight into its
/// entry's slot.
///
/// Each slot is written by the thread that read that file, under the
/// cutter's lock, which orders the write before the read. The lock here
/// guards only the block table.
final class FileDigests: @unchecked Sendable {
    private static let perBlock = 4096
    private let monitor = Monitor()
    private var blocks: [UnsafeMutablePointer<UInt8>] = []

    init() {}

    deinit { for block in blocks { block.deallocate() } }

    /// Finishes `hasher` into entry `index`'s slot (the hasher starts again empty).
    func store(_ index: Int, from hasher: SHA256) {
        hasher.finish(into: slot(index))
    }

    /// Entry `index`'s digest (it must have been stored).
    func digest(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: slot(index), count: 32)
    }

    private func slot(_ index: Int) -> UnsafeMutablePointer<UInt8> {
        precondition(index >= 0)
        let block = index / Self.perBlock
        let base = monitor.withLock {
            while blocks.count <= block { blocks.append(.allocate(capacity: Self.perBlock * 32)) }
            return blocks[block]
        }
        return base + 32 * (index % Self.perBlock)
    }
}
