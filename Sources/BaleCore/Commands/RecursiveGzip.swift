#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// `bale gzip -r` and `bale gunzip -r`: every file of the given trees, each
/// to its own output, as `gzip -r` does it, but in parallel and resumable.
///
/// First the trees are walked (names sorted by bytes, symbolic links never
/// followed) and each regular file is judged as gzip judges it: skipped if
/// it already has the suffix (compressing) or has none (decompressing), if
/// it is setuid or setgid, if it has other hard links or the sticky bit
/// (unless -f; `GzipCommand.refusalInPlace`), if the
/// selection (`--exclude`, `--include`, `--min-size`, `--older-than`)
/// leaves it out, or if its output exists (unless -f).
///
/// Then, compressing, all the files go through one pipeline run: a
/// `FileSetCutter` hands the readers every file as one chunk (or several,
/// for a large one), so many small files are opened and read at once, and
/// a `FileSetSink` writes each output through its own temporary file.
/// Decompressing, the files go one after another through the single-file
/// path (bale's own files are still inflated on all workers).
///
/// With -c the files the walk takes go one after another to standard
/// output, and with -l into gzip -l's list, as for files named one by one:
/// nothing on disk changes.
///
/// Interrupted runs lose nothing and finish when run again:
/// - an output is only ever renamed into place whole, and an input is only
///   removed once its output is on disk, so after a kill every file is its
///   input, or its complete output, or both;
/// - temporary files (`.NAME.gz.bale-XXXXXX`) met by the walk are removed
///   (a run killed with SIGKILL cannot remove its own);
/// - an input whose output exists with the input's modification time and
///   exactly its content (decompressed and compared) was done by the run
///   that was killed: its input is removed now, instead of "already exists".
struct RecursiveGzip {
    let command: GzipCommand
    private var options: GzipCommand.Options { command.options }

    init(command: GzipCommand) { self.command = command }

    /// A file the walk took: where it is, what stat said, where its output goes.
    private struct Found {
        var path: [UInt8]
        var info: stat
        var target: [UInt8]
        /// The output will be ours, in a directory that is not setgid.
        var ownerComesFree = false
        /// The directory its output goes in, as found now (`FileTask.targetDirectory`).
        var targetDirectory: FileIdentity?
    }

    /// The trees and files to walk: the command line's and --files-from's,
    /// each once; nil when there are none or they cannot be read (said).
    private func tops() -> [[UInt8]]? {
        let context = options.context
        let tops: [[UInt8]]
        switch DirectoryListing.paths(options.files, listedIn: options.filesFrom, nullSeparated: options.nullSeparated,
                                       context: context) {
        case .success(var found):
            // As gunzip without -r (and GNU gzip -d -r): a FILE that does
            // not exist is FILE.gz (or -S's, .z, -z) when that does.
            if options.decompress || options.test || options.list {
                found = found.map { path in
                    var info = stat()
                    guard withCString(path, { lstat($0, &info) }) != 0, errno == ENOENT else { return path }
                    return command.compressedName(for: path, info: &info) ?? path
                }
            }
            // A path named twice, or inside a directory named before it, is
            // walked once: its files are that directory's (CoveredPaths).
            let selection = options.selection
            tops = CoveredPaths.removingCovered(found, nestedToo: selection.excludes.isEmpty && selection.includes.isEmpty)
        case .failure(let error):
            context.fail(error)
            return nil
        }
        guard !tops.isEmpty else {
            context.report(.error(path: nil, "-r needs at least one file or directory"))
            return nil
        }
        return tops
    }

    /// `gzip -r -l`: gzip -l's lines for every file of the trees with a
    /// suffix gunzip knows, in the walk's order; the others are passed
    /// over in silence, as `gunzip -r` passes them.
    func list() -> ExitCode {
        guard let tops = tops() else { return .failure }
        var walk = Walk(command: command)
        walk.walk(tops)
        guard !walk.found.isEmpty else { return walk.status }
        return max(walk.status, GzipListing(command: command).run(files: walk.found.map { TerminalText.name($0.path) }))
    }

