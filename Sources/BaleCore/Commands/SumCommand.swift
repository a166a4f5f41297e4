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
/// same exit status: the manifest is read as sha256sum reads it, a line
/// at a time as the files are checked (`ManifestLines`), each file gets
/// its `OK`, `FAILED` or `FAILED open or read` line
/// (`Manifest.checkLine`), names are bytes from the manifest to
/// the open and back to the line (a name that is not UTF-8 is kept
/// exactly), and the manifest's checks end with sha256sum's WARNING
/// lines. A manifest with no well-formed line is an error, as there.
/// Several manifests are checked one after another on the same workers,
/// each with its own lines and warnings, as `sha256sum -c a b` does.
public struct SumCommand: Sendable {
    /// What the command line asked for.
    public struct Options: Sendable {
        /// The files and trees to hash; with `check`, the manifests.
        public var paths: [String] = []
        /// Check the digests listed in the manifests `paths` names (`-c`;
        /// none: standard input), one after another, as `sha256sum -c`.
        public var check = false
        /// With `check`: which lines are printed (`--quiet`, `--status`),
        /// and whether each malformed line is named (`--warn`).
        public var lines = CheckLines.all
        /// With `check`: malformed lines make the check fail (`--strict`).
        public var strict = false
        /// With `check`: a listed file that is not there is passed over,
        /// and a manifest with no file verified fails (`--ignore-missing`).
        public var ignoreMissing = false
        /// Hash only this part of the files (`--shard K/N`).
        public var shard: Shard?
        /// Without `check`: how each line is laid out (`-b`, `--tag`, `-z`).
        public var style = Manifest.LineStyle.standard
        /// Where the run reports its diagnostics and figures.
        public var context = RunContext()
        /// The workers, readers, codec, chunk size and reporting options
        /// every command shares (`EngineSettings`).
        public var engine = EngineSettings()
        /// Every option at its default.
        public init() {}
    }

    /// What `-c` prints, as sha256sum's `--quiet`, `--status` and `--warn`
    /// choose it (the last one given counts, as there).
    public enum CheckLines: Sendable {
        /// A line per file, and the closing warnings (the default).
        case all
        /// As `all`, and a warning naming each malformed line by its number.
        case allAndMalformed
        /// Only the failures' lines, and the closing warnings.
        case failures
        /// No line and no closing warning: the exit status says it all
        /// (a file that cannot be opened is still named, as by sha256sum).
        case status

        /// Whether a file that matched gets its `NAME: OK` line.
        var showsMatches: Bool { self == .all || self == .allAndMalformed }
        /// Whether a file that failed gets its `FAILED` line, and the
        /// manifest its closing warnings.
        var showsFailures: Bool { self != .status }
    }

    /// Files in a batch at most (and `batchBytes` of them together, of
    /// those listed with their sizes; a batch of files sized at their open
    /// reads 16 MiB at most, `FileBatchHasher.takenAtMost`).
    ///
    /// 256, not 64: each batch costs a hand-over (the feeder's wake-up, a
    /// frame each way, the receiver's), and with the text corpus's 12,000
    /// files of 19 KB on average, 64 a batch made ~200 batches, after each
    /// of which a worker could wait for the next. With 256 (then batches of
    /// small files, listed with sizes, ended at `batchBytes`, ~4 MiB): `bale sum -p 2` of that
    /// tree 0.131 → 0.126 s, CPU 0.248 → 0.240 s (median of 25 runs each,
    /// alternated).
    static let batchFiles = 256
    /// Items the walk hands over at once (a batch's worth).
    static let groupFiles = 64
    static let batchBytes: Int64 = 4 << 20
    /// The bytes of paths a group, and a batch, holds at most (but for
    /// its first path): counted in files alone, groups and batches of
    /// long paths held every path of a deep tree at once (a chain 20,000
    /// deep with a file at each level, paths up to 40 KB: 455 MiB at the
    /// peak; `find | xargs sha256sum` holds one at a time). 64 KiB a group
    /// (64 paths of 1 KiB), 256 KiB a batch (256 of 1 KiB): paths of a
    /// usual tree never reach them.
    static let groupPathBytes = 64 << 10
    static let batchPathBytes = 256 << 10

    /// The command's options, as the command line set them.
    public var options: Options
    /// The command, to `run` with `options`.
    public init(options: Options) { self.options = options }

