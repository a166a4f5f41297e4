/// How `unpack` shares the descriptors the rest of the job left it: how
/// many directories its `DirectoryStack` keeps open, how many the small
/// files in flight (`FileWriters`) may hold, and whether those files are
/// written by the writer threads at all.
///
/// Decided once, at the archive's first entry, from what is spare then
/// (`DescriptorLimit.spare()`): by that time the workers, their pipes and
/// the arena (or the stream decoder's threads) are open, about 15
/// descriptors with two workers. Sizing the shares from the limit alone
/// (a quarter of it for the stack) took more than was left under a low
/// `ulimit -n`: at 17 to 20 a tree of 2,000 files in 1,262 directories
/// lost from 1 to 131 files ("Too many open files; not extracted", exit
/// 1), while GNU tar, one process, extracts it under 16.
///
/// With too few spare for the threads (each writing one file, each file
/// in flight holding its directory), small files are written on the
/// extractor's thread, one at a time, as tar does: one directory and one
/// file open at a time are then enough. Slower, never wrong; with the
/// usual limit (1,024) nothing changes.
struct ExtractionDescriptors: Equatable {
    /// Small files go to the writer threads; else each is written as it
    /// comes, on the extractor's thread.
    var writersInParallel: Bool
    /// Directories the stack keeps open at most.
    var openDirectories: Int
    /// Directories the files in flight may hold (with the threads).
    var directoriesHeld: Int

    /// Kept for whatever else opens a descriptor while files are written:
    /// a worker started in place of one that died, a large file's
    /// temporary file, the destination's own descriptor (opened on the
    /// first entry at the top).
    static let reserve = 3

    /// The fewest spare that extraction works with (`TarExtractor`
    /// refuses to start below): the destination's own descriptor, which
    /// the stack opens at the first entry, a directory in it and a file
    /// (measured: under a limit that left 2, every entry failed; 3, all
    /// were extracted, one at a time).
    static let fewest = 3

    /// The shares out of `spare` descriptors, with `writerThreads` threads.
    init(spare: Int, writerThreads: Int) {
        let available = spare - Self.reserve
        // The threads are worth it with room for each thread's file, a
        // stack of two and two directories held: below, one at a time.
        if available >= writerThreads + 4 {
            writersInParallel = true
            openDirectories = min(DescriptorLimit.directoryShare, max(2, available / 4))
            directoriesHeld = max(1, min(available / 2, available - openDirectories - writerThreads))
        } else {
            writersInParallel = false
            // One file open at a time; the rest for the path (the deeper
            // part of it stays open; the rest is opened again as needed).
            openDirectories = max(1, spare - 2)
            directoriesHeld = 1
        }
    }
}