    func run(runner: CommandRunner, pipeline: Pipeline) -> ExitCode {
        let context = options.context
        guard let tops = tops() else { return .failure }
        if let directory = options.outputDirectory, let (first, second) = Self.sharingMirror(tops) {
            context.report(.error(path: nil, "--out-dir: \(TerminalText.name(first)) and \(TerminalText.name(second)) "
                                  + "would be written to the same place in \(TerminalText.name(TerminalText.bytes(ofName: directory))); nothing done"))
            return .failure
        }
        if options.outputPath != nil {
            context.report(.error(path: nil, "-r writes one output per file: -o does not apply"))
            return .failure
        }
        // `-r -c`: every file the walk takes, one after another, to
        // standard output, as `gzip -c FILE...` writes the files named
        // (`gunzip -rc logs | grep ERROR`). Nothing on disk changes.
        if options.toStandardOutput && !options.test {
            if command.refusesTerminalOutput() { return .failure }
            var walk = Walk(command: command)
            walk.walk(tops)
            var status = walk.status
            Self.expectAll(walk.found, in: context)
            for file in walk.found {
                let outcome = command.transformFile(file.path, examined: file.info, into: nil, removing: false,
                                                    pipeline: pipeline)
                status = max(status, outcome)
                // Standard output gone or failed (a full disk, /dev/full):
                // the run stops there, as gzip's, said once (every later
                // file said it again: a probe helper).
                if outcome == .brokenPipe || StandardOutput.hasFailed { break }
            }
            return status
        }
        let removing = options.removesInputs
        if options.decompress || options.test {
            if options.manifestPath != nil {
                context.report(.error(path: nil, "--manifest lists the files compressed: it does not go with -d or -t"))
                return .failure
            }
            var walk = Walk(command: command)
            walk.walk(tops)
            var status = walk.status
            Self.expectAll(walk.found, in: context)
            for file in walk.found {
                if options.namesOutputsByHeader {
                    status = max(status, command.decompressNamedByHeader(file.path, examined: file.info,
                                                                         besideSuffixTarget: file.target,
                                                                         removing: removing, pipeline: pipeline))
                    continue
                }
                let target = options.test ? nil : file.target
                status = max(status, command.transformFile(file.path, examined: file.info, into: target,
                                                           removing: removing && !options.test, pipeline: pipeline))
            }
            return status
        }

        // A part's manifest not where the other parts would compress it
        // (`ShardOutputPlace`).
        if let refusal = ShardOutputPlace.refusal(of: options.manifestPath, "the manifest", shard: options.selection.shard,
                                                  tops: tops, relativeTo: AT_FDCWD, dereference: false,
                                                  policy: TreeWalkPolicy(selection: options.selection)) {
            context.report(refusal)
            return .failure
        }
        // The manifest is made at the end, once every digest is known; a
        // name it cannot have is said now, before any file is compressed.
        if let manifest = options.manifestPath, manifest != "-" {
            do throws(BaleError) { try AtomicOutputFile.checkCanBeMade(manifest) } catch {
                context.fail(error, writing: "the manifest")
                return .failure
            }
        }
        // Removing its inputs, the run's manifest is their only record: it
        // replaces only what its name held at the start, and one whose run
        // is still removing stops this one before it starts
        // (`GuardedOutputName`: two runs at once each removed inputs, and
        // the later manifest replaced the earlier's, its digests lost).
        let guardedManifest = removing ? options.manifestPath.flatMap { $0 == "-" ? nil : GuardedOutputName($0) } : nil
        if let guardedManifest, guardedManifest.isHeldByAnotherRun {
            context.report(guardedManifest.notReplaced(started: false))
            return .failure
        }

        // Compressing: the walk is the job's producer, on its own thread
        // (see `CommandRunner`), and hands each file over as it finds it,
        // so the workers start on the first files while the rest of the
        // tree is still being listed. A failed job stops it: the queue is
        // closed, so a walk waiting for room lets go, and what it had
        // handed over stays to be named.
        let found = BoundedQueue<FileTask>(capacity: 4096)
        let walkStatus = Mutex(ExitCode.success)
        // With --manifest, files an interrupted run already compressed are
        // listed too, and no input goes before the manifest is in place.
        let earlier = options.manifestPath != nil ? EarlierRunFiles() : nil
        let walker: @Sendable (Cancellation) -> Void = { [command, tops, context] cancellation in
            defer { found.close() }
            cancellation.whenCancelled { found.close() }
            var walk = Walk(command: command)
            walk.earlier = earlier
            walk.deliver = { file in
                context.summary.expect(bytes: Int64(file.info.st_size), files: 1)
                found.push(FileTask(source: SourceFile(path: file.path, info: file.info), target: file.target,
                                    removesSource: removing, ownerComesFree: file.ownerComesFree,
                                    targetDirectory: file.targetDirectory))
            }
            walk.walk(tops, cancellation: cancellation)
            walkStatus.withLock { $0 = walk.status }
        }
        let ledger = FileLedger()
        let cutter = FileSetCutter(chunkSize: pipeline.options.chunkSize, contentDefined: options.rsyncable,
                                   makesDigests: options.manifestPath != nil, ledger: ledger) { found.pop() }
        let sink = FileSetSink(ledger: ledger, context: context, replacesOutputs: options.force,
                               holdsRemovals: options.manifestPath != nil)
        let job = CommandRunner.Job(
            cutter: cutter, kind: options.engine.compression(level: options.level),
            inputName: options.files.first ?? "files", sink: sink, producer: walker,
            whenFailed: { _ in
                // The job stopped, and the walk with it: every file it did
                // not finish is named, those in flight and those the walk
                // had handed over, as each is left as it was.
                var left = ledger.unfinished.map(\.source.path)
                while let task = found.pop() { left.append(task.source.path) }
                for path in left {
                    context.report(.error(path: TerminalText.name(path),
                                          "not compressed (the job stopped at the error above); left as it was"))
                }
            })
        let outcome = runner.run(job, on: pipeline)
        sink.finish()
        guard let manifest = options.manifestPath, let earlier else {
            if case .failure(let error) = outcome { return error.exitStatus }
            return max(walkStatus.withLock { $0 }, sink.status)
        }
        // The manifest first, flushed to disk when inputs are to go; then
        // the inputs. An input removed without its line is a digest no
        // later run can make: a manifest that cannot be written (a full
        // disk, a reader of standard output gone) keeps every input, as a
        // failed job does (its outputs whole beside them, which the next
        // run lists and finishes: `finishesEarlierRun`).
        var status = max(walkStatus.withLock { $0 }, sink.status)
        if case .failure(let error) = outcome {
            status = error.exitStatus
        } else {
            var entries = sink.digests
            for file in earlier.files { entries.append(name: file.path, digest: file.digest) }
            if removing { Self.carryOverInputsRemovedBefore(from: manifest, into: &entries, command: command) }
            do throws(BaleError) {
                if let guardedManifest {
                    // Held locked from its commit until the inputs are gone;
                    // not committed, every input is kept (below).
                    if let file = try Self.writeGuarded(entries, to: guardedManifest) {
                        defer { file.releaseLock() }
                        sink.removeInputs()
                        earlier.removeInputs(context: context)
                        return max(status, sink.status, earlier.status)
                    }
                    context.report(guardedManifest.notReplaced(started: true))
                    status = max(status, .failure)
                } else {
                    try Manifest.write(entries, to: manifest, sync: removing)
                    sink.removeInputs()
                    if removing { earlier.removeInputs(context: context) }
                    return max(status, sink.status, earlier.status)
                }
            } catch {
                context.fail(error, writing: "the manifest")
                status = max(status, error.exitStatus)
            }
        }
        let kept = sink.keepInputs() + earlier.files.count
        if removing && kept > 0 {
            context.report(.error(path: nil, "--manifest: the manifest was not written whole, so the \(kept) input\(kept == 1 ? "" : "s") compressed "
                                  + "\(kept == 1 ? "is" : "are") kept beside \(kept == 1 ? "its" : "their") output\(kept == 1 ? "" : "s")"))
        }
        return max(status, .failure)
    }

