/// The SHA-256 of each entry of a pack, by the entry's index (`--manifest`).
///
/// One allocation holds them all, 32 bytes per entry, made before the
/// readers start. The read-ahead threads used to return each digest as
/// an array of its own: 100,000 small allocations, kept to the end, laid
/// between the file buffers those threads allocate and free, made their
/// malloc several times slower (perf: `_int_malloc` on the read-ahead
/// threads went from 48 to 212 samples at 5 kHz on a tree of 100,000
/// files). Here a thread writes each digest straight into its entry's
/// slot.
///
/// Each slot is written by one thread (the one that read that file), and
/// read only after that thread has handed the file over under a lock
/// (`FilePrefetcher.take`, or the cutter's own lock), which orders the
/// write before the read.
final class FileDigests: @unchecked Sendable {
    /// How many entries there are slots for.
    let count: Int
    private let storage: UnsafeMutablePointer<UInt8>

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(1, count) * 32)
    }

    deinit { storage.deallocate() }

    /// Finishes `hasher` into entry `index`'s slot (the hasher starts again empty).
    func store(_ index: Int, from hasher: SHA256) {
        precondition(index >= 0 && index < count)
        hasher.finish(into: storage + 32 * index)
    }

    /// Entry `index`'s digest (it must have been stored).
    func digest(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage + 32 * index, count: 32)
    }
}