    /// Does what `options` ask; the exit code (`ExitCode`), its diagnostics in `options.context`.
    public func run() -> ExitCode {
        // A part's lines not where the other parts would hash them (`sum
        // --shard K/N t > t/SUMS-K`: `ShardOutputPlace`), refused before
        // any worker starts.
        if !options.check, let refusal = ShardOutputPlace.refusal(
            of: "-", "the digests", shard: options.shard,
            tops: options.paths.filter { $0 != "-" }.map(TerminalText.bytes(ofName:)), relativeTo: AT_FDCWD,
            dereference: true, policy: TreeWalkPolicy(), excludable: false) {
            options.context.report(refusal)
            return .failure
        }
        let runner = CommandRunner(context: options.context, engine: options.engine)
        return runner.withPipeline { pipeline in
            guard options.check else { return hash(runner: runner, pipeline: pipeline) }
            // Each manifest in turn, as sha256sum checks several: its
            // lines, then its warnings; one that cannot be read (or holds
            // no well-formed line) is named and the next one is checked.
            var status = ExitCode.success
            var form = Manifest.LineForm()  // decided once for the run, as in sha256sum
            for manifest in options.paths.isEmpty ? ["-"] : options.paths {
                guard let checked = check(manifest, form: &form, runner: runner, pipeline: pipeline) else { return .failure }
                status = max(status, checked)
            }
            return status
        }
    }

    /// Hashes the files `options.paths` names (standard input with none)
    /// and prints their lines.
    private func hash(runner: CommandRunner, pipeline: Pipeline) -> ExitCode {
        // The files are listed by the job's producer, on its own thread
        // (see `CommandRunner`), and handed over as they are found, in
        // groups of `groupFiles` (see `PathBatchCutter`), so the workers
        // start hashing while the walk goes on; a failed job stops it.
        let listing = Mutex(ExitCode.success)
        let sink = DigestPrinter(style: options.style, context: options.context)
        let job = self.job(inputName: "files", sink: sink) { [self] hand, cancellation in
            // No path: standard input, as sha256sum reads it.
            let paths = options.paths.isEmpty ? [SumItem.standardInputName] : options.paths.map(TerminalText.bytes(ofName:))
            let status = list(paths, cancellation: cancellation) { item in
                options.context.summary.expect(bytes: item.size, files: 1)
                _ = hand(item)
            }
            listing.withLock { $0 = status }
        }
        if case .failure(let error) = runner.run(job, on: pipeline) { return error.exitStatus }
        return max(listing.withLock { $0 }, sink.status)
    }

