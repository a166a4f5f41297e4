#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// `bale sum PATH...` and `bale sum -c MANIFEST`: SHA-256 of files and
/// whole trees in `sha256sum`'s format, the files hashed in parallel by the
/// worker processes.
///
/// The paths are listed first (trees walked with names sorted by bytes;
/// symbolic links inside trees are not followed, as in `gzip -r`), then
/// handed to the workers in batches: up to `batchFiles` small files, or one
/// large file, per request. Each worker reads and hashes its files itself
/// (see `ChunkWork.digestFiles`); the collector prints the lines in the
/// order of the list, as each batch comes back.
///
/// `-c` behaves as `sha256sum -c` (GNU coreutils 9.1), byte for byte on
/// standard output, with the same warnings on standard error and the
/// same exit status: the manifest is read as sha256sum reads it
/// (`Manifest.parse`), each file gets its `OK`, `FAILED` or `FAILED open or
/// read` line (`Manifest.checkLine`), names are bytes from the manifest to
/// the open and back to the line (a name that is not UTF-8 is kept
/// exactly), and the run ends with sha256sum's WARNING lines. A manifest
/// with no well-formed line is an error, as there.
public struct SumCommand: Sendable {
    public struct Options: Sendable {
        public var paths: [String] = []
        /// Check the digests listed in this file instead (`-c`).
        public var check: String?
        /// With `check`: print only the failures.
        public var quiet = false
        /// Hash only this part of the files (`--shard K/N`).
        public var shard: Shard?
        public var messages = Messages()
        public var engine = EngineSettings()
        public init() {}
    }

    static let batchFiles = 64
    static let batchBytes: Int64 = 4 << 20

    public var options: Options
    public init(options: Options) { self.options = options }

    public func run() -> ExitCode {
        let messages = options.messages
        var entries: [Entry] = []
        var misformatted = 0
        if let manifest = options.check {
            switch Self.read(manifest) {
            case .success(let checklist):
                entries = checklist.entries
                misformatted = checklist.misformatted
            case .failure(let error):
                // Worded and quoted as sha256sum words and quotes it.
                messages.error(verbatim: error.description)
                return .failure
            }
        } else if options.paths.isEmpty {
            messages.error("sum: give at least one file or directory")
            return .failure
        }

        // The files are listed on their own thread and handed over as they
        // are found, so the workers start hashing while the walk goes on.
        let found = BoundedQueue<SumItem>(capacity: 4096)
        let listing = Mutex(ExitCode.success)
        // Set when the job fails (or the queue is cancelled): the walk stops at its next entry.
        let cancellation = Cancellation()
        let producer = JoinableThread(name: "bale-walk") { [self, entries] in
            defer { found.close() }
            if options.check != nil {
                // A manifest line naming "-" means standard input, as in
                // sha256sum; the workers, whose own standard input is their
                // pipe from bale, reach bale's through /proc.
                let standardInput = Array("/proc/\(getpid())/fd/0".utf8)
                for entry in entries {
                    let source = entry.path == [UInt8(ascii: "-")] ? standardInput : entry.path
                    var info = stat()
                    let size = withCString(source, { stat($0, &info) }) == 0 ? Int64(info.st_size) : 0
                    guard found.push(SumItem(path: entry.path, size: size, expected: entry.digest, source: source))
                    else { return }
                }
                return
            }
            let status = list(options.paths.map(RawArguments.bytes(of:)), cancellation: cancellation) { item in
                RunSummary.shared.expect(bytes: item.size, files: 1)
                if !found.push(item) { cancellation.cancel() }
            }
            listing.withLock { $0 = status }
        }

        let pool = options.engine.makePool()
        defer { _ = pool.shutdown() }
        let pipeline = Pipeline(options: options.engine.pipeline, workers: pool)
        let cutter = PathBatchCutter(batchFiles: Self.batchFiles, batchBytes: Self.batchBytes) { found.pop() }
        let sink = DigestPrinter(cutter: cutter, quiet: options.quiet, messages: messages)
        var failure: BaleError?
        do {
            _ = try pipeline.run(cutter: cutter, kind: .digest, inputName: options.check ?? "files", sink: sink)
        } catch {
            failure = error
        }
        cancellation.cancel()
        found.cancel()
        producer.join()
        if let failure {
            // A reader of standard output that went away ends the run quietly.
            if case .brokenPipe = failure { return .brokenPipe }
            messages.error(failure.description)
            return .failure
        }
        if options.check != nil {
            // sha256sum's closing words, in its order and wording; a
            // malformed line alone does not change the exit status.
            func count(_ n: Int, _ one: String, _ many: String) -> String { "WARNING: \(n) \(n == 1 ? one : many)" }
            if misformatted > 0 {
                messages.warning(count(misformatted, "line is improperly formatted", "lines are improperly formatted"))
            }
            if sink.unreadable > 0 {
                messages.error(count(sink.unreadable, "listed file could not be read", "listed files could not be read"))
            }
            if sink.mismatches > 0 {
                messages.error(count(sink.mismatches, "computed checksum did NOT match", "computed checksums did NOT match"))
            }
        }
        return max(listing.withLock { $0 }, sink.status)
    }

