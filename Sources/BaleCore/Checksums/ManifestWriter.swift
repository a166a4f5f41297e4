/// Writes `pack --manifest` on a thread of its own, while the archive's
/// last chunks are still being compressed.
///
/// Every file's digest is known as soon as the tar stream has been read
/// to its end, but the archive is complete only when the workers have
/// compressed the chunks still queued — a few tenths of a second on a
/// large tree. Sorting 100,000 names and writing their lines took about
/// 0.09 s; done after the pipeline, with one core idle, that was 2% of
/// the pack's wall time. Done here, it overlaps the compression tail.
///
/// The text goes to a temporary file, written whole (`finishWriting`)
/// before the archive is committed: a manifest that cannot be written (a
/// full disk, a file-size limit) fails the pack before the archive takes
/// its name, so an archive already there is not replaced by one whose
/// manifest is missing, or older than it. `commit` renames the manifest
/// into place once the archive is, and `discard` removes it, so a failed
/// pack leaves no manifest. For "-" the text is held and printed by
/// `commit`, so standard output shows a manifest only for a whole archive.
final class ManifestWriter: @unchecked Sendable {  // written by its thread only, read after `join`; `thread` by the command only
    private let path: String
    private var thread: JoinableThread?
    // Set by the thread before it ends; read after `join`.
    private var file: AtomicOutputFile?
    private var text: [UInt8]?
    private var failure: BaleError?

    /// Starts the thread. `entries` blocks until every digest is known and
    /// returns them, or returns nil when the job stopped first.
    init(path: String, entries: @escaping @Sendable () -> Manifest.Entries?) {
        self.path = path
        thread = JoinableThread(name: "bale-manifest") { [unowned self] in
            guard let entries = entries() else { return }
            guard path != "-" else {
                self.text = Manifest.text(entries)
                return
            }
            do throws(BaleError) {
                let file = try AtomicOutputFile(path: path)
                self.file = file
                try Manifest.write(entries, to: file)
            } catch {
                failure = error
            }
        }
    }

    /// Waits for the thread and throws what went wrong writing the
    /// manifest, if anything did: the pack is to fail, its archive not
    /// committed. Its temporary file is left to `discard`.
    func finishWriting() throws(BaleError) {
        thread?.join()
        thread = nil
        if let failure { throw failure }
        if path == "-" ? text == nil : file == nil { throw .workerFailed("the manifest was not made") }
    }

    /// Waits for the thread, then puts the manifest in place (flushed to
    /// disk with `sync`, see `AtomicOutputFile.commit`) or prints it;
    /// throws what went wrong, for the command to report.
    func commit(sync: Bool) throws(BaleError) {
        thread?.join()
        thread = nil
        if path == "-" {
            guard let text else { throw .workerFailed("the manifest was not made") }
            return try StandardOutput.write(text)
        }
        do throws(BaleError) {
            if let failure { throw failure }
            guard let file else { throw BaleError.workerFailed("the manifest was not made") }
            try file.commit(attributes: nil, sync: sync)
        } catch {
            file?.discard()
            throw error
        }
    }

    /// Waits for the thread (whose `entries` must return: stop the job
    /// first) and removes the temporary file.
    func discard() {
        thread?.join()
        thread = nil
        file?.discard()
        file = nil
    }
}
