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
            var status = ExitCode.success
            for path in options.paths {
                status = max(status, list(RawArguments.bytes(of: path), top: true) { item in
                    RunSummary.shared.expect(bytes: item.size, files: 1)
                    found.push(item)
                })
            }
            listing.withLock { $0 = status }
        }

        let pool = options.engine.makePool()
        defer { _ = pool.shutdown() }
        let pipeline = Pipeline(options: options.engine.pipeline, workers: pool)
        let cutter = PathBatchCutter(batchFiles: Self.batchFiles, batchBytes: Self.batchBytes) { found.pop() }
        let sink = DigestPrinter(quiet: options.quiet, messages: messages)
        var failure: BaleError?
        do {
            _ = try pipeline.run(cutter: cutter, kind: .digest, inputName: options.check ?? "files", sink: sink)
        } catch {
            failure = error
        }
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

    /// Lists `path`: a file, or every regular file below a directory.
    /// Below a top, entries are examined with fstatat relative to their
    /// open directory (`parent`), not by walking the whole path again.
    private func list(
        _ path: [UInt8], top: Bool, parent: (fd: Int32, name: [UInt8])? = nil, deliver: (SumItem) -> Void
    ) -> ExitCode {
        var info = stat()
        var shown: String { String(decoding: path, as: UTF8.self) }
        let found = parent.map { parent in withCString(parent.name) { fstatat(parent.fd, $0, &info, AT_SYMLINK_NOFOLLOW) } }
            ?? withCString(path) { top ? stat($0, &info) : lstat($0, &info) }
        if found != 0 {
            options.messages.error(BaleError.cannotOpen(path: shown, .current("stat")).description)
            return .failure
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            if let shard = options.shard, !shard.takes(path) { return .success }
            deliver(SumItem(path: path, size: Int64(info.st_size), expected: nil))
            return .success
        case S_IFDIR:
            let fd = withCString(path) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (top ? 0 : O_NOFOLLOW)) }
            guard fd >= 0, case .success(let names) = DirectoryListing.names(path) else {
                options.messages.error("\(shown): cannot read the directory: \(SystemError.current("opendir").reason)")
                if fd >= 0 { FileIO.close(fd) }
                return .failure
            }
            defer { FileIO.close(fd) }
            let base = path.last == UInt8(ascii: "/") ? path : path + [UInt8(ascii: "/")]
            var status = ExitCode.success
            for name in names {
                status = max(status, list(base + name, top: false, parent: (fd, name), deliver: deliver))
            }
            return status
        default:
            return .success  // links, devices and the like inside a tree: not files to hash
        }
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