    /// Checks the files `manifest` lists ("-": standard input) as `sha256sum
    /// -c` checks them (the line form as `form` holds it, then as this
    /// manifest decided it), then prints its closing warnings; nil when the run
    /// itself failed (reported) and no further manifest should be tried.
    private func check(_ manifest: String, form: inout Manifest.LineForm, runner: CommandRunner,
                       pipeline: Pipeline) -> ExitCode? {
        let context = options.context
        /// Reports `error` worded and quoted as sha256sum words and quotes it
        /// (a manifest it cannot read is "read error", no reason given).
        func fail(_ error: BaleError) -> ExitCode {
            let cause: String
            if case .readFailed = error { cause = "read error" } else { cause = error.cause }
            context.report(.sha256sum(.error, path: ManifestFile.name(manifest), quoted: ManifestFile.displayName(manifest), cause))
            return .failure
        }
        // The manifest is read a line at a time as the files are checked
        // (`ManifestLines`), by the job's producer, so a list of millions
        // of files costs no more memory than one of a few: read whole, a
        // million lines held 252 MiB (a probe helper). What the reading
        // found is handed back in `reading` for the closing words.
        let fd: Int32
        switch ManifestFile.open(manifest) {
        case .success(let opened): fd = opened
        case .failure(let error): return fail(error)
        }
        defer { ManifestFile.close(fd) }
        // `--warn`: each malformed line is warned of where sha256sum warns
        // of it, as it reads it: before the line of the entry after it
        // (the printer says it then), the ones after the last entry at the end.
        let manifestName = manifest
        let warns = options.lines == .allAndMalformed
        let reading = Mutex(ManifestReading(form: form))
        let sink = DigestPrinter(lines: options.lines, ignoringMissing: options.ignoreMissing, manifestName: manifestName,
                                 context: context)
        let job = self.job(inputName: manifest, sink: sink) { hand, _ in
            var read = reading.withLock { $0 }
            defer { reading.withLock { $0 = read } }
            var lines = ManifestLines(fd: fd, fromStandardInput: manifestName == "-")
            do throws(SystemError) {
                while let line = try lines.next(form: &read.form) {
                    guard case .entry(let entry, _) = line else {
                        read.misformatted += 1
                        if warns, case .misformatted(let number) = line { read.misformattedUnsaid.append(number) }
                        continue
                    }
                    read.entries += 1
                    // A manifest line naming "-" means standard input, as in
                    // sha256sum (`SumItem.standardInput`, or `closedStandardInput`).
                    var item: SumItem
                    if entry.path == SumItem.standardInputName {
                        item = SumItem.standardInput() ?? .closedStandardInput
                        item.expected = entry.digest
                    } else {
                        var info = stat()
                        let found = withCString(entry.path, { stat($0, &info) }) == 0
                        item = SumItem(path: entry.path, size: found ? Int64(info.st_size) : 0, expected: entry.digest)
                        item.isRegular = found && (info.st_mode & S_IFMT) == S_IFREG
                        if entry.path.isEmpty { item.source = SumItem.emptyNameSource }
                    }
                    item.misformattedBefore = read.misformattedUnsaid
                    read.misformattedUnsaid = []
                    guard hand(item) else { return }
                }
            } catch {
                read.failure = error
            }
        }
        if case .failure = runner.run(job, on: pipeline) { return nil }
        let checklist = reading.withLock { $0 }
        form = checklist.form
        if warns {
            for number in checklist.misformattedUnsaid {
                context.report(Manifest.misformattedWarning(manifest: manifestName, line: number))
            }
        }
        // A read error ends the manifest's check there, after the lines of
        // the files before it, with no closing words, as in sha256sum.
        if let failure = checklist.failure { return fail(.readFailed(path: ManifestFile.name(manifest), failure)) }
        if checklist.entries == 0 { return fail(ManifestFile.holdsNoChecksum(manifest)) }
        // A malformed line alone does not change the exit status, unless
        // --strict; with --ignore-missing, a manifest none of whose files
        // was there and matched fails.
        let noneVerified = options.ignoreMissing && sink.verified == 0
        let status = max(sink.status, (options.strict && checklist.misformatted > 0) || noneVerified ? .failure : .success)
        // sha256sum's closing words, in its order and wording; with
        // --status, none printed, but kept for --json, whose errors were
        // empty beside exit status 1 (a probe helper).
        let printed = options.lines.showsFailures
        func say(_ diagnostic: Diagnostic) { if printed { context.report(diagnostic) } else { context.keep(diagnostic) } }
        func count(_ n: Int, _ one: String, _ many: String) -> String { "WARNING: \(n) \(n == 1 ? one : many)" }
        if checklist.misformatted > 0 {
            // An error with --strict, which makes it fail the run: --json
            // listed it with the warnings, its errors empty beside exit
            // status 1 (a probe helper).
            let words = count(checklist.misformatted, "line is improperly formatted", "lines are improperly formatted")
            say(options.strict ? .error(path: nil, words) : .warning(path: nil, words, exitStatus: .success))
        }
        if sink.unreadable > 0 {
            say(.error(path: nil, count(sink.unreadable, "listed file could not be read", "listed files could not be read")))
        }
        if sink.mismatches > 0 {
            say(.error(path: nil, count(sink.mismatches, "computed checksum did NOT match", "computed checksums did NOT match")))
        }
        if noneVerified {
            say(.sha256sum(.error, path: ManifestFile.name(manifest), quoted: ManifestFile.displayName(manifest),
                                      "no file was verified"))
        }
        return status
    }

    /// What the reading of one manifest found, handed from the job's
    /// producer, which reads it, to the check's closing words.
    private struct ManifestReading: Sendable {
        /// The line form, as the manifests before decided it and then this one.
        var form: Manifest.LineForm
        /// Lines that named a file to check.
        var entries = 0
        /// Lines that were not well formed.
        var misformatted = 0
        /// With `--warn`: the numbers of the malformed lines read since
        /// the last entry (said with the next entry's line, or at the end).
        var misformattedUnsaid: [Int] = []
        /// Why the manifest could not be read to its end.
        var failure: SystemError?
    }

    /// The job that hashes the items `produce` hands over (calling `hand`,
    /// which is false once the job stopped) and prints them with `sink`:
    /// the items go to the workers in groups of `groupFiles`, cut into
    /// batches by `PathBatchCutter`.
    private func job(
        inputName: String, sink: DigestPrinter,
        produce: @escaping @Sendable (_ hand: (SumItem) -> Bool, Cancellation) -> Void
    ) -> CommandRunner.Job<PathBatchCutter, DigestPrinter> {
        let found = BoundedQueue<[SumItem]>(capacity: 4096 / Self.groupFiles)
        let handedBack = HandedBackFiles()
        sink.handedBack = handedBack
        let producer: @Sendable (Cancellation) -> Void = { cancellation in
            var group: [SumItem] = []
            var pathBytesInGroup = 0
            /// Queues `item` with its group; false once the job stopped.
            func hand(_ item: SumItem) -> Bool {
                group.append(item)
                pathBytesInGroup += item.path.count
                guard group.count == Self.groupFiles || pathBytesInGroup >= Self.groupPathBytes else { return true }
                defer { group = []; pathBytesInGroup = 0 }
                return found.push(group)
            }
            defer {
                if !group.isEmpty { found.push(group) }
                found.close()
            }
            cancellation.whenCancelled { found.cancel() }
            produce(hand, cancellation)
        }
        let cutter = PathBatchCutter(batchFiles: Self.batchFiles, batchBytes: Self.batchBytes, batchPathBytes: Self.batchPathBytes,
                                     workers: options.engine.workerCount, handedBack: handedBack) { found.pop() }
        return CommandRunner.Job(cutter: cutter, kind: .digest, inputName: inputName, sink: sink, producer: producer)
    }

