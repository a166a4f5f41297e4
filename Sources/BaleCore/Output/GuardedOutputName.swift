#if canImport(Glibc)
import Glibc
#endif

/// The name of an output that a run removing its inputs will commit, and
/// what it held when the run began: the only file the output may replace.
///
/// Why: such a run removes what its output holds once the output is in
/// place. Two of them at once for one output (a cron job overlapping
/// itself: `pack --remove-files -o a.tgz T`, `gzip -r --manifest M T`)
/// each removed what its output held, and the later commit replaced the
/// earlier's output, whose files (or digests) were then in none (a reading
/// helper: 3 to 293 files of 3,000 lost, exit 0). So:
/// - a name empty at the start is committed without replacing (renameat2's
///   RENAME_NOREPLACE: atomic), and one that held a file must still hold
///   that file, looked at just before the rename (`commit`);
/// - a run keeps its output locked (`flock`) from its commit until it has
///   removed its inputs (`AtomicOutputFile.commit(keepingLock:)`), and the
///   file under the name is held locked, without waiting, from the look to
///   the rename: an output whose run is still removing is not replaced;
/// - and a run meeting such an output at its start stops there
///   (`isHeldByAnotherRun`): its walk would miss what the other removes
///   before it gets there.
/// A file system without flock leaves the lock out (`AdvisoryLock`).
///
/// The `--json-file` summary is committed the same way, for another
/// reason: written at the end, it replaced what the run had made under
/// that name meanwhile (`gzip f --json-file f.gz`: the data gone, exit
/// 0); it goes only where the name holds what it held at the start.
public struct GuardedOutputName {
    /// The name, as given (a link followed to the file it names).
    public let path: String
    /// The file it held when the run began; nil when it held none.
    let foundAtStart: FileIdentity?

    /// Looks at what `path` holds now, at the run's start.
    public init(_ path: String) {
        self.path = path
        var info = stat()
        foundAtStart = withCString(TerminalText.bytes(ofName: path)) { stat($0, &info) } == 0 ? FileIdentity(info) : nil
    }

    /// Whether the file the name held at the start is locked by another
    /// bale (a run still removing what that output holds).
    var isHeldByAnotherRun: Bool {
        guard foundAtStart != nil else { return false }
        let fd = open()
        guard fd >= 0 else { return false }
        defer { FileIO.close(fd) }
        return AdvisoryLock.isHeldByAnother(fd)
    }

    /// Commits `file` (written under this name) only over what the name
    /// held at the start: without replacing (RENAME_NOREPLACE) when it held
    /// nothing, else only while it still holds that file, unlocked by
    /// another run, held locked from the look to the rename. The file
    /// stays locked after (`AtomicOutputFile.releaseLock`, once the inputs
    /// are removed). False, nothing committed, when another process made
    /// or replaced it meanwhile (the caller discards `file`).
    public func commit(_ file: AtomicOutputFile, sync: Bool) throws(BaleError) -> Bool {
        let fd = open()
        defer { if fd >= 0 { FileIO.close(fd) } }
        var info = stat()
        let now = fd >= 0 && fstat(fd, &info) == 0 ? FileIdentity(info) : nil
        let free = fd < 0 || AdvisoryLock.takeExclusive(fd)
        guard now == foundAtStart && free else { return false }
        return try file.commit(attributes: nil, sync: sync, replacing: foundAtStart != nil, keepingLock: true) == .committed
    }

    /// The error for an output not replaced: another process made or
    /// replaced it while the run worked (`started`), or another run held it
    /// at the start.
    public func notReplaced(started: Bool) -> Diagnostic {
        started ? .error(path: path, "was made or replaced by another process while bale worked; not replaced")
            : .error(path: path, "is held by another bale, still removing the inputs it holds; not replaced")
    }

    private func open() -> Int32 {
        withCString(TerminalText.bytes(ofName: path)) { Glibc.open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) }
    }
}
