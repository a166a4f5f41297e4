/// The collector's end of the selective path: takes the members an
/// `IndexedSelection` chose, inflated and in order, and parses each
/// segment with its own `TarReader`, from the first item's header on,
/// handing the items to a handler (the extractor, or `cat`'s writer) and
/// checking each against the index before anything of it is used.
///
/// The check: an item's entry must begin exactly at the offset the index
/// gives (the parser, which trusts only the headers, must land there), and
/// its header must say all the index says of it (`ArchiveIndex.Entry
/// .disagreement`: name, type, size, mode, time, owner, link target,
/// where its data begins). So must every other entry the segment's
/// members hold (`IndexedSelection`: the parser passes them on the way):
/// the entries the parser begins and those the index puts in the data
/// parsed are the same, one for one, in order. An entry met where the
/// index put none, an entry of the index the parse passed without landing
/// on it, a header that does not parse, an item still unread or unfinished
/// when its segment's data ends: each means the index lies (or the archive
/// is damaged), and the sink stops with `lie` set, before the item is
/// handed over, so no wrong byte is written. The command then reads the stream instead
/// (`NamedEntries`), skipping the entries already handed over whole
/// (`done`).
///
/// Only the collector thread calls `write` while the pipeline runs; the
/// command reads the results after it joined it (`@unchecked Sendable`).
public final class IndexedTarSink<Handler: TarReader.Handler>: ResultSink, @unchecked Sendable {  // collector thread only, then read after the join
    private let plan: IndexedSelection
    private let archiveName: String
    private var reader: TarReader
    private var checker: Checker
    /// The segment being parsed, and the tar stream offset of the next
    /// byte it wants.
    private var segment = -1
    private var position: Int64 = 0
    /// Warnings of the segments' readers (unknown pax keywords, ...).
    public private(set) var readerWarnings: [Diagnostic] = []

    /// Parses the segments of `plan` of the archive `archiveName` into
    /// `handler`; before the first call to it, and at the end, awaits
    /// `verdict`, a check of the index made beside the pipeline: why the
    /// index does not match the stream, or nil.
    public init(plan: IndexedSelection, archiveName: String, handler: Handler, verdict: (() -> String?)? = nil) {
        self.plan = plan
        self.archiveName = archiveName
        reader = TarReader(archiveName: archiveName)
        checker = Checker(inner: handler, archiveName: archiveName, plan: plan)
        checker.verdict = verdict
    }

    /// The handler, for what it gathered and to finish it.
    public var handler: Handler { checker.inner }
    /// Why the index was found not to match the stream, if it was.
    public var lie: String? { checker.lie }
    /// The tar offsets of the entries handed to the handler whole (a hard
    /// link given its target's content counts at the link's offset).
    public var done: Set<Int64> { checker.done }
    /// True when the handler was given part of an entry and not its end.
    public var isInsideEntry: Bool { checker.inside }
    /// True when the handler itself failed (standard output, say): no
    /// fault of the index.
    public var handlerFailed: Bool { checker.handlerFailed }
    /// Entries handed over.
    public var entries: Int { checker.delivered }

    public func write(_ result: ChunkResult<IndexedSelection.Piece>) throws(BaleError) {
        let piece = result.context
        if piece.segment != segment {
            try closeSegment()
            segment = piece.segment
            reader = TarReader(archiveName: archiveName)
            checker.start(plan.segments[segment])
            position = plan.segments[segment].start
        }
        // The worker inflated exactly the data length the index gives, or failed.
        let member = plan.index.members[piece.member]
        try result.reply.writeOutput(to: Feed(sink: self, start: Int64(member.dataStart)))
    }

    /// Ends the last segment; call once the pipeline is done (or, with no
    /// segment, instead of it).
    public func finish() throws(BaleError) {
        try checker.awaitVerdict(at: 0)
        try closeSegment()
    }

