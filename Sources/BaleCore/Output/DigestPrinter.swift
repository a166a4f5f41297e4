#if canImport(Glibc)
import Glibc
#endif

/// Prints each batch's lines as it comes back, in order (`bale sum`):
/// `sha256sum`'s format, or OK/FAILED lines with `-c`. The batch's files
/// come in the chunk's context (`PathBatchCutter`), their digests in the
/// worker's reply, one per file.
///
/// Only the collector thread writes here (`@unchecked Sendable`); the
/// counts are read after the pipeline joined it.
final class DigestPrinter: ResultSink, @unchecked Sendable {
    private let lines: SumCommand.CheckLines
    private let ignoringMissing: Bool
    private let context: RunContext
    private(set) var status = ExitCode.success
    /// With `-c`: files whose digest differs, files that could not be
    /// read, and files whose digest matched.
    private(set) var mismatches = 0
    private(set) var unreadable = 0
    private(set) var verified = 0

    /// `lines` says which of `-c`'s lines are printed (`.quiet`: not the
    /// OK lines; `.status`: none); with `ignoringMissing`, a listed file
    /// that is not there gets no line and counts for nothing, as with
    /// sha256sum's `--ignore-missing`.
    init(lines: SumCommand.CheckLines = .all, ignoringMissing: Bool = false, context: RunContext) {
        self.lines = lines
        self.ignoringMissing = ignoringMissing
        self.context = context
    }

    func write(_ result: ChunkResult<[SumItem]>) throws(BaleError) {
        let batch = result.context
        guard case .digested(let digests) = result.reply, digests.count == batch.count else {
            throw .workerFailed("a digest batch came back short")
        }
        var out: [UInt8] = []
        for (file, outcome) in zip(batch, digests) {
            let digest: [UInt8]
            switch outcome {
            case .digest(let bytes):
                digest = bytes
            case .unreadable(let failure):
                if ignoringMissing && file.expected != nil && failure == ENOENT { continue }
                let error = SystemError(code: failure, operation: "read")
                if file.expected != nil {
                    // As sha256sum -c says it, its quoting of the name included.
                    context.report(Diagnostic(.error, path: Manifest.quotedForMessage(file.path), error.reason, wording: .verbatim))
                } else {
                    context.fail(BaleError.cannotOpen(path: TerminalText.name(file.path), error))
                }
                status = .failure
                if file.expected != nil {
                    if lines.showsFailures { out += Manifest.checkLine(path: file.path, verdict: .unreadable) }
                    unreadable += 1
                }
                continue
            case .changedWhileRead:
                // As GNU tar says it of a file that shrank as it read it.
                let error = BaleError.changedWhileReading(path: TerminalText.name(file.path))
                if file.expected != nil {
                    context.report(Diagnostic(.error, path: Manifest.quotedForMessage(file.path), error.cause, wording: .verbatim))
                    if lines.showsFailures { out += Manifest.checkLine(path: file.path, verdict: .unreadable) }
                    unreadable += 1
                } else {
                    context.fail(error)
                }
                status = .failure
                continue
            }
            context.summary.addFiles(1)
            context.summary.addBytes(read: file.size, written: 0)
            context.summary.addProgress(read: file.size)
            if let expected = file.expected {
                if expected == digest {
                    verified += 1
                    if lines.showsMatches { out += Manifest.checkLine(path: file.path, verdict: .ok) }
                } else {
                    if lines.showsFailures { out += Manifest.checkLine(path: file.path, verdict: .failed) }
                    mismatches += 1
                    status = .failure
                }
            } else {
                Manifest.appendLine(digest: digest, path: file.path, to: &out)
            }
        }
        context.summary.addBytes(read: 0, written: Int64(out.count))
        try StandardOutput.write(out)
    }
}
