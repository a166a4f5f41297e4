/// What went wrong reading one file of a batch job (`bale gzip -r`), as
/// its reader found it; it travels to the sink in the context of the
/// chunk that read it, and decides what becomes of the file's output.
public enum FileProblem: Sendable, Equatable {
    /// It could not be opened or read, or it is no longer the file that
    /// was listed; the text says why. Its output must be discarded.
    case unreadable(String)
    /// It shrank, or its time changed, while it was read: its output is
    /// not a faithful copy and must be discarded.
    case changed
    /// It grew while read: the output holds its listed size only, so
    /// the input must be kept.
    case grew

    /// The problem of a file that had `earlier` in its earlier parts and
    /// `later` in a later one: the first problem met stands, but "grew"
    /// never hides a worse one.
    static func adding(_ later: FileProblem?, to earlier: FileProblem?) -> FileProblem? {
        guard let earlier, earlier != .grew else { return later ?? earlier }
        return earlier
    }
}
