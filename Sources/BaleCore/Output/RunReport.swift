#if canImport(Glibc)
import Glibc
#endif

/// The end-of-run reports made from a run's `RunContext`: the JSON object
/// of `--json` (its figures and its diagnostics) and the stage table of
/// `--stats` (its figures), with its verdict.
public enum RunReport {
    /// Empties the report an earlier run left at `path` (`--json-file`; a
    /// regular file only; through a symbolic link, as the run's own report
    /// is written through it at the end: a link's file was never emptied,
    /// and a killed run left the earlier success there), before the
    /// work: this run's replaces it at the end, but a run ended by a
    /// signal or a crash writes none, and the earlier one, saying its own
    /// success (`"exit_status": 0`), was read as this run's by a batch
    /// job that reads the file, not the status (a probe helper). Emptied,
    /// it is no report at all. The file keeps its identity, which the end
    /// checks (`GuardedOutputName`).
    ///
    /// `onlyIfAReport`: the name was only guessed from a command line that
    /// did not parse (a usage error, exit 64), so it may name data (`bale
    /// gzip --json-file data.csv --bogus`): the file is emptied only when
    /// it begins as bale's reports begin (`{"command": "`).
    /// Returns the regular file found at `path` (emptied or not), which
    /// the run's walks then leave out (`RunContext.reportFile`).
    @discardableResult
    public static func emptyEarlierReport(at path: String, onlyIfAReport: Bool = false) -> FileIdentity? {
        var info = stat()
        let bytes = TerminalText.bytes(ofName: path)
        guard withCString(bytes, { stat($0, &info) }) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let found = FileIdentity(info)
        guard info.st_size > 0 else { return found }
        if onlyIfAReport {
            let fd = withCString(bytes) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
            guard fd >= 0 else { return found }
            var start = [UInt8](repeating: 0, count: reportStart.count)
            let count = start.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
            close(fd)
            guard count == reportStart.count, start == reportStart else { return found }
        }
        let fd = withCString(bytes) { open($0, O_WRONLY | O_TRUNC | O_NONBLOCK | O_CLOEXEC) }
        if fd >= 0 { close(fd) }
        return found
    }