    /// Adds to `entries` the lines of the manifest a removing run replaces
    /// (`manifest`, as it is at the end, before this run's is written)
    /// that are the only record of an input an earlier run removed: a name
    /// `entries` does not hold (once), whose input is gone and whose output,
    /// as `command` names it, is a regular file. Replaced whole, they were
    /// lost: the parts of a `--shard` run one after another with one
    /// `--manifest` kept only the last part's digests, and a run finishing
    /// one killed while it removed its inputs kept only the inputs it
    /// found (a probe helper). Only a regular file is read (a manifest
    /// written to a device or a FIFO, `--manifest /dev/full`, whose reads
    /// never end, has no lines to keep), and one that is no manifest
    /// carries nothing over.
    static func carryOverInputsRemovedBefore(from manifest: String, into entries: inout Manifest.Entries,
                                             command: GzipCommand) {
        guard manifest != "-" else { return }
        let fd = withCString(TerminalText.bytes(ofName: manifest)) {
            open($0, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        }
        guard fd >= 0 else { return }
        defer { FileIO.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0,
              let text = try? FileIO.readAll(fd) else { return }
        var listed = Set(entries.names)
        for line in Manifest.parse(text).entries where !listed.contains(line.path) {
            guard case .output(let output) = command.outputName(for: line.path) else { continue }
            guard withCString(line.path, { lstat($0, &info) }) != 0 && errno == ENOENT,
                  withCString(output, { stat($0, &info) }) == 0 && info.st_mode & S_IFMT == S_IFREG else { continue }
            listed.insert(line.path)
            entries.append(name: line.path, digest: line.digest)
        }
    }

    /// Writes the manifest under `name`, flushed to disk, committed only
    /// over what the name held at the start and kept locked (the caller
    /// releases it once the inputs are removed); nil, nothing committed,
    /// when another process made or replaced it meanwhile.
    private static func writeGuarded(_ entries: Manifest.Entries, to name: GuardedOutputName)
        throws(BaleError) -> AtomicOutputFile? {
        let file = try AtomicOutputFile(path: name.path)
        do throws(BaleError) {
            try Manifest.write(entries, to: file)
            guard try name.commit(file, sync: true) else {
                file.discard()
                return nil
            }
            return file
        } catch {
            file.discard()
            throw error
        }
    }

    /// Gives the progress line the total of `files`, found whole before
    /// the first is read (its share done and its time left: the line
    /// showed only what was done, `gunzip -r` and `-rc` said no total).
    private static func expectAll(_ files: [Found], in context: RunContext) {
        context.summary.expect(bytes: files.reduce(0) { $0 + Int64($1.info.st_size) }, files: files.count)
    }

    /// Two paths given whose files `--out-dir` would write to the same
    /// place, if any. The mirror keeps a path as an archive would store it
    /// (`TarMemberName`: no leading "/" or "../"), so `../d` and `d`, two
    /// trees, are both DIR/d; with -f the second tree's files replaced the
    /// first's, exit 0. A path is compared by its parts (`e/./sub` and
    /// `e//sub` are `e/sub`), and counts as meeting another when it is the
    /// same mirrored place or inside it; but not when the two are one place
    /// on disk, or one is inside the other (both walks then find the same
    /// files: `--include` keeps a nested path given, `CoveredPaths`).
    /// Sorted, the mirrored names a name lies inside are the ones still
    /// open before it, so each is compared only with those.
    static func sharingMirror(_ tops: [[UInt8]]) -> ([UInt8], [UInt8])? {
        let slash = UInt8(ascii: "/")
        let keyed = tops.map { top -> (key: [UInt8], top: [UInt8]) in
            let parts = TarMemberName.of(top).name.split(separator: slash).filter { !$0.elementsEqual([UInt8(ascii: ".")]) }
            // "": the mirror's top, inside which is everything.
            return (parts.flatMap { Array($0) + [slash] }, top)
        }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var open: [(key: [UInt8], top: [UInt8])] = []
        for current in keyed {
            while let last = open.last, !current.key.starts(with: last.key) { open.removeLast() }
            for outer in open where !Self.oneTree(outer.top, current.top) { return (outer.top, current.top) }
            open.append(current)
        }
        return nil
    }

    /// Whether two paths given are one place on disk, or one is inside the
    /// other (the same files either way).
    private static func oneTree(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard let one = CoveredPaths.place(of: first), let other = CoveredPaths.place(of: second) else { return false }
        return one == other || CoveredPaths.isInside(one, other) || CoveredPaths.isInside(other, one)
    }

    /// The walk: what to process, and the warnings and repairs on the way.
    private struct Walk {
        let command: GzipCommand
        var found: [Found] = []
        /// Where each file taken goes; nil to collect them in `found`.
        var deliver: ((Found) -> Void)?
        var status = ExitCode.success
        /// With --manifest: the files an interrupted run already compressed,
        /// with their digests (`finishesEarlierRun`).
        var earlier: EarlierRunFiles?
        /// With --out-dir: the temporary outputs a killed run left in the
        /// mirror, which the walk of the inputs never meets.
        private let leftovers = TemporaryLeftovers()
        private var options: GzipCommand.Options { command.options }
        /// False for `-t`, `-c` and `-l`, which change nothing on disk:
        /// their walk leaves other runs' temporary files alone and takes a
        /// file whatever its links, mode or output.
        private var changesFiles: Bool { !options.test && !options.toStandardOutput && !options.list }

        init(command: GzipCommand) { self.command = command }

        /// Walks `tops` (`TreeWalk`: names sorted by bytes, links never
        /// followed, the selection's rules applied) and judges what it
        /// finds; stops when `cancellation` is set.
        mutating func walk(_ tops: [[UInt8]], cancellation: Cancellation? = nil) {
            var policy = TreeWalkPolicy(selection: options.selection)
            policy.links = .never
            // Each part removes the inputs it took, so a name found gone may
            // be another part's; where no part removes any (-k, -c, -t, -l,
            // --out-dir), a path given that is not there is a mistake in
            // every part, as in `sum`: it failed one part of N, the others
            // exit 0 having done nothing (a probe helper).
            policy.partsRemoveTheirFiles = changesFiles && options.removesInputs ? options.selection.shard : nil
            // The manifest this run rewrites, when an earlier run left it in
            // the tree: an output, never an input. Taken for one, it was
            // compressed, and the new manifest listed the old one's digest
            // under its own name, which no `sha256sum -c` could pass.
            if let manifest = options.manifestPath, manifest != "-", changesFiles {
                var info = stat()
                if withCString(TerminalText.bytes(ofName: manifest), { stat($0, &info) }) == 0 {
                    policy.outputsOfThisRun = [OutputOfThisRun(FileIdentity(info), is: .manifest)]
                }
            }
            // And `--json-file`'s report, and with -c standard output's file
            // (`gzip -rc d > d/all`: read as it grew, its own output stored
            // in itself, "file changed as we read it").
            let writesStandardOutput = options.toStandardOutput && !options.test && !options.list
            policy.outputsOfThisRun += options.context.outputsOfThisRun(
                standardOutputHolds: writesStandardOutput ? .standardOutput : nil)
            // Named as pack names a path: without its trailing slashes, so
            // that `d/` shards as `d` and `./d` do (its files were `d//f`
            // to the shard's hash, another part's).
            let walk = TreeWalk(tops: tops.map { ($0, TarMemberName.of(TarMemberName.withoutTrailingSlashes($0)).name) },
                                policy: policy,
                                cancellation: cancellation)
            while let event = walk.next() {
                switch event {
                case .entry(let entry): judge(entry)
                case .problem(let problem): report(problem.diagnostic)
                }
            }
        }

        /// What gzip makes of one thing the walk found.
        private mutating func judge(_ entry: TreeWalkEntry) {
            let shown = entry.displayPath
            let name = entry.baseName
            // Never in a test (-t changes nothing on disk): the file may
            // also be the live output of another run.
            if !entry.isGiven && changesFiles && AtomicOutputFile.isTemporaryName(name),
               let directory = entry.directory, let input = leftOverInput(name, in: directory) {
                // A temporary output of a run that was killed: never an input.
                // Removed only by the part whose shard its input is in: the
                // parts of a `--shard` run go at once over the same tree, and
                // another part's temporary file is its live output.
                let inputName = Array(entry.name.dropLast(name.count)) + input
                if let shard = options.selection.shard, !shard.takes(inputName) { return }
                // Nor while a live run (another bale on this tree) writes it.
                if AtomicOutputFile.removeIfAbandoned(entry.path) { options.context.infoRemovedLeftover(shown) }
                return
            }
            // One whose input cannot be told (its name cut to fit 255 bytes
            // and another input's beginning alike, or its input gone): left
            // out with a notice, as pack leaves it out, never compressed as
            // an input. Taken for one, its output's name was too long, and
            // every later run failed on it (exit 1), the leftover kept.
            // And every one, in a walk that changes nothing (-c, -t, -l):
            // `gzip -rc tree > backup.gz` after a killed run carried the
            // half-made output into the stream as a file of the tree, exit
            // 0, and `gunzip -rcf` wrote its inflated part before failing
            // (a probe helper).
            if !entry.isGiven && entry.type == S_IFREG && AtomicOutputFile.isTemporaryName(name) {
                if inThisPart(entry) {
                    report(.notice(path: shown, TreeWalkProblem.temporaryFile + (options.decompress ? "; not decompressed" : "; not compressed")))
                }
                return
            }
            switch entry.type {
            case S_IFDIR:
                break  // the walk goes into it
            case S_IFREG:
                let parentIsSetgid = entry.directory.map { $0.info.st_mode & S_ISGID != 0 }
                let ownerComesFree = parentIsSetgid.map { !$0 } ?? false
                    && entry.info.st_uid == geteuid() && entry.info.st_gid == getegid()
                consider(entry, ownerComesFree: ownerComesFree)
            case S_IFLNK where inThisPart(entry) && entry.isGiven && changesFiles:
                // Named on the command line: gzip's error, exit 1, as
                // without -r (the README said so; it was the warning below,
                // exit 2: a probe helper). -r follows no link, even with -f.
                // Not for -c, -t, -l, which change nothing (GNU gzip reads
                // the link's file there; bale warns, as before).
                report(.error(path: shown, "Too many levels of symbolic links (a symbolic link: -r does not follow it)"))
            case S_IFLNK where inThisPart(entry):
                report(.warning(path: shown, "is a symbolic link -- ignored", wording: .sentence))
            case S_IFLNK:
                break
            case S_IFSOCK where inThisPart(entry):
                report(.socketInput(shown))
            default:
                if inThisPart(entry) {
                    report(.warning(path: shown, "is not a directory or a regular file - ignored", wording: .sentence))
                }
            }
        }

        /// Whether this part of a `--shard` run speaks of an entry it does
        /// not compress (a link, a FIFO): one part, by the entry's name, as
        /// `pack --shard` stores each; every part warned of each, and every
        /// part's exit status was 2.
        private func inThisPart(_ entry: TreeWalkEntry) -> Bool {
            options.selection.shard?.takes(entry.name) ?? true
        }

        /// The name of its input when `name`, a temporary name of bale's
        /// (its check letters hold: `AtomicOutputFile.isTemporaryName`), is
        /// one this command leaves when it is killed: NAME is the output of an input that is
        /// still beside it in `directory` (an input is removed only after
        /// its output is renamed into place, so a temporary file that was
        /// left always has its input). The two tests together keep a
        /// user's own file that merely looks like one (`.notes.gz.bale-backup`
        /// beside `notes`) from being removed. A temporary name of 255
        /// bytes holds NAME cut to fit (an output of 243 bytes or more):
        /// its input is the name beside it whose output is longer than the
        /// cut and begins with it. Left, such a file was taken for an input
        /// on every later run, whose output name was too long: exit 1 for
        /// ever, and a killed gunzip's partial outputs stayed.
        private func leftOverInput(_ name: [UInt8], in directory: TreeWalkEntry.Directory) -> [UInt8]? {
            let stem = AtomicOutputFile.heldName(ofTemporary: name)
            if let input = exactInput(stem, in: directory) { return input }
            guard name.count == Int(NAME_MAX) else { return nil }
            // NAME cut to fit: only one name beside it may be its input (two
            // whose outputs begin alike leave it unknown, and another
            // `--shard` part's live output is never taken for a leftover).
            let inputs = directory.names.filter { candidate in
                guard case .output(let target) = command.outputName(for: candidate) else { return false }
                return target.count > stem.count && target.starts(with: stem)
            }
            return inputs.count == 1 ? inputs[0] : nil
        }

        /// The input of a temporary file holding the whole name `stem` of
        /// its output, if that input is in `directory`.
        private func exactInput(_ stem: [UInt8], in directory: TreeWalkEntry.Directory) -> [UInt8]? {
            if !options.decompress && !options.test {
                let suffix = TerminalText.bytes(ofName: options.suffix)
                let input = Array(stem.dropLast(suffix.count))
                return stem.count > suffix.count && stem.suffix(suffix.count).elementsEqual(suffix)
                    && directory.contains(input) ? input : nil
            }
            for (suffix, replacement) in command.decompressedSuffixes {
                let replaced = Array(replacement.utf8)
                let input = Array(stem.dropLast(replaced.count)) + TerminalText.bytes(ofName: suffix)
                if stem.count > replaced.count && stem.suffix(replaced.count).elementsEqual(replaced)
                    && directory.contains(input) { return input }
            }
            return nil
        }

        /// Judges one regular file as gzip would, and takes it or not.
        private mutating func consider(_ entry: TreeWalkEntry, ownerComesFree: Bool) {
            let (path, relative, info) = (entry.path, entry.name, entry.info)
            let shown = entry.displayPath
            // Unlike one FILE, -f does not make -r compress a .gz again: a
            // run that finishes an interrupted one (see `finishesEarlierRun`)
            // must not take its outputs for inputs.
            // With -c every file is taken, whatever its name, as GNU gzip
            // takes it (its treat_file makes no output name for stdout):
            // `gzip -rc` compresses a `.gz` too, `gunzip -rc` tries a file
            // with no suffix (gzip inside: its content; else "not in gzip
            // format", or passed through with -f, as `zcat -rf` passes
            // it). bale passed them over in silence, exit 0, the stream
            // short of them (a probe helper). -l lists gzip files.
            let takesAll = options.toStandardOutput && !options.test && !options.list
            // A file with other links, or setuid, setgid or sticky, is
            // passed over with gzip's warning before its name is looked
            // at, as GNU gzip -r does (its treat_file, then make_ofname):
            // `x.gz` with another link is "has 1 other link", not passed
            // over in silence for its suffix. Only where the output is
            // made beside its input and the input removed.
            if changesFiles && !options.test && options.outputDirectory == nil && entry.isSelected,
               let refusal = GzipCommand.refusalInPlace(info, force: options.force) {
                report(.warning(path: shown, refusal, wording: .sentence))
                return
            }
            let targetName: [UInt8]
            switch command.outputName(for: entry.baseName, decompressing: options.list ? true : nil) {
            case .output(let name): targetName = name
            case .alreadyCompressed where takesAll, .unknownSuffix where takesAll:
                targetName = []
            case .alreadyCompressed(let suffix):
                options.context.info("bale: \(TerminalText.shown(name: shown)) already has \(suffix) suffix -- unchanged")
                return
            case .unknownSuffix:
                // Passed over in silence, as gzip -r does (a tree holds
                // many such files), but said with -v, and then a warning
                // (2), as there.
                if options.context.verbose { report(.warning(path: shown, "unknown suffix -- ignored")) }
                return
            }
            guard entry.isSelected else { return }
            if !changesFiles && !options.test {
                // -c, -l: read where it is; no output of its own.
                let file = Found(path: path, info: info, target: [])
                if let deliver { deliver(file) } else { found.append(file) }
                return
            }
            let target: [UInt8]
            if let directory = options.outputDirectory {
                let parent = relative.lastIndex(of: UInt8(ascii: "/")).map { Array(relative[...$0]) } ?? []
                target = TerminalText.bytes(ofName: directory) + [UInt8(ascii: "/")] + parent + targetName
            } else {
                let parent = path.lastIndex(of: UInt8(ascii: "/")).map { Array(path[...$0]) } ?? []
                target = parent + targetName
            }
            if options.outputDirectory != nil, !options.test,
               let failure = MissingDirectories.make(PathParts(target).directory) {
                report(.error(path: shown, "cannot create the output's directory \(TerminalText.name(failure.directory)): \(failure.error.reason)"))
                return
            }
            // A killed run's temporary output for this same output, in the
            // mirror (in place, the walk meets it beside its input: `judge`).
            // Each of a killed run stayed there for good, a hidden partial
            // copy as large as the part written.
            if options.outputDirectory != nil, !options.test {
                for removed in leftovers.remove(leftOversOf: target) {
                    options.context.infoRemovedLeftover(TerminalText.name(removed))
                }
            }
            // In place, the directory's listing says whether the output exists
            // (but for "." and "..", which it leaves out: `..gz`'s output is
            // the directory itself, "already exists" as GNU gzip says).
            let mayExist = options.outputDirectory != nil || PathParts.isSelfOrParent(targetName)
                || entry.directory.map { $0.contains(targetName) } ?? true
            // -N: the output's name is the header's, known once the work
            // opens the file (`GzipCommand.decompressNamedByHeader`), which
            // judges an output there; a run -N finished is not told apart.
            if !options.test, !options.namesOutputsByHeader, mayExist, let existing = Self.lstat(target) {
                if finishesEarlierRun(path, info, target: target, existing: existing) { return }
                // An input that cannot be read, or gunzip's input that holds
                // no whole gzip header, is that error (exit 1), as GNU gzip
                // -r, which opens it and reads its header first, says it:
                // its output's "already exists" (2) hid it. The header's
                // error is the work's to say: its output never replaces a
                // file without -f.
                if !options.force {
                    switch Self.inputBeforeItsOutput(path, shown: shown, decompressing: options.decompress) {
                    case .unreadable(let error):
                        options.context.fail(error)
                        status = max(status, .failure)
                        return
                    case .noGzipHeader:
                        break
                    case .whole:
                        report(.existingOutput(TerminalText.name(target)))
                        return
                    }
                }
            }
            // In place, the directory the walk listed; in the mirror, the
            // directory there now, if it is one (not a link to one).
            let targetDirectory = options.outputDirectory == nil
                ? entry.directory.map { FileIdentity($0.info) }
                : Self.lstat(PathParts(target).directory).flatMap { $0.st_mode & S_IFMT == S_IFDIR ? FileIdentity($0) : nil }
            let file = Found(path: path, info: info, target: target,
                             ownerComesFree: ownerComesFree && options.outputDirectory == nil, targetDirectory: targetDirectory)
            if let deliver { deliver(file) } else { found.append(file) }
        }

        /// If the output in place is the complete work of an earlier run
        /// (same modification time as the input, and the same content once
        /// decompressed), removes the input if this run would have, and
        /// says so (with --manifest: notes it in `earlier`, hashed, for the
        /// manifest, its input removed with the others once the manifest is
        /// in place); true when the file needs nothing more.
        private mutating func finishesEarlierRun(_ path: [UInt8], _ info: stat, target: [UInt8], existing: stat) -> Bool {
            guard existing.st_mode & S_IFMT == S_IFREG,
                  existing.st_mtim.tv_sec == info.st_mtim.tv_sec, existing.st_mtim.tv_nsec == info.st_mtim.tv_nsec else {
                return false
            }
            let source = TerminalText.name(path), output = TerminalText.name(target)
            // Held and locked until the input is removed (`GzipEquality`):
            // another bale at the same pair, the other way, leaves it.
            let pair = options.decompress
                ? GzipEquality.Pair(gzip: path, FileIdentity(info), plain: target, FileIdentity(existing))
                : GzipEquality.Pair(gzip: target, FileIdentity(existing), plain: path, FileIdentity(info))
            guard let pair else { return false }
            // With --manifest the file is listed as if compressed now, and its
            // input goes with the others, once the manifest is in place: it
            // was left out, its input removed, its digest lost for good.
            let hasher = earlier != nil ? SHA256() : nil
            guard GzipEquality.holds(pair, hashing: options.decompress ? nil : hasher) else { return false }
            if let earlier, let hasher {
                earlier.add(EarlierRunFiles.File(path: path, stamp: PackEntry.WalkedStamp(info), digest: hasher.finish(),
                                                 output: target, outputIdentity: FileIdentity(existing),
                                                 removes: options.removesInputs))
                return true
            }
            if options.removesInputs {
                // Only while the output is still there, as compared.
                guard pair.stillNamed(target, plain: options.decompress) else { return false }
                // And only once it is on disk, as every output is before
                // its input goes (the input was removed with the output
                // perhaps in the page cache only: found by a reading helper).
                if let problem = pair.flush(plain: options.decompress, directory: PathParts(target).directory) {
                    report(EarlierRunFiles.notFlushed(source, problem))
                    return true
                }
                // As every input: removed only while unchanged since it was
                // seen, the change time of its other names kept.
                let removal = options.context.inputRemoval.remove(path, ifStill: PackEntry.WalkedStamp(info))
                if removal == .removed { options.context.info(EarlierRunFiles.removedLine(source: source, output: output)) }
                if let diagnostic = removal.diagnostic(for: path) { report(diagnostic) }
            }
            return true
        }

        /// What GNU gzip finds of an input before it looks at its output.
        enum InputLook {
            /// It cannot be opened for reading.
            case unreadable(BaleError)
            /// Decompressing, it holds no whole gzip header.
            case noGzipHeader
            /// Neither.
            case whole
        }

        /// Opens the regular file at `path` (without waiting or following
        /// a link) and, `decompressing`, reads its gzip header, as GNU gzip
        /// does before it looks at the output.
        static func inputBeforeItsOutput(_ path: [UInt8], shown: String, decompressing: Bool) -> InputLook {
            let fd = withCString(path) { open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW) }
            guard fd >= 0 else { return .unreadable(.cannotOpen(path: shown, .current("open"))) }
            defer { FileIO.close(fd) }
            return decompressing && !GzipCommand.beginsWithGzipHeader(fd) ? .noGzipHeader : .whole
        }

        static func lstat(_ path: [UInt8]) -> stat? {
            var info = stat()
            return withCString(path, { Glibc.lstat($0, &info) }) == 0 ? info : nil
        }

        /// Reports `diagnostic` and keeps the worst status it asks for.
        private mutating func report(_ diagnostic: Diagnostic) {
            options.context.report(diagnostic)
            status = max(status, diagnostic.exitStatus)
        }
    }
}

extension GzipCommand.Options {
    /// Whether `gzip -r` removes each input once its output is in place:
    /// without -k, and without --out-dir (whose mirror leaves the tree as
    /// it was). The one rule for the run, its walk and an earlier run's
    /// outputs it finishes.
    var removesInputs: Bool { !keep && outputDirectory == nil }
}
