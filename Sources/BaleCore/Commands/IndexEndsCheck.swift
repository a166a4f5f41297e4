/// A check that an archive's index describes its tar stream where it
/// cannot be held to it by itself, run on a thread of its own while the
/// command goes on with work that does not depend on it: for `list`, at
/// both ends (`IndexedMemberReader.disagreementAtTheEnds`: the entries
/// of the first and the last members, read from them, and the end of
/// the archive after the last), while it formats its lines from the
/// index; for `cat` and a named `unpack`, after each sparse file and at
/// the end (`hiddenEntry`), while the workers start and inflate the
/// members the plan reads, nothing handed over before the verdict
/// (`IndexedTarSink`'s `verdict`): the check alone added 4-5 ms to a
/// `cat` of 35 ms.
///
/// Why a thread: the check inflates two whole members (up to 4 MiB of
/// data each, the most expensive part of `list` once the lines are built
/// as bytes), and the listing does not need its result until the first
/// line is written. Run one after the other, the two took about 20 ms and
/// 30 ms of a 49k-entry `list`; side by side, on the two cores bale
/// assumes, the check costs no wall time. As `ManifestWriter` overlaps
/// writing the manifest with the compression's tail, this overlaps a
/// check with work that does not depend on it; nothing is printed before
/// `unusableReason` (`IndexedListing` holds the lines until then).
final class IndexEndsCheck {
    /// Where the thread leaves its outcome: held by the thread's closure,
    /// never the check itself, so that whoever drops the check joins the
    /// thread (`deinit`) without the thread touching an object on its way out.
    private final class Finding: @unchecked Sendable {  // written by the thread only, read only after `join`
        /// Why the index is not to be used, worded for the warning; nil
        /// once the check found it agrees with the stream.
        var unusable: String? = "the check did not run"
    }

    private let finding = Finding()
    private var thread: JoinableThread?

    /// Starts checking `index` against the archive open on `fd` (`path`
    /// for messages), inflating with `codec`'s decompressor; `check` says
    /// where the members it reads differ from the index (nil: nowhere).
    init(fd: Int32, path: String, index: ArchiveIndex, codec: Codec,
         check: @escaping @Sendable (IndexedMemberReader) throws(BaleError) -> String?) {
        let finding = finding
        thread = JoinableThread(name: "bale-index-ends") {
            do throws(BaleError) {
                let members = try IndexedMemberReader(fd: fd, path: path, index: index, codec: codec)
                if let difference = try check(members) {
                    finding.unusable = "it disagrees with the tar stream: \(difference)"
                } else {
                    finding.unusable = nil
                }
            } catch {
                finding.unusable = error.cause
            }
        }
    }

    /// Waits for the check and returns why the index is not to be used
    /// (it disagrees with the stream, or the members could not be read),
    /// worded for the warning; nil when it agrees.
    func unusableReason() -> String? {
        thread?.join()
        thread = nil
        return finding.unusable
    }

    deinit { thread?.join() }
}
