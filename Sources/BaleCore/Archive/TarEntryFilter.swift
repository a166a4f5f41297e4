/// Passes on to a handler only the entries named on the command line
/// (`EntrySelection`), as `tar -x NAME...` reads a whole stream and takes
/// the members it names: the stream path of `bale cat` and `bale unpack
/// ARCHIVE PATH...`, used when an archive has no index (another tool's, an
/// older bale's, a pipe) or its index cannot be trusted.
///
/// Entries at the tar offsets in `alreadyDone` were written by the indexed
/// path before it fell back to the stream: they are credited to their
/// names and not written again (`cat` would repeat their bytes, `unpack
/// -k` would call its own files "already there").
///
/// The selection decides before the handler sees the entry, so the
/// handler's own rules (the extractor's `--exclude`, `--strip-components`)
/// apply to what is selected, as in GNU tar.
public struct TarEntryFilter<Inner: TarReader.Handler>: TarReader.Handler {
    /// The handler the selected entries go to.
    public private(set) var inner: Inner
    /// The names, and which of them members were credited to.
    public private(set) var selection: EntrySelection
    private let alreadyDone: Set<Int64>
    /// True while the current entry is passed on.
    private var passing = false
    /// True once the stream stopped before its end: a name not met may be
    /// in what was not read.
    private var stoppedShort = false

    /// Passes the entries `selection` takes, but those at the tar offsets
    /// in `alreadyDone`, to `inner`.
    public init(_ inner: Inner, selection: EntrySelection, alreadyDone: Set<Int64> = []) {
        self.inner = inner
        self.selection = selection
        self.alreadyDone = alreadyDone
    }

    public mutating func begin(_ entry: TarEntry) throws(BaleError) {
        // A POSIX label is no member: no name selects it (nor is credited).
        passing = !entry.isGlobalLabel && selection.select(entry.name) && !alreadyDone.contains(entry.headerOffset)
        if passing { try inner.begin(entry) }
    }

    /// Whether `begin` would pass `entry` on, without crediting a name:
    /// what `IndexHeldExtraction` asks of an entry it leaves out, to say
    /// only those the names take.
    public func wouldPass(_ entry: TarEntry) -> Bool {
        !entry.isGlobalLabel && !alreadyDone.contains(entry.headerOffset)
            && entry.name.withUnsafeBufferPointer { selection.wouldSelect($0) }
    }

    /// An entry the reader could not read (and named) was there: a name
    /// that selects it is found, as GNU tar finds it, not "Not found".
    /// Passed on when the selection takes its name (credited by `unread`).
    public mutating func unreadable(_ entry: TarEntry) throws(BaleError) {
        if entry.name.withUnsafeBufferPointer({ selection.wouldSelect($0) }) { try inner.unreadable(entry) }
    }

    public mutating func unread(_ name: [UInt8]) {
        _ = selection.select(name)
        inner.unread(name)
    }

    public mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        if passing { try inner.content(bytes) }
    }

    public mutating func contentComes(from lent: LentBytes?) {
        inner.contentComes(from: lent)
    }

    public mutating func hole(_ length: Int64) throws(BaleError) {
        if passing { try inner.hole(length) }
    }

    public mutating func end() throws(BaleError) {
        if passing { try inner.end() }
        passing = false
    }

    /// A name no member matched is then not "Not found in archive": the
    /// archive was not read to its end. GNU tar, stopped by damage, names
    /// nothing more; bale names them, with what is known (a probe: `cat`
    /// of a file whose member failed its CRC said the file was not in the
    /// archive, which held it).
    public mutating func readingStopped() {
        stoppedShort = true
        inner.readingStopped()
    }

    public mutating func inputPauses() { inner.inputPauses() }

    /// The handler's problems, then every name no member matched (as GNU
    /// tar says them, at the end).
    public mutating func finish() -> [Diagnostic] { finishInOrder().inOrder }

    /// `finish`, the handler's problems at their places in the archive.
    public mutating func finishInOrder() -> CollectedDiagnostics {
        var collected = inner.finishInOrder()
        for name in stoppedShort ? selection.notReached : selection.notFound { collected.append(name, order: .max) }
        return collected
    }

    public var warnings: [Diagnostic] { inner.warnings }
}