    /// Lists `paths`: each file given, and every regular file below each
    /// directory given (`TreeWalk`: names sorted by bytes, links followed
    /// only when given, the shard taken on the path); stops when
    /// `cancellation` is set. Anything else inside a tree (links, devices)
    /// is not a file to hash and is passed over.
    private func list(_ paths: [[UInt8]], cancellation: Cancellation, deliver: (SumItem) -> Void) -> ExitCode {
        var policy = TreeWalkPolicy()
        policy.links = .givenPathsOnly
        policy.shard = options.shard
        policy.shardKey = .path
        var status = ExitCode.success
        let walk = TreeWalk(tops: paths.map { ($0, $0) }, policy: policy, cancellation: cancellation)
        while let event = walk.next() {
            switch event {
            case .entry(let entry):
                if entry.type == S_IFREG && entry.isSelected {
                    deliver(SumItem(path: entry.path, size: Int64(entry.info.st_size), expected: nil))
                }
            case .problem(let problem):
                switch problem.cause {
                case .cannotReadDirectory(let reason):
                    options.messages.error("\(problem.displayPath): cannot read the directory: \(reason.reason)")
                case .cannotStat(let reason):
                    options.messages.error(BaleError.cannotOpen(path: problem.displayPath, reason).description)
                default:
                    options.messages.error("\(problem.displayPath): the directory was replaced while it was walked")
                }
                status = .failure
            }
        }
        return status
    }

    /// One line of a manifest: the digest it expects and the name.
    typealias Entry = Manifest.Listed

    /// How messages name a manifest, as sha256sum does ("standard input" for "-").
    static func manifestName(_ manifest: String) -> String {
        Manifest.quotedForMessage(manifest == "-" ? Array("standard input".utf8) : RawArguments.bytes(of: manifest))
    }

    /// Reads the manifest `manifest` ("-": standard input) as `sha256sum
    /// -c` reads it (see `Manifest.parse`); one that cannot be read, or
    /// that holds no well-formed line (empty, or all malformed), is an
    /// error, as there.
    static func read(_ manifest: String) -> Result<Manifest.Checklist, BaleError> {
        load(manifest).flatMap { checklist in
            checklist.entries.isEmpty
                ? .failure(.corrupt(path: manifestName(manifest), offset: nil,
                                    reason: "no properly formatted checksum lines found"))
                : .success(checklist)
        }
    }

    /// The manifest's lines as `Manifest.parse` reads them, or why it cannot be read.
    private static func load(_ manifest: String) -> Result<Manifest.Checklist, BaleError> {
        let fd = manifest == "-" ? 0 : withCString(RawArguments.bytes(of: manifest)) { open($0, O_RDONLY | O_CLOEXEC) }
        if fd < 0 { return .failure(.cannotOpen(path: manifestName(manifest), .current("open"))) }
        defer { if fd != 0 { FileIO.close(fd) } }
        let text: [UInt8]
        do { text = try FileIO.readAll(fd) } catch { return .failure(.readFailed(path: manifestName(manifest), error)) }
        return .success(Manifest.parse(text, fromStandardInput: manifest == "-"))
    }

    /// The well-formed lines of a manifest (`verify --manifest`), where a
    /// malformed line is an error too: a check against a list that was
    /// misread would pass for the wrong reason. An empty manifest is one
    /// (of an archive with no regular file, such as a `--shard` part that
    /// got none), unlike for `sum -c`, which has nothing to check then.
    static func parse(_ manifest: String) -> Result<[Entry], BaleError> {
        load(manifest).flatMap { checklist in
            checklist.misformatted == 0 ? .success(checklist.entries)
                : .failure(.corrupt(path: manifestName(manifest), offset: nil,
                                    reason: "\(checklist.misformatted) line\(checklist.misformatted == 1 ? " is" : "s are") "
                                        + "not a SHA-256 line (HEX  NAME)"))
        }
    }
}