    /// Lists `paths`, in their order: each file given (a pipe or a device
    /// named too, read to its end as sha256sum reads it), `-` as standard
    /// input, and every regular file below each directory given
    /// (`TreeWalk`: names sorted by bytes, links followed only when given,
    /// the shard taken on the path); stops when `cancellation` is set.
    /// Anything else inside a tree (links, devices) is not a file to hash
    /// and is passed over.
    private func list(_ paths: [[UInt8]], cancellation: Cancellation, deliver: (SumItem) -> Void) -> ExitCode {
        var policy = TreeWalkPolicy()
        policy.links = .givenPathsOnly
        policy.shard = options.shard
        // The manifest being written (`sum d > d/SHA256SUMS`: hashed as it
        // grew, or empty, it was listed with a digest that `sha256sum -c`
        // failed right after an exit 0) and `--json-file`'s report are
        // outputs of this run, left out with a notice, as `pack` leaves out
        // its archive. Without -c only: a check writes no manifest.
        policy.outputsOfThisRun = options.context.outputsOfThisRun(standardOutputHolds: .manifest)
        // Regular files in trees are listed without their sizes, which the
        // workers find (see `TreeWalkPolicy.typesFromListing`,
        // `HandedBackFiles`), unless a progress line shows the total.
        policy.typesFromListing = !options.context.summary.isWatched
        var status = ExitCode.success
        /// Walks the paths in `tops` (none of them `-`).
        func walk(_ tops: ArraySlice<[UInt8]>) {
            let walk = TreeWalk(tops: tops.map { ($0, $0) }, policy: policy, cancellation: cancellation)
            let given = Set(tops)
            while let event = walk.next() {
                switch event {
                case .entry(let entry):
                    let isRegular = entry.type == S_IFREG
                    // A pipe or device given is in one part's shard too, by
                    // its path, as `-` is (the walk's shard takes regular
                    // files only): it was hashed by every part, a line in
                    // each part's manifest, a FIFO's stream split between them.
                    let inShard = isRegular || (options.shard?.takes(entry.path) ?? true)
                    if entry.isSelected && inShard && (isRegular || (entry.isGiven && entry.type != S_IFDIR)) {
                        var item = SumItem(path: entry.path, size: isRegular && entry.isStated ? Int64(entry.info.st_size) : 0,
                                           isRegular: isRegular, expected: nil)
                        item.isSized = entry.isStated
                        item.listedIn = entry.directory.map { FileIdentity($0.info) }
                        deliver(item)
                    }
                case .problem(let problem):
                    // A name given that cannot be looked at (not there, a
                    // link loop) is said in its place among the lines, as
                    // sha256sum says it (for 2>&1): handed on as a file,
                    // whose open fails the same way on the worker and is
                    // reported by the printer in order.
                    if case .cannotStat = problem.cause, given.contains(problem.path) {
                        var item = SumItem(path: problem.path, size: 0, isRegular: false, expected: nil)
                        // `sum ''`: "No such file or directory", as
                        // sha256sum says; an empty source is the closed
                        // standard input's ("Bad file descriptor").
                        if problem.path.isEmpty { item.source = SumItem.emptyNameSource }
                        deliver(item)
                        continue
                    }
                    options.context.report(problem.diagnostic)
                    // A notice (an output of this run left out) fails nothing.
                    if problem.severity == .error { status = .failure }
                }
            }
        }
        // The paths between two `-` are walked together; each `-` is
        // standard input, hashed in its place (in the shard whose turn
        // the name `-` is, as any path given).
        var start = 0
        for (index, path) in paths.enumerated() where path == SumItem.standardInputName {
            walk(paths[start..<index])
            start = index + 1
            if cancellation.isCancelled { return status }
            guard options.shard?.takes(path) ?? true else { continue }
            // Closed: the worker answers "Bad file descriptor", as for a manifest's line.
            deliver(SumItem.standardInput() ?? .closedStandardInput)
        }
        walk(paths[start...])
        return status
    }
}
