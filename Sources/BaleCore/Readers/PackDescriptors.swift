/// How `pack` shares the descriptors the rest of the job left it: how
/// many directories the walk keeps open, and how many files the read-ahead
/// may hold open ahead of the cutter (`FilePrefetcher`).
///
/// Decided once, as the walk starts, from what is spare then
/// (`DescriptorLimit.spare()`): the workers, their pipes, the arena and the
/// output are open by then (11 descriptors with two workers, with the
/// standard streams), as unpack decides its shares
/// (`ExtractionDescriptors`). Sized from the limit alone (a quarter of it
/// for the walk, half of what was left for the read-ahead), the parts
/// took more than there was under a low `ulimit -n`, and the cutter found
/// none for the file it was at: under 16 with two workers, a file was
/// left out ("Cannot open: Too many open files", exit 2) in 3 runs in 30,
/// under 14 in most runs.
///
/// With too few spare, nothing is opened ahead: the cutter opens each
/// file as it comes, as tar does. Slower on a tree of small files, never
/// wrong; with the usual limit (1,024) nothing changes.
struct PackDescriptors: Equatable {
    /// Directories the walk keeps open at most (`TreeWalk`): it holds one
    /// more for a moment, as it opens a directory inside the one it is in.
    var walkDirectories: Int
    /// Files the read-ahead may hold open at once; 0: it opens none.
    var filesAhead: Int

    /// Whether the cutter and each read-ahead thread keep open the
    /// directory of the file they opened last, for the next file in it
    /// (`PackEntry.openSource`); without, each file's directory is opened,
    /// checked and closed again (two calls more a file). Kept only where
    /// the read-ahead has room too: under a low `ulimit -n` (14 with two
    /// workers) those descriptors are the walk's and the cutter's file's.
    var readersHoldDirectories: Bool

    /// Kept for the rest of the job: the cutter's file, a directory's
    /// attributes read by the walk (`PackEntryFinder`), and the walk's
    /// second directory of the moment it enters one.
    static let kept = 3

    /// The shares out of `spare` descriptors, with `readers` read-ahead
    /// threads.
    init(spare: Int, readers: Int) {
        let available = spare - Self.kept
        walkDirectories = max(1, min(TreeWalk.maximumOpenDirectories, available))
        let held = readers + 1
        readersHoldDirectories = available - walkDirectories >= 2 * held
        let left = available - walkDirectories - (readersHoldDirectories ? held : 0)
        filesAhead = min(FilePrefetcher.maximumOpen, max(0, left / 2))
    }
}
