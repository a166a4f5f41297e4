#if canImport(Glibc)
import Glibc
#endif

/// Prints each batch's lines as it comes back, in order (`bale sum`):
/// `sha256sum`'s format, or OK/FAILED lines with `-c`. The batch's files
/// come in the chunk's context (`PathBatchCutter`), their digests in the
/// worker's reply, one per file.
///
/// A file a worker handed back unhashed (`WorkReply.FileDigest.handedBack`,
/// see `HandedBackFiles`) keeps its place: its line, and every line after
/// it, waits until it comes back hashed in a later batch (the file carries
/// its place, `SumItem.place`), so the lines keep the walk's order
/// whichever batch hashed each file. Messages are said at the same point
/// of the lines as before (a file that cannot be read is named when its
/// line's turn comes), as sha256sum says them in its order. What waits is
/// bounded by the reorder window (its batches of 256 files at most): a
/// file given back is sent again before any other (`PathBatchCutter`).
///
/// Only the collector thread writes here (`@unchecked Sendable`); the
/// counts are read after the pipeline joined it.
final class DigestPrinter: ResultSink, @unchecked Sendable {
    private let lines: SumCommand.CheckLines
    /// How a digest's line is laid out (sha256sum's `-b`, `--tag`, `-z`).
    private let style: Manifest.LineStyle
    private let ignoringMissing: Bool
    /// The manifest checked, as the command line gives it ("-": standard
    /// input), for `-c --warn`'s warnings.
    private let manifestName: String
    private let context: RunContext
    private(set) var status = ExitCode.success
    /// With `-c`: files whose digest differs, files that could not be
    /// read, and files whose digest matched.
    private(set) var mismatches = 0
    private(set) var unreadable = 0
    private(set) var verified = 0
    /// Where files given back go (nil: no batch can give any back).
    var handedBack: HandedBackFiles?
    /// The files whose lines come next, in order: each with its outcome,
    /// nil while it is handed back and waits to be hashed again.
    private var waiting: [(file: SumItem, outcome: WorkReply.FileDigest?)] = []
    /// The place of `waiting[0]` among all the files of the run, and how
    /// many of `waiting` are printed (removed from its front in bulk).
    private var firstPlace = 0
    private var printed = 0

    /// `lines` says which of `-c`'s lines are printed (`.failures`: not
    /// the OK lines; `.status`: none); with `ignoringMissing`, a listed file
    /// that is not there gets no line and counts for nothing, as with
    /// sha256sum's `--ignore-missing`.
    init(lines: SumCommand.CheckLines = .all, style: Manifest.LineStyle = .standard, ignoringMissing: Bool = false,
         manifestName: String = "", context: RunContext) {
        self.lines = lines
        self.style = style
        self.ignoringMissing = ignoringMissing
        self.manifestName = manifestName
        self.context = context
    }

    /// A line stands alone: those that come before a failure (a batch
    /// that ended worker after worker) are printed, as sha256sum prints
    /// the lines before an error. They were not: with a tree given, a run
    /// that stopped printed no line at all of the files hashed before
    /// (a probe helper).
    var writesWhatCameBeforeAFailure: Bool { true }

    func write(_ result: ChunkResult<[SumItem]>) throws(BaleError) {
        let batch = result.context
        guard case .digested(let digests) = result.reply, digests.count == batch.count else {
            throw .workerFailed("a digest batch came back short")
        }
        // Each file takes its place (a new one at the end, or the one it
        // kept when it was handed back), and its outcome when it has one.
        var givenBack: [SumItem] = []
        for (file, outcome) in zip(batch, digests) {
            let place = file.place ?? firstPlace + waiting.count
            if file.place == nil { waiting.append((file, nil)) }
            guard place >= firstPlace + printed, place < firstPlace + waiting.count else {
                throw .workerFailed("a file handed back came back out of its place")
            }
            guard case .handedBack(let size) = outcome else {
                waiting[place - firstPlace].outcome = outcome
                continue
            }
            var again = file
            again.place = place
            if let size {
                again.size = size
                again.isSized = true
            }
            givenBack.append(again)
        }
        if SumItem.mayBeHandedBack(batch) {
            handedBack?.settle(givingBack: givenBack)
        } else if !givenBack.isEmpty {
            throw .workerFailed("a file handed back from a batch that could not give any")
        }
        var out: [UInt8] = []
        while printed < waiting.count, let outcome = waiting[printed].outcome {
            let file = waiting[printed].file
            printed += 1
            try print(file, outcome, into: &out)
        }
        if printed > 4096 && 2 * printed > waiting.count {
            waiting.removeFirst(printed)
            firstPlace += printed
            printed = 0
        }
        try flush(&out)
    }