/// One file to hash: its path, its size (to size the batches), and the
/// digest a manifest expects (`-c`).
struct SumItem: Sendable {
    var path: [UInt8]
    var size: Int64
    var expected: [UInt8]?
    /// What the worker opens, when it is not `path` (`-`: standard input).
    var source: [UInt8]? = nil
}

/// Hands the workers the files in batches, one chunk per batch: up to
/// `batchFiles` small files, or a large one alone, as the walk finds them.
final class PathBatchCutter: ChunkCutter, @unchecked Sendable {
    private let batchFiles: Int
    private let batchBytes: Int64
    private let next: () -> SumItem?
    private let monitor = Monitor()
    private var lookahead: SumItem?
    private var batches: [UInt64: [SumItem]] = [:]
    private var count: UInt64 = 0
    var chunkCount: UInt64 { monitor.withLock { count } }

    init(batchFiles: Int, batchBytes: Int64, next: @escaping () -> SumItem?) {
        self.batchFiles = batchFiles
        self.batchBytes = batchBytes
        self.next = next
    }

    /// The files of chunk `sequence`; taking them forgets them.
    func take(_ sequence: UInt64) -> [SumItem] {
        monitor.withLock { batches.removeValue(forKey: sequence) ?? [] }
    }

    func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk? {
        let claimed: (UInt64, [SumItem])? = monitor.withLock {
            var batch: [SumItem] = []
            var size: Int64 = 0
            while batch.count < batchFiles, let item = lookahead ?? next() {
                lookahead = nil
                if !batch.isEmpty && size + item.size > batchBytes {
                    lookahead = item
                    break
                }
                batch.append(item)
                size += item.size
            }
            guard !batch.isEmpty else { return nil }
            defer { count += 1 }
            batches[count] = batch
            return (count, batch)
        }
        guard let (sequence, batch) = claimed, admit(sequence) else { return nil }
        return Chunk(sequence: sequence, offset: 0, bytes: PieceTable.encode(batch.map { $0.source ?? $0.path }))
    }
}

/// Prints each batch's lines as it comes back, in order (`sha256sum`'s
/// format, or OK/FAILED lines with `-c`).
final class DigestPrinter: OutputSink, @unchecked Sendable {
    private let cutter: PathBatchCutter
    private let quiet: Bool
    private let messages: Messages
    private(set) var status = ExitCode.success
    /// With `-c`: files whose digest differs, and files that could not be read.
    private(set) var mismatches = 0
    private(set) var unreadable = 0

    init(cutter: PathBatchCutter, quiet: Bool, messages: Messages) {
        self.cutter = cutter
        self.quiet = quiet
        self.messages = messages
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        preconditionFailure("DigestPrinter needs each chunk's sequence number")
    }

    func write(_ bytes: UnsafeRawBufferPointer, sequence: UInt64) throws(BaleError) {
        let batch = cutter.take(sequence)
        guard bytes.count == 36 * batch.count else { throw .workerFailed("a digest batch came back short") }
        var out: [UInt8] = []
        for (slot, file) in batch.enumerated() {
            let failure = Int32(bitPattern: GzipMember.loadLittleEndian32(bytes, at: 36 * slot))
            let digest = Array(bytes[(36 * slot + 4)..<(36 * slot + 36)])
            if failure != 0 {
                let error = SystemError(code: failure, operation: "read")
                if file.expected != nil {
                    // As sha256sum -c says it, its quoting of the name included.
                    messages.error(verbatim: "\(Manifest.quotedForMessage(file.path)): \(error.reason)")
                } else {
                    messages.error(BaleError.cannotOpen(path: String(decoding: file.path, as: UTF8.self), error).description)
                }
                status = .failure
                if file.expected != nil {
                    out += Manifest.checkLine(path: file.path, verdict: .unreadable)
                    unreadable += 1
                }
                continue
            }
            RunSummary.shared.addFiles(1)
            RunSummary.shared.addBytes(read: file.size, written: 0)
            RunSummary.shared.addProgress(read: file.size)
            if let expected = file.expected {
                if expected == digest {
                    if !quiet { out += Manifest.checkLine(path: file.path, verdict: .ok) }
                } else {
                    out += Manifest.checkLine(path: file.path, verdict: .failed)
                    mismatches += 1
                    status = .failure
                }
            } else {
                Manifest.appendLine(digest: digest, path: file.path, to: &out)
            }
        }
        RunSummary.shared.addBytes(read: 0, written: Int64(out.count))
        try StandardOutput.write(out)
    }
}
