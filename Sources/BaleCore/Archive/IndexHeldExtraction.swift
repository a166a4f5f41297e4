/// Extraction of bale's own archive, from a file, held to the archive's
/// index: an entry the stream has otherwise than the index records it
/// (another name, type, mode, owner, size, link target or place) is not
/// extracted, and said; so is an entry the index has that the stream
/// lacks, once the stream was read whole.
///
/// Why: `bale list` of a file reads the index alone, so a `list` made to
/// vet an archive before it is unpacked shows the index's view of it.
/// Matching members can be put in one of bale's archives by another tool
/// (a member re-deflated with one header changed, its CRC made again): a
/// probe helper's archive listed `d/evil` as a plain `-rw-r--r--` file,
/// and `unpack` made it a setuid root file, or a symbolic link out of the
/// tree, exit 0 (`verify` said the index disagreed, exit 1). Such an
/// archive was changed after bale made it; what its index says is no
/// longer what `list` should be trusted for, and the entries that differ
/// are left out (exit 1), each named. Entries that agree are extracted as
/// always. A stream without an index (another tool's archive, or read
/// from a pipe) is extracted as GNU tar extracts it.
///
/// The same holds for the entries named on `unpack ARCHIVE PATH...` and
/// `cat` when they are taken from the stream (`NamedEntries`: the index
/// lied about a header, so the selective path gave up): the named entries
/// that differ are left out and said, those not named pass unsaid to the
/// filter that drops them (`concerns`). Taken from the stream as a foreign
/// archive's, a named file whose mode the stream had made 4777 was
/// extracted setuid, exit 2, where `unpack` of the whole archive left it
/// out (a probe helper).
///
/// A wrapper of any handler (`TarExtractor`, `TarEntryFilter`), in the way
/// of the reader's calls: the handler is unchanged. With no index (the
/// archive has none, or a damaged one) every call passes through.
struct IndexHeldExtraction<Inner: TarReader.Handler>: TarReader.Handler {
    /// The handler the entries that agree go to.
    private(set) var inner: Inner
    private let index: ArchiveIndexDecoder.EntryWalk?
    /// Whether a differing entry is to be said (and its name credited to
    /// `inner` as met, `unread`, so that it is not also "Not found"): every
    /// one for a whole extraction, the named ones for a filter.
    private let concerns: (TarEntry) -> Bool
    /// The archive's name, for the entries missing from the stream.
    private let archiveName: String
    /// Entries of the stream begun.
    private var entries = 0
    /// The current entry differs: its content goes nowhere.
    private var skipping = false
    /// The stream stopped before its end: entries not met may be in the part not read.
    private var stoppedShort = false
    private var said = CollectedDiagnostics()

    init(_ inner: Inner, index: ArchiveIndexDecoder.EntryWalk?, archiveName: String,
         concerns: @escaping (TarEntry) -> Bool = { _ in true }) {
        self.inner = inner
        self.index = index
        self.archiveName = archiveName
        self.concerns = concerns
    }

    mutating func begin(_ entry: TarEntry) throws(BaleError) {
        entries += 1
        guard let index else { return try inner.begin(entry) }
        switch index.compare(entry, number: entries - 1) {
        case .agrees:
            skipping = false
            try inner.begin(entry)
        case .differs(let difference):
            skipping = true
            guard concerns(entry) else { return }
            let cause = difference.isMissingFromTheIndex
                ? "is not in the archive's index" : "differs from the archive's index (\(difference.what))"
            said.append(.error(path: entry.displayName, "\(cause): the archive was changed after it was made; not extracted"),
                        order: Int(entry.headerOffset))
            inner.unread(entry.name)
        }
    }

    mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        if !skipping { try inner.content(bytes) }
    }

    mutating func hole(_ length: Int64) throws(BaleError) {
        if !skipping { try inner.hole(length) }
    }

    mutating func end() throws(BaleError) {
        if !skipping { try inner.end() }
        skipping = false
    }

    mutating func finish() -> [Diagnostic] { finishInOrder().inOrder }

    mutating func finishInOrder() -> CollectedDiagnostics {
        var all = inner.finishInOrder()
        all.append(said)
        if !stoppedShort, let missing = index?.missing(afterStreamOf: entries) {
            all.append(.error(path: archiveName, "the archive's index disagrees with its tar stream: \(missing)"),
                       order: Int.max)
        }
        return all
    }

    var warnings: [Diagnostic] { inner.warnings }

    mutating func unread(_ name: [UInt8]) { inner.unread(name) }

    mutating func unreadable(_ entry: TarEntry) throws(BaleError) { try inner.unreadable(entry) }

    mutating func contentComes(from lent: LentBytes?) { inner.contentComes(from: lent) }

    mutating func readingStopped() {
        stoppedShort = true
        inner.readingStopped()
    }

    mutating func inputPauses() { inner.inputPauses() }
}
