import Synchronization

/// The files a `gzip -r --manifest` run found already compressed by an
/// interrupted run (their output whole beside them: `finishesEarlierRun`),
/// with their digests, for the manifest; their inputs are removed with the
/// others, once the manifest is in place. Filled by the walk's thread,
/// read after the job.
final class EarlierRunFiles: Sendable {
    struct File: Sendable {
        var path: [UInt8]
        var stamp: PackEntry.WalkedStamp
        var digest: [UInt8]
        var output: [UInt8]
        /// The output's file, as compared: the input goes only while the
        /// output's name still holds it (`InputRemoval`).
        var outputIdentity: FileIdentity
        /// Whether the run removes its input (not -k, not --out-dir).
        var removes: Bool
    }

    private let state = Mutex<(files: [File], status: ExitCode)>(([], .success))

    func add(_ file: File) { state.withLock { $0.files.append(file) } }

    /// The `-v` line for an input removed whose output an earlier run made.
    static func removedLine(source: String, output: String) -> String {
        "\(TerminalText.shown(name: source)): already done as \(TerminalText.shown(name: output)) by an interrupted run -- removed"
    }

    var files: [File] { state.withLock { $0.files } }

    /// The error for an input kept because its output could not be
    /// flushed to disk.
    static func notFlushed(_ source: String, _ problem: SystemError) -> Diagnostic {
        .error(path: source, "cannot flush its output to disk (\(problem.reason)); kept")
    }

    /// The worst outcome of `removeInputs`.
    var status: ExitCode { state.withLock { $0.status } }

    /// Removes the inputs, each if it is still the file that was hashed,
    /// once its output is known to be on disk (`FileSetSink.flush`: an
    /// interrupted run's output may be in the page cache only), and says so.
    func removeInputs(context: RunContext) {
        let removing = files.filter(\.removes)
        let problems = FileSetSink.flush(outputsIn: removing.map(\.output))
        for file in removing {
            let source = TerminalText.name(file.path)
            var diagnostic: Diagnostic?
            if let problem = problems[PathParts(file.output).directory] {
                diagnostic = Self.notFlushed(source, problem)
            } else {
                let removal = context.inputRemoval.remove(file.path, ifStill: file.stamp,
                                                          whileOutputIs: .init(path: file.output, identity: file.outputIdentity))
                if removal == .removed { context.info(Self.removedLine(source: source, output: TerminalText.name(file.output))) }
                diagnostic = removal.diagnostic(for: file.path)
            }
            if let diagnostic {
                context.report(diagnostic)
                state.withLock { $0.status = max($0.status, diagnostic.exitStatus) }
            }
        }
    }
}
