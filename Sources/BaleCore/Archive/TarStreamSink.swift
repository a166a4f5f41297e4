/// Feeds decompressed bytes, as the collector writes them, into a
/// `TarReader` and its handler: the archive is extracted or listed as it
/// is decompressed, with no temporary .tar.
public final class TarStreamSink<Handler: TarReader.Handler>: OutputSink, @unchecked Sendable {  // state only under `monitor`
    private let monitor = Monitor()

    private struct State {
        var reader: TarReader
        var handler: Handler
        /// Bytes of the tar stream given, the end blocks and the record's
        /// padding after them included, which the reader does not read
        /// (`--json`'s `bytes_out`, as an index's members give them).
        var received: Int64 = 0

        /// Feeds `bytes` to the reader and on to the handler (one access
        /// to the state, both its parts changed), telling the handler
        /// where the content comes from when `lent` lends them
        /// (`TarReader.Handler.contentComes(from:)`), for this feed only.
        mutating func feed(_ bytes: UnsafeRawBufferPointer, lent: LentBytes?) throws(BaleError) {
            received += Int64(bytes.count)
            guard let lent else { return try reader.feed(bytes, to: &handler) }
            handler.contentComes(from: lent)
            defer { handler.contentComes(from: nil) }
            try reader.feed(bytes, to: &handler)
        }
    }
    private var state: State

    public init(archiveName: String, handler: Handler) {
        // The whole stream is read: a damaged header after a valid one is
        // skipped to the next, as GNU tar does, and named (an error).
        state = State(reader: TarReader(archiveName: archiveName, skipsDamagedHeaders: true), handler: handler)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        try feed(bytes, lent: nil)
    }

    /// Feeds lent bytes, which the handler may keep by holding their owner.
    public func write(lent: LentBytes) throws(BaleError) {
        try feed(lent.bytes, lent: lent)
    }

    /// The handler does now what it keeps back (`TarReader.Handler.inputPauses`).
    public func inputPauses() {
        monitor.withLock { state.handler.inputPauses() }
    }

    /// The entry the next bytes belong to is remembered (`TarReader.markGzipMemberStart`).
    public func gzipMemberBegins() {
        monitor.withLock { state.reader.markGzipMemberStart() }
    }

    private func feed(_ bytes: UnsafeRawBufferPointer, lent: LentBytes?) throws(BaleError) {
        try typedThrows(BaleError.self) {
            try monitor.withLock { try state.feed(bytes, lent: lent) }
        }
    }

    /// Checks that the archive ended properly; a stream cut inside an
    /// entry is a truncated archive.
    public func finish(archiveName: String) throws(BaleError) {
        let (inside, noHeader, cpio) = monitor.withLock {
            (state.reader.isInsideEntry, state.reader.endedBeforeAnyHeader, state.reader.endedBeforeAnyHeaderAsCpio)
        }
        if cpio { throw .badArchive(path: archiveName, offset: 0, reason: CpioArchive.foundInTarStream) }
        // A few bytes that are no tar at all, as GNU tar says of them ("This
        // does not look like a tar archive"), not "truncated".
        if noHeader {
            throw .badArchive(path: archiveName, offset: 0, reason: "it is shorter than one tar header (512 bytes)")
        }
        if inside { throw .truncated(path: archiveName) }
    }

    /// The problems to report once the stream is over (the job's exit
    /// status becomes 2, or 1 for an error): the reader's (unknown pax
    /// keywords, values out of range; damaged headers skipped, errors), the
    /// handler's, and a stream that ended between entries without its
    /// end-of-archive blocks (it may have been cut there).
    public var warnings: [Diagnostic] {
        monitor.withLock {
            state.reader.warnings + state.handler.warnings + (state.reader.missingEndWarning.map { [$0] } ?? [])
        }
    }

    /// The reader's and the handler's warnings so far, for a stream that
    /// failed (where a missing end is no news).
    public var warningsBeforeFailure: [Diagnostic] {
        monitor.withLock { state.reader.warnings + state.handler.warnings }
    }

    /// Where the reader met the first damaged header it skipped: after the
    /// entry named (nil: before any); `.none` when it skipped none.
    public var firstSkipAfter: String?? { monitor.withLock { state.reader.firstSkipAfter } }

    /// The name of the last entry begun, as messages show it (nil: none).
    public var lastEntryBegun: String? { monitor.withLock { state.reader.lastBegun } }

    /// Where damage met while reading may begin, in the words of `verify`
    /// and `unpack`: before the first damaged header skipped (the entries
    /// read after it were read past damage), else at the last entry begun.
    public var damagePlace: String? {
        if case .some(let before) = firstSkipAfter {
            return "the damage is " + (before.map { "in or after \($0) (the last entry read before the first damaged header)" }
                ?? "before the first damaged header")
        }
        return lastEntryBegun.map { "the damage is in or after \($0) (the last entry read whole or in part)" }
    }

    /// Where a gzip member whose CRC-32 or length did not check out at its
    /// end may have changed the tar stream (`failedCheck`): anywhere in
    /// its data, which was extracted or listed as it came (a foreign
    /// member: no tool can hold a whole .tar.gz of one member until its
    /// end), so every entry from the one its data began in to the last
    /// one read is named; nil for other errors, or when no mark was made.
    public func placeOfFailedCheck(_ error: BaleError) -> String? {
        guard error.isFailedCheck else { return nil }
        return monitor.withLock { () -> String? in
            guard let first = state.reader.entryAtGzipMemberStart, let last = state.reader.lastBegun else { return nil }
            let entries = first == last ? "the entry \(first): what was read of it" : "the entries from \(first) to \(last): what was read of them"
            return "the damage may be anywhere in the gzip member that fails its check (a CRC-32 tells no place), "
                + "which holds \(entries), as the member came, may be wrong"
        }
    }

    /// Entries read whole and tar stream bytes given so far.
    public var progress: (entries: Int, bytes: Int64) { monitor.withLock { (state.reader.entriesWhole, state.received) } }

    /// The handler, for what it gathered.
    public var handler: Handler { monitor.withLock { state.handler } }

    /// Ends the handler's work (see `TarReader.Handler.finish`) and returns
    /// every problem to report, in the archive's order: the reader's
    /// (unknown pax keywords, values out of range, damaged headers
    /// skipped) and the handler's (entries refused, attributes not
    /// restored), each at the entry it concerns, the reader's first, as GNU
    /// tar says them as it reads; then a stream that ended between entries
    /// without its end-of-archive blocks. `stoppedShort`: the stream ended
    /// in an error, before its end (`TarReader.Handler.readingStopped`),
    /// where a missing end is no news.
    public func finishProblems(stoppedShort: Bool = false) -> [Diagnostic] {
        monitor.withLock {
            if stoppedShort { state.handler.readingStopped() }
            var problems = state.reader.problemsInPlace
            problems.append(state.handler.finishInOrder())
            let missingEnd = stoppedShort ? nil : state.reader.missingEndWarning
            return problems.inOrder + state.handler.warnings + (missingEnd.map { [$0] } ?? [])
        }
    }
}
