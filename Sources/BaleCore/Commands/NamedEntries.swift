/// The entries named on `bale cat` and `bale unpack ARCHIVE PATH...`, got
/// out of an archive the fastest way that is safe: one home for the choice
/// between the two paths and the fall back from one to the other, shared
/// by both commands.
///
/// - The selective path, for a bale archive with an index: the index says
///   which members hold the named entries (`IndexedSelection`); only those
///   are read (`SelectedMemberCutter`), inflated on the workers, and parsed
///   (`IndexedTarSink`), every entry's header checked against the index
///   before it is used.
/// - The stream path, for any other archive (another tool's, an older
///   bale's, a pipe) and when the index cannot be used: the whole stream
///   is read as `unpack` reads it and the named entries taken from it
///   (`TarEntryFilter`), as GNU tar does.
///
/// An index that is damaged or lies (its table out of order or outside the
/// file, a header that is not what it says, a member that does not
/// inflate to what it says) gives a warning and the stream path: the
/// entries the selective path already handed over whole are not handed
/// over again. Where the index's records still read whole, the stream's
/// named entries are held to them (`IndexHeldExtraction`), as `unpack` of
/// the whole archive holds every entry: one the stream has otherwise is
/// left out and named, exit 1, for `list` shows the index's view; a
/// damaged index leaves the stream alone to be trusted, as GNU tar trusts
/// it. The one case with no way back is `cat` having written part of an
/// entry when the trouble shows: its bytes cannot be taken back, so that
/// is an error (exit 1), never bytes written twice.
///
/// What the selective path cannot see is what the stream says before the
/// members it reads: an index rewritten, checksums and all, to put an
/// entry on a tar header planted in another file's data at a member's
/// start, or to hide a global pax header in an earlier member, passes
/// every check here (a probe helper's forgeries). Only reading every
/// header sees it (`verify`); the README says so, and tells a user of
/// archives from elsewhere to verify them first.
struct NamedEntries {
    /// What the entries are got for.
    enum Purpose {
        /// `unpack` into `destination`: every entry named, hard links as
        /// links when their target is named too; the policy says which
        /// links named alone get their target's content
        /// (`ExtractionPolicy.givesContent(toALinkTo:in:)`).
        case extraction(ExtractionPolicy, destination: Int32)
        /// `cat`: the content of regular files, and of hard links named
        /// without their target (the target's); an entry once begun cannot
        /// be taken back.
        case content

        var isContent: Bool {
            if case .content = self { return true }
            return false
        }
    }

    let input: ArchiveInput
    let selection: EntrySelection
    let purpose: Purpose
    let engine: EngineSettings
    let context: RunContext

    /// Gets the entries into handlers `makeHandler` makes (a second one
    /// when the selective path falls back; each is finished), reporting
    /// as `ArchiveInput.read` does; `output` (the `-v` lines) is flushed
    /// at the end.
    func read<H: TarReader.Handler>(into makeHandler: () -> H, pipeline: Pipeline,
                                    output: StandardOutput.Buffer? = nil) -> ExitCode {
        var alreadyDone: Set<Int64> = []
        var status = ExitCode.success
        var lacked: [Int] = []
        if !selection.takesEverything, input.seekable, input.isGzip {
            switch readSelectively(into: makeHandler, pipeline: pipeline, output: output) {
            case .finished(let finished):
                return finished
            case .fallBack(let done, let earlier):
                alreadyDone = done
                status = earlier
            case .noIndex:
                break
            case .notInIndex(let names, let done, let earlier):
                lacked = names
                alreadyDone = done
                status = earlier
            }
        }
        // bale's own archive in a file, its index readable (the selective
        // path fell back for a header the index does not describe, say):
        // the named entries are held to the index as `unpack` of the whole
        // archive holds every entry (`IndexHeldExtraction`); one that
        // differs is left out, exit 1.
        var index: ArchiveIndexDecoder.EntryWalk?
        if input.seekable, input.isGzip, case .found(let found) = ArchiveIndexReader.lookUpRecords(fd: input.fd, path: input.name) {
            index = ArchiveIndexDecoder.EntryWalk(found)
        }
        let filter = TarEntryFilter(makeHandler(), selection: selection, alreadyDone: alreadyDone)
        let sink = TarStreamSink(archiveName: input.name, handler: IndexHeldExtraction(
            filter, index: index, archiveName: input.name, concerns: { [filter] in filter.wouldPass($0) }))
        status = max(status, input.read(into: sink, codec: engine.codec, pipeline: pipeline, context: context, output: output))
        // A name the index lacks but the stream holds: the index lost an
        // entry (or lies), which `list` and `verify` say of it. The stream
        // gave the entry; the warning says the index is not to be trusted.
        // (Held to a readable index, the entry was left out and said.)
        let found = sink.handler.inner.selection.names
        if index == nil, let missed = lacked.first(where: { found[$0].found > 0 }) {
            let name = TerminalText.name(found[missed].text)
            let said = Diagnostic.warning(path: input.name, "the archive's index is not usable (it has no entry for \(name), "
                                          + "which the tar stream holds); the whole archive was read instead")
            status = max(status, context.report([said]))
        }
        return status
    }

    /// How the selective path ended.
    private enum Outcome {
        /// Done (or failed for good): the exit status.
        case finished(ExitCode)
        /// The stream must be read instead, skipping the entries at these
        /// tar offsets; the status of what was reported so far.
        case fallBack(done: Set<Int64>, status: ExitCode)
        /// The stream must be read, with nothing to say: the archive has no
        /// index.
        case noIndex
        /// The stream must be read: the names at these places of the
        /// selection are not in the index. Found in the stream, they show
        /// an index that lost them. The names the index has were got
        /// through it first (the entries at these tar offsets, with the
        /// status of what was reported), so a hard link named alone still
        /// gets its target's content beside a name the archive lacks.
        case notInIndex([Int], done: Set<Int64>, status: ExitCode)
    }

