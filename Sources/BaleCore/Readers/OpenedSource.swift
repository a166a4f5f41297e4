#if canImport(Glibc)
import Glibc
#endif

/// A regular file of a pack, open for its content (`PackEntry.openSource`),
/// with its change time as it was opened.
///
/// The change time is what a change while the file is read is judged
/// against (`PackEntry.problemAfterReading`): it moves whenever the
/// content is written, even when the modification time is set back after
/// (`rsync --inplace -t`). It comes from the `fstat` the open makes anyway
/// (to be sure the name still holds a regular file), so the reading needs
/// none of its own: on a tree of 100,000 small files that second `fstat`
/// was ~2% of `pack`'s CPU. A file opened ahead (`FilePrefetcher`) carries
/// it to the cutter with its descriptor; a change between the open and
/// the read is then said too, as GNU tar says one after its own `fstat`.
struct OpenedSource {
    /// The descriptor, open for reading; its taker reads and closes it.
    var fd: Int32
    /// `st_ctim` as the file was opened.
    var changeTime: timespec
}