    /// Writes the lines in `out` and empties it: before a message on
    /// standard error, so that the two keep sha256sum's order (its
    /// messages flush standard output first) when they go to one file.
    private func flush(_ out: inout [UInt8]) throws(BaleError) {
        guard !out.isEmpty else { return }
        context.summary.addBytes(read: 0, written: Int64(out.count))
        try StandardOutput.write(out)
        out.removeAll(keepingCapacity: true)
    }

    /// Appends `file`'s line for `outcome` to `out`, says what failed, and counts it.
    private func print(_ file: SumItem, _ outcome: WorkReply.FileDigest, into out: inout [UInt8]) throws(BaleError) {
        // Standard input relayed (a socket): its digest is of the whole
        // only if the relay read it to its end (`StandardInputRelay`). A
        // digest means the worker read the relay's pipe to its end, which
        // comes when the relay stops: asked only then, its answer is there
        // (a worker that failed before its end left the relay waiting).
        var outcome = outcome
        if let relay = file.relay, case .digest = outcome, let code = relay.failure() { outcome = .unreadable(errno: code) }
        if !file.misformattedBefore.isEmpty {
            try flush(&out)
            for line in file.misformattedBefore {
                context.report(Manifest.misformattedWarning(manifest: manifestName, line: line))
            }
        }
        let digest: [UInt8]
        let hashed: Int64
        switch outcome {
        case .digest(let bytes, let count):
            digest = bytes
            hashed = count
        case .handedBack:
            return  // never here: a file given back waits for its next outcome
        case .unreadable(let failure):
            if ignoringMissing && file.expected != nil && failure == ENOENT { return }
            try flush(&out)
            let error = SystemError(code: failure, operation: "read")
            if file.expected != nil {
                // As sha256sum -c says it, its quoting of the name included.
                context.report(.sha256sum(.error, path: TerminalText.name(file.path), quoted: Manifest.quotedForMessage(file.path),
                                          error.reason))
            } else {
                context.fail(BaleError.cannotOpen(path: TerminalText.name(file.path), error))
            }
            status = .failure
            if file.expected != nil {
                if lines.showsFailures { out += Manifest.checkLine(path: file.path, verdict: .unreadable) }
                unreadable += 1
            }
            return
        case .changedWhileRead:
            try flush(&out)
            // As GNU tar says it of a file that shrank as it read it.
            let error = BaleError.changedWhileReading(path: TerminalText.name(file.path))
            if file.expected != nil {
                context.report(.sha256sum(.error, path: TerminalText.name(file.path), quoted: Manifest.quotedForMessage(file.path),
                                          error.cause))
                if lines.showsFailures { out += Manifest.checkLine(path: file.path, verdict: .unreadable) }
                unreadable += 1
            } else {
                context.fail(error)
            }
            status = .failure
            return
        }
        context.summary.addFiles(1)
        context.summary.addBytes(read: hashed, written: 0)
        context.summary.addProgress(read: hashed)
        if let expected = file.expected {
            if expected == digest {
                verified += 1
                if lines.showsMatches { out += Manifest.checkLine(path: file.path, verdict: .ok) }
            } else {
                if lines.showsFailures { out += Manifest.checkLine(path: file.path, verdict: .failed) }
                // Named in --json's errors too (its line is on standard
                // output, or none with --status): the report said only the
                // count, with no path, or with --status nothing beside
                // exit status 1 (a probe helper).
                context.keep(.error(path: TerminalText.name(file.path), "FAILED"))
                mismatches += 1
                status = .failure
            }
        } else {
            Manifest.appendLine(digest: digest, path: file.path, style: style, to: &out)
        }
    }
}
