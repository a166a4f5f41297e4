/// The collector's end of the selective path: takes the members an
/// `IndexedSelection` chose, inflated and in order, and parses each
/// segment with its own `TarReader`, from the first item's header on,
/// handing the items to a handler (the extractor, or `cat`'s writer) and
/// checking each against the index before anything of it is used.
///
/// The check: an item's entry must begin exactly at the offset the index
/// gives (the parser, which trusts only the headers, must land there), and
/// its header must say the index's name and kind (and size for a regular
/// file, link target for a hard link). An entry met where the index put
/// none, a parse that passes an item's offset without landing on it, a
/// header that does not parse, an item still unread when its segment's
/// data ends: each means the index lies (or the archive is damaged), and
/// the sink stops with `lie` set, before the item is handed over, so no
/// wrong byte is written. The command then reads the stream instead
/// (`NamedEntries`), skipping the entries already handed over whole
/// (`done`).
///
/// Only the collector thread calls `write` while the pipeline runs; the
/// command reads the results after it joined it (`@unchecked Sendable`).
public final class IndexedTarSink<Handler: TarReader.Handler>: ResultSink, @unchecked Sendable {
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

    /// Parses the segments of `plan` of the archive `archiveName` into `handler`.
    public init(plan: IndexedSelection, archiveName: String, handler: Handler) {
        self.plan = plan
        self.archiveName = archiveName
        reader = TarReader(archiveName: archiveName)
        checker = Checker(inner: handler, archiveName: archiveName)
    }

    /// The handler, for what it gathered and to finish it.
    public var handler: Handler {
        get { checker.inner }
        set { checker.inner = newValue }
    }
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
        let member = plan.members[piece.member]
        guard result.reply.outputLength == member.dataLength else {
            throw checker.caught(lying: "member \(piece.member + 1) holds \(result.reply.outputLength) bytes, not the \(member.dataLength) the index says", at: member.dataStart)
        }
        try result.reply.writeOutput(to: Feed(sink: self, start: member.dataStart))
    }

    /// Ends the last segment; call once the pipeline is done.
    public func finish() throws(BaleError) { try closeSegment() }

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
        if let missing = checker.unmet {
            throw checker.caught(lying: "\(TerminalText.escaped(missing.entry.name)) is not at byte \(missing.entry.tarOffset)",
                                 at: missing.entry.tarOffset)
        }
        if reader.isInsideEntry {
            throw checker.caught(lying: "an entry runs past where the next one should begin", at: plan.segments[segment].end)
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
        var items: [IndexedSelection.Item] = []
        var start: Int64 = 0
        var next = 0
        var passing: IndexedSelection.Item?
        var lie: String?
        var done: Set<Int64> = []
        var inside = false
        var handlerFailed = false
        var delivered = 0

        init(inner: Handler, archiveName: String) {
            self.inner = inner
            self.archiveName = archiveName
        }

        /// A new segment: its items, and where its reader's offset 0 lies.
        mutating func start(_ segment: IndexedSelection.Segment) {
            items = segment.items
            start = segment.start
            next = 0
            passing = nil
        }

        /// The first item not yet met, if any.
        var unmet: IndexedSelection.Item? { next < items.count ? items[next] : nil }

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
            let offset = start + entry.headerOffset
            passing = nil
            guard let item = unmet, item.entry.tarOffset <= offset else { return }  // an entry between items
            guard item.entry.tarOffset == offset else {
                throw caught(lying: "no entry begins at byte \(item.entry.tarOffset), where it puts \(TerminalText.escaped(item.entry.name))",
                             at: item.entry.tarOffset)
            }
            let expected = item.entry
            var differs: String?
            if entry.name != expected.name {
                differs = "the header there names \(TerminalText.escaped(entry.name))"
            } else if entry.kind != expected.kind {
                differs = "the header there is of another type"
            } else if entry.kind == .file && entry.size != expected.size {
                differs = "the header there says \(entry.size) bytes, the index \(expected.size)"
            } else if entry.kind == .hardLink && entry.linkTarget != expected.linkTarget {
                differs = "the header there links to \(TerminalText.escaped(entry.linkTarget))"
            }
            if let differs {
                throw caught(lying: "\(TerminalText.escaped(expected.name)) at byte \(offset): \(differs)", at: offset)
            }
            next += 1
            var given = entry
            switch item.delivery {
            case .checkOnly: return
            case .itself: break
            case .contentFor(let linkName, _): given.name = linkName
            }
            // The entry's place in the whole stream, for messages and damage reports.
            given.headerOffset = offset
            given.contentOffset = start + entry.contentOffset
            passing = item
            inside = true
            delivered += 1
            try handing { (handler) throws(BaleError) in try handler.begin(given) }
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
            guard let item = passing else { return }
            passing = nil
            try handing { (handler) throws(BaleError) in try handler.end() }
            inside = false
            switch item.delivery {
            case .contentFor(_, let linkOffset): done.insert(linkOffset)
            default: done.insert(item.entry.tarOffset)
            }
        }

        mutating func finish() -> [Diagnostic] { inner.finish() }
        var warnings: [Diagnostic] { inner.warnings }
    }
}