    /// The selective path, when the archive has a usable index.
    private func readSelectively<H: TarReader.Handler>(into makeHandler: () -> H, pipeline: Pipeline,
                                                       output: StandardOutput.Buffer?) -> Outcome {
        let name = input.name
        let index: ArchiveIndex
        switch ArchiveIndexReader.lookUp(fd: input.fd, path: name, keeping: .selectedBy(selection)) {
        case .absent:
            return .noIndex
        case .unusable(let reason):
            return .fallBack(done: [], status: warnFallingBack(reason))
        case .found(let found):
            index = found
        }
        var credited = selection
        let plan: IndexedSelection
        switch purpose {
        case .extraction(let policy, let destination):
            plan = IndexedSelection(index: index, selection: &credited,
                                    linkGetsContent: { policy.givesContent(toALinkTo: $0, in: destination) })
        case .content:
            plan = IndexedSelection(index: index, selection: &credited)
        }
        // A hard link whose target the index does not hold before it: the
        // index lost or renamed the target (bale writes a link after its
        // target), so the stream is read instead, with a warning. Through
        // the index `cat` wrote nothing for the link, exit 0.
        if let orphan = plan.linkWithoutTarget {
            return .fallBack(done: [], status: warnFallingBack(
                "it has no entry for \(TerminalText.name(orphan.target)) before the hard link \(TerminalText.name(orphan.link)) to it"))
        }
        // Where the index's checks against itself cannot hold it to the
        // stream (after a sparse file, after its last entry), the stream
        // is read there (`IndexedMemberReader.hiddenEntry`), beside the
        // pipeline; nothing is handed over before the verdict.
        let check = IndexEndsCheck(fd: input.fd, path: name, index: index, codec: engine.codec) { (members) throws(BaleError) in
            try members.hiddenEntry()
        }
        // An index can show where an entry is, not that one is missing (it
        // may have lost it): a name it lacks is looked for in the stream,
        // as tar looks for it, and "Not found in archive" is the stream's word.
        // A name that matches no entry of the index at all is looked for in
        // the stream; one whose entries an earlier name took (`z z/hl`) is
        // not found, as tar says of it, and the index still serves the rest
        // (read through the stream, a hard link named alone lost its
        // target's content).
        let lacked = credited.names.indices.filter { place in
            credited.names[place].found == 0
                && !index.entries.contains { EntrySelection.matches(credited.names[place], $0.name) }
        }
        // The names the index has are got through it all the same: read
        // through the stream, a hard link named alone, beside a name the
        // archive lacks (a typo in a list of paths), lost its target's
        // content ("cannot link to ...", exit 1; a probe helper).
        // Made only now: an extractor starts its writer threads, which its
        // `finish` ends.
        let sink = IndexedTarSink(plan: plan, archiveName: name, handler: makeHandler(), verdict: check.unusableReason)
        let cutter = SelectedMemberCutter(fd: input.fd, plan: plan)
        var report: Pipeline.Report?
        do {
            // Nothing to read (a symbolic link named to cat, say): no workers started.
            if !plan.segments.isEmpty {
                report = try pipeline.run(cutter: cutter, kind: .inflate(engine.codec), inputName: name, sink: sink)
            }
            try sink.finish()
        } catch {
            var used = sink.handler
            let problems = used.finish() + used.warnings + sink.readerWarnings
            let mayFallBack = !sink.handlerFailed && (error.isDamage || sink.lie != nil || Self.isReadError(error))
                && !(purpose.isContent && sink.isInsideEntry)
            guard mayFallBack else {
                do throws(BaleError) { try output?.flush() } catch let failure { context.fail(failure) }
                let status = max(ExitCode.failure, context.report(problems))
                context.fail(error)
                if !sink.handlerFailed && sink.isInsideEntry {
                    context.report(.error(path: name, "standard output stopped inside an entry: what it holds of that entry is incomplete"))
                }
                return .finished(max(status, error.exitStatus))
            }
            // The handler's own problems stand (an entry it refused); the rest
            // is the stream's to say.
            let status = context.report(problems)
            let reason = sink.lie ?? error.description
            return .fallBack(done: sink.done, status: max(status, warnFallingBack(reason)))
        }
        var handler = sink.handler
        let problems = handler.finish() + sink.readerWarnings + handler.warnings
        context.summary.addFiles(sink.entries)
        context.summary.addBytes(read: report.map(\.bytesIn) ?? 0, written: report.map(\.bytesOut) ?? 0)
        // The lacked names, not found here, are for the stream to find or
        // call "Not found in archive".
        if !lacked.isEmpty { return .notInIndex(lacked, done: sink.done, status: context.report(problems)) }
        let status = context.report(problems + credited.notFound)
        do throws(BaleError) { try output?.flush() } catch {
            context.fail(error)
            return .finished(error.exitStatus)
        }
        return .finished(status)
    }

    /// Says that the archive will be read whole instead, and why, worded
    /// as `list` words it (`IndexedListing.unusable`: the reason in
    /// parentheses, then what is done instead); the exit status that asks
    /// for (a warning, 2).
    private func warnFallingBack(_ reason: String) -> ExitCode {
        let said = Diagnostic.warning(path: input.name, "the archive's index is not usable (\(reason)); reading the whole archive instead")
        context.report(said)
        return said.exitStatus
    }

    /// True for a failed or short read of the archive (a file that changed).
    private static func isReadError(_ error: BaleError) -> Bool {
        if case .readFailed = error { return true }
        return false
    }
}