    /// How every JSON report bale writes begins (`json`'s first field).
    private static let reportStart = Array(#"{"command": ""#.utf8)

    /// Where the time went, in one word (`--stats`, and `verdict` in JSON).
    ///
    /// The question bale's design exists to answer: its threads wait for
    /// I/O and its processes compute, so a run is CPU-bound when the
    /// workers were busy nearly all the time (more `-p`, or a lower level,
    /// would help), write-bound when the collector spent most of the time
    /// writing, and read-bound when the workers sat waiting for chunks the
    /// readers had not yet read.
    public enum Verdict: String, Sendable {
        case cpuBound = "cpu-bound"
        case readBound = "read-bound"
        case writeBound = "write-bound"
        case idle = "no pipeline ran"

        public var advice: String {
            switch self {
            case .cpuBound: return "CPU-bound: the workers were busy; more -p (on more cores) or a lower level would help"
            case .readBound: return "read-bound: the workers waited for input; faster storage or more --io-threads would help"
            case .writeBound: return "write-bound: writing the output took most of the time; a faster destination would help"
            case .idle: return "no pipeline ran"
            }
        }
    }

    /// Workers at least this busy (of the cores they could use) make a
    /// run CPU-bound.
    static let busyWorkers = 0.7

    public static func verdict(_ stages: RunSummary.Stages, cores: Int) -> Verdict {
        guard stages.seconds > 0, !stages.workerBusy.isEmpty else { return .idle }
        let usable = Double(min(stages.workerBusy.count, max(1, cores))) * stages.seconds
        let busy = stages.workerBusy.reduce(0, +) / usable
        if busy >= busyWorkers { return .cpuBound }
        if stages.collectorWriting >= 0.5 * stages.seconds { return .writeBound }
        return .readBound
    }

    /// The `--stats` table, for standard error.
    public static func stageTable(_ summary: RunSummary, cores: Int) -> String {
        let stages = summary.stages
        let wall = max(stages.seconds, 1e-9)
        func percent(_ seconds: Double, of whole: Double) -> String {
            String(Int((100 * seconds / max(whole, 1e-9)).rounded())) + "%"
        }
        func seconds(_ value: Double) -> String { String(format: value) + " s" }
        // The shares are of at least one thread's time (none ran: 0%); the
        // count is the run's, as the JSON's `reader_threads` says it.
        let threads = max(1, stages.readerThreads)
        var lines = ["bale: where the time went (\(seconds(stages.seconds)) in the pipeline, \(seconds(summary.elapsed)) in all)"]
        let readers = "readers (\(stages.readerThreads) thread\(stages.readerThreads == 1 ? "" : "s"))"
        lines.append("  " + readers + String(repeating: " ", count: max(1, 23 - readers.count)) + "busy reading \(percent(stages.readersBusy, of: wall * Double(threads))), "
            + "waiting on a full queue \(percent(stages.readersWaiting, of: wall * Double(threads)))")
        lines.append("  queue                  full (readers waiting) \(seconds(stages.readersWaiting)), "
            + "empty (workers waiting) \(seconds(stages.workersWaiting))")
        for (index, busy) in stages.workerBusy.enumerated() {
            lines.append("  worker \(index + 1)               busy \(percent(busy, of: wall)) (\(seconds(busy)))")
        }
        lines.append("  collector              writing \(percent(stages.collectorWriting, of: wall)) (\(seconds(stages.collectorWriting)))")
        lines.append("  verdict: \(verdict(stages, cores: cores).advice)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `--json` object: stable field names, documented in the README.
    public static func json(
        _ context: RunContext, command: String, inputs: [String], exitStatus: Int32, cores: Int
    ) -> String {
        let summary = context.summary
        let stages = summary.stages
        let read = summary.bytesRead, written = summary.bytesWritten
        let diagnostics = context.diagnostics
        // In "errors" what asks for exit status 1; the rest (warnings,
        // notices, and errors gzip and tar count as warnings, exit 2: a
        // name `cat` does not find, a file `-k` keeps) in "warnings". By
        // the status, not the word: pack's "already exists" (exit 1) was
        // listed with the warnings, `cat`'s "Not found in archive" (exit
        // 2) with the errors, and a script could not tell from the lists
        // why the run failed. Each names the path it is about, as it was
        // made, or null.
        func list(_ errors: Bool) -> String {
            "[" + diagnostics.filter { ($0.exitStatus == .failure) == errors }.map { diagnostic in
                "{\"path\": \(diagnostic.path.map(quoted) ?? "null"), \"message\": \(quoted(diagnostic.text))}"
            }.joined(separator: ", ") + "]"
        }
        let fields: [(String, String)] = [
            ("command", quoted(command)),
            ("inputs", "[" + inputs.map(quoted).joined(separator: ", ") + "]"),
            ("files", String(summary.files)),
            ("bytes_in", String(read)),
            ("bytes_out", String(written)),
            ("ratio", read > 0 ? String(format: Double(written) / Double(read), digits: 4) : "null"),
            ("seconds", String(format: summary.elapsed, digits: 3)),
            ("exit_status", String(exitStatus)),
            ("warnings", list(false)),
            ("errors", list(true)),
            ("not_listed", String(context.diagnosticsNotKept)),
            ("stages", "{"
                + "\"seconds\": \(String(format: stages.seconds, digits: 3)), "
                + "\"reader_threads\": \(stages.readerThreads), "
                + "\"readers_busy_seconds\": \(String(format: stages.readersBusy, digits: 3)), "
                + "\"readers_waiting_seconds\": \(String(format: stages.readersWaiting, digits: 3)), "
                + "\"workers_waiting_seconds\": \(String(format: stages.workersWaiting, digits: 3)), "
                + "\"workers_busy_seconds\": [" + stages.workerBusy.map { String(format: $0, digits: 3) }.joined(separator: ", ") + "], "
                + "\"collector_writing_seconds\": \(String(format: stages.collectorWriting, digits: 3)), "
                + "\"verdict\": \(quoted(verdict(stages, cores: cores).rawValue))}"),
        ]
        return "{" + fields.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}\n"
    }

    /// A JSON string: quotes, backslashes and control characters escaped;
    /// a byte of a name that is not UTF-8 (a stand-in of
    /// `TerminalText.name`) is U+FFFD, as JSON holds only Unicode.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t", TerminalText.tabInName: out += "\\t"
            case _ where TerminalText.isStandIn(scalar): out += "\u{FFFD}"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension String {
    /// `value` with `digits` decimals (2 by default), without Foundation.
    init(format value: Double, digits: Int = 2) {
        let scale = (0..<digits).reduce(1.0) { result, _ in result * 10 }
        let scaled = (value * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(abs(scaled.truncatingRemainder(dividingBy: scale)))
        guard digits > 0 else { self = String(whole); return }
        let text = String(fraction)
        let sign = value < 0 && whole == 0 ? "-" : ""
        self = sign + String(whole) + "." + String(repeating: "0", count: digits - text.count) + text
    }
}