    /// Feeds the part of a member's data at `start` … that the segment
    /// wants to the reader.
    fileprivate func feed(_ bytes: UnsafeRawBufferPointer, at start: Int64) throws(BaleError) {
        let wanted = plan.segments[segment]
        let from = max(position, start)
        let to = min(wanted.end, start + Int64(bytes.count))
        guard from < to else { return }
        guard from == position else { throw checker.caught(lying: "the members do not follow one another", at: from) }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[Int(from - start)..<Int(to - start)])
        do {
            try reader.feed(slice, to: &checker)
        } catch {
            if checker.handlerFailed || checker.lie != nil { throw error }
            // The header at an indexed offset does not parse: not a header.
            throw checker.caught(lying: "no tar header where it puts an entry (\(error.cause))", at: position)
        }
        position = to
    }

    /// Checks that every item of the segment was handed over whole.
    private func closeSegment() throws(BaleError) {
        guard segment >= 0 else { return }
        readerWarnings += reader.warnings
        let end = plan.segments[segment].end
        if let missing = checker.unmet {
            let name = TerminalText.name(plan.index.entries[missing.entry].name)
            throw checker.caught(lying: "no entry begins at byte \(missing.start), where it puts \(name)", at: missing.start)
        }
        if checker.inside {
            throw checker.caught(lying: "an entry runs past where the next one should begin", at: end)
        }
        if let passed = checker.passedListedEntry(before: end) {
            let name = TerminalText.name(passed.name)
            throw checker.caught(lying: "no entry begins at byte \(passed.headerStreamOffset), where it puts \(name)",
                                 at: Int64(passed.headerStreamOffset))
        }
    }

    /// Hands the bytes of one reply to `feed`.
    private struct Feed: OutputSink, @unchecked Sendable {  // used on the collector thread only, within `write`
        let sink: IndexedTarSink
        var start: Int64
        func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
            try sink.feed(bytes, at: start)
        }
    }

    /// Between the reader and the handler: matches each entry the reader
    /// begins against the segment's items, passes the items on (a hard
    /// link's target renamed as the link) and keeps what the command needs
    /// to know if it must fall back.
    private struct Checker: TarReader.Handler {
        var inner: Handler
        let archiveName: String
        let index: ArchiveIndex
        /// Targets of links delivered as links, and those delivered so far.
        let linkedTargets: Set<[UInt8]>
        var deliveredTargets: Set<[UInt8]> = []
        var items: [IndexedSelection.Item] = []
        var start: Int64 = 0
        var next = 0
        /// The index's next entry in the segment (its place in
        /// `index.entries`): the next the parser must begin.
        var listed = 0
        /// True from an entry's header to its end, item or not.
        var inEntry = false
        var passing: IndexedSelection.Item?
        var lie: String?
        var done: Set<Int64> = []
        var inside = false
        var handlerFailed = false
        var delivered = 0

        init(inner: Handler, archiveName: String, plan: IndexedSelection) {
            self.inner = inner
            self.archiveName = archiveName
            index = plan.index
            linkedTargets = plan.linkedTargets
        }

        /// A new segment: its items, and where its reader's offset 0 lies.
        mutating func start(_ segment: IndexedSelection.Segment) {
            items = segment.items
            start = segment.start
            next = 0
            listed = index.firstEntryPlace(atOrAfter: UInt64(max(0, segment.start)))
            inEntry = false
            passing = nil
        }

        /// The first item not yet met, if any.
        var unmet: IndexedSelection.Item? { next < items.count ? items[next] : nil }

        /// An entry the index puts before `end` that the parse, stopped
        /// there, passed without beginning it: one while the parser was
        /// inside another entry's data (which ran over it), or any but the
        /// last (whose header may be cut by the end of the data parsed).
        func passedListedEntry(before end: Int64) -> ArchiveIndex.Entry? {
            func listedBefore(_ place: Int) -> Bool {
                place < index.entries.count && index.entries[place].headerStreamOffset < UInt64(max(0, end))
            }
            guard listedBefore(listed), inEntry || listedBefore(listed + 1) else { return nil }
            return index.entries[listed]
        }

        /// The check made beside the pipeline, until it was awaited.
        var verdict: (() -> String?)?

        /// Awaits `verdict` (once): a lie it found stops the job here.
        mutating func awaitVerdict(at offset: Int64) throws(BaleError) {
            guard let awaited = verdict else { return }
            verdict = nil
            if let reason = awaited() { throw caught(lying: reason, at: offset) }
        }

        /// Notes that the index lies, and the error that stops the job.
        mutating func caught(lying reason: String, at offset: Int64) -> BaleError {
            lie = lie ?? reason
            return .badArchive(path: archiveName, offset: offset, reason: "the index does not match the archive: \(reason)")
        }

        /// Runs one of the handler's calls, noting its failure as its own.
        private mutating func handing(_ call: (inout Handler) throws(BaleError) -> Void) throws(BaleError) {
            do { try call(&inner) } catch {
                handlerFailed = true
                throw error
            }
        }

        mutating func begin(_ entry: TarEntry) throws(BaleError) {
            // The entry's place in the whole stream, as the index counts it.
            var read = entry
            read.headerOffset = start + entry.headerOffset
            read.contentOffset = start + entry.contentOffset
            passing = nil
            // The index's next entry must begin exactly here and say what
            // its header says, item or not: an entry it hides (a second
            // `x/a` after the first, which tar -x keeps) gave the first
            // one's bytes, exit 0; one it renames was left out.
            guard listed < index.entries.count, index.entries[listed].headerStreamOffset <= UInt64(read.headerOffset) else {
                throw caught(lying: "\(TerminalText.name(read.name)) at byte \(read.headerOffset) is not in it",
                             at: read.headerOffset)
            }
            let expected = index.entries[listed]
            guard expected.headerStreamOffset == UInt64(read.headerOffset) else {
                let offset = Int64(expected.headerStreamOffset)
                throw caught(lying: "no entry begins at byte \(offset), where it puts \(TerminalText.name(expected.name))",
                             at: offset)
            }
            if let differs = expected.disagreement(with: read) {
                throw caught(lying: "\(TerminalText.name(expected.name)): \(differs)", at: read.headerOffset)
            }
            listed += 1
            inEntry = true
            // Not an item: parsed (and checked) on the way, not handed over.
            guard let item = unmet, item.entry == listed - 1 else { return }
            next += 1
            switch item.delivery {
            case .checkOnly: return
            case .itself:
                // A link is made to a file extracted before it: the stream
                // has its target first, an index that does not lies.
                if read.kind == .hardLink && linkedTargets.contains(read.linkTarget)
                    && !deliveredTargets.contains(read.linkTarget) {
                    throw caught(lying: "the hard link \(TerminalText.name(read.name)) comes before its target", at: item.start)
                }
                if linkedTargets.contains(read.name) { deliveredTargets.insert(read.name) }
            case .contentFor(let linkName, _): read.name = linkName
            }
            try awaitVerdict(at: read.headerOffset)
            passing = item
            inside = true
            delivered += 1
            try handing { (handler) throws(BaleError) in try handler.begin(read) }
        }

        mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
            guard passing != nil else { return }
            try handing { (handler) throws(BaleError) in try handler.content(bytes) }
        }

        mutating func hole(_ length: Int64) throws(BaleError) {
            guard passing != nil else { return }
            try handing { (handler) throws(BaleError) in try handler.hole(length) }
        }

        mutating func end() throws(BaleError) {
            inEntry = false
            guard let item = passing else { return }
            passing = nil
            try handing { (handler) throws(BaleError) in try handler.end() }
            inside = false
            switch item.delivery {
            case .contentFor(_, let linkOffset): done.insert(linkOffset)
            default: done.insert(item.start)
            }
        }

        mutating func finish() -> [Diagnostic] { inner.finish() }
        var warnings: [Diagnostic] { inner.warnings }
    }
}
