#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Maps in, one call per region, the arena pages a process is about to
/// touch, instead of taking a page fault on each 4 KiB page as it touches
/// them.
///
/// Every page of the arena is first touched once in each process that uses
/// it: the reader's pread allocates it, the worker maps it to read the
/// chunk or write the result, the parent maps the result to write it out.
/// Taken one fault a page, that was a quarter of all the samples of
/// `bale gunzip` in `perf`. `madvise(MADV_POPULATE_WRITE or _READ)` (Linux
/// 5.14) does the same work for a whole region in one call. Each process
/// keeps, for each slot part it uses (keyed by where it starts), how many
/// bytes it has mapped in already, so a region is asked for once per
/// process and a slot reused costs nothing more. Where the kernel refuses
/// (older than 5.14: EINVAL), the prefaulter stops asking and the pages
/// fault in one by one as before; nothing depends on the call succeeding.
final class ArenaPrefaulter: Sendable {
    /// How the process will touch the pages.
    enum Access: Sendable {
        /// It reads them (the mapping may be read-only).
        case read
        /// It writes them.
        case write
    }

    private let advice: Int32
    private let pageSize: Int
    /// Bytes mapped in so far for each part, by the part's start in the
    /// mapping, and whether the kernel still takes the call.
    private let state: Mutex<(mapped: [Int: Int], supported: Bool)>

    /// A prefaulter for a mapping the process will touch as `access` says.
    init(for access: Access) {
        advice = access == .read ? MADV_POPULATE_READ : MADV_POPULATE_WRITE
        pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        state = Mutex((mapped: [:], supported: true))
    }

    /// Maps in the first `count` bytes of the part at `part`'s start
    /// (`key`: its offset in the mapping), if this process has not yet.
    func prefault(_ count: Int, of part: UnsafeRawPointer, key: Int) {
        let done: Int? = state.withLock { $0.supported ? $0.mapped[key, default: 0] : nil }
        guard let done, count > done else { return }
        // madvise takes a page-aligned start; the page before `part + done`
        // may hold another slot's bytes, which populating leaves as they are.
        let start = Int(bitPattern: part) + done
        let aligned = start & ~(pageSize - 1)
        let result = madvise(UnsafeMutableRawPointer(bitPattern: aligned), start - aligned + count - done, advice)
        let refused = result != 0 && errno == EINVAL
        state.withLock { state in
            if refused { state.supported = false }
            state.mapped[key] = max(state.mapped[key, default: 0], count)
        }
    }
}
