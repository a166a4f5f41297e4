#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// `bale pack PATH... [-o OUT]`: a gzip-compressed POSIX tar of files and
/// trees, compressed on the worker processes.
///
/// The entries are listed (`PackEntryFinder`, on a thread of its own) in a
/// fixed order; the tar stream is made from them in that order
/// (`TarChunkCutter`), starting as soon as the first are found
/// (`EntryFeed`), and compressed by the same pipeline as `bale gzip`, so
/// the archive is the same bytes for any -p and --io-threads. The output
/// is written to a temporary file and renamed into place only when
/// complete.
public struct PackCommand {
    /// What the command line asked for.
    public struct Options: Sendable {
        /// The files and directories to archive, as given.
        public var paths: [String] = []
        /// The archive; nil for NAME.tar.gz beside the first path; "-" for stdout.
        public var outputPath: String?
        /// Read the paths relative to this directory (`-C`); the process's
        /// working directory is not changed. A name that is not UTF-8 is in
        /// `TerminalText.name`'s stand-ins, as `outputPath`.
        public var directory: String?
        /// How the trees are walked: links, excludes, one file system, shard.
        public var walker = PackEntryFinder.Options()
        /// Read more paths from this file (`--files-from`, "-" for stdin).
        public var filesFrom: String?
        /// Names in `filesFrom` end with NUL, not newline (`--null`).
        public var nullSeparated = false
        /// Reproducible archives: every entry's time, owner and group.
        public var mtime: Time?
        /// A time to the nanosecond, as a file system keeps it: `nanoseconds`
        /// in 0..<1,000,000,000 after `seconds` (before 1970 too).
        public struct Time: Sendable, Equatable {
            public var seconds: Int64
            public var nanoseconds: Int32
            public init(seconds: Int64, nanoseconds: Int32 = 0) {
                self.seconds = seconds
                self.nanoseconds = nanoseconds
            }
        }
        /// Every entry's owner (`--owner`), its name and id.
        public var owner: (name: [UInt8], id: UInt32)?
        /// Every entry's group (`--group`), its name and id.
        public var group: (name: [UInt8], id: UInt32)?
        /// Store ids only, no user or group names (`--numeric-owner`).
        public var numericOwner = false
        /// The compression level, resolved for the codec.
        public var level: Int32 = 6
        /// Also write the SHA-256 of every file, as sha256sum does ("-": stdout).
        public var manifestPath: String?
        /// Store files with holes as sparse files (GNU tar's pax format 1.0, as `tar -S`).
        public var sparse = false
        /// End each member where the content says (`--rsyncable`,
        /// `ContentDefinedCuts`), not every chunk size.
        public var rsyncable = false
        /// End the archive with an index of its entries (`ArchiveIndex`;
        /// `--no-index`: none).
        public var writesIndex = true
        /// Remove what was archived once the archive is on disk
        /// (`--remove-files`, see `SourceRemoval`); the archive must be a
        /// file (not standard output), and links are not followed.
        public var removesSources = false
        /// Replace an archive already there (`-f`).
        public var force = false
        /// Where the run reports its diagnostics and figures.
        public var context = RunContext()
        /// The workers, readers, codec, chunk size and reporting options
        /// every command shares (`EngineSettings`).
        public var engine = EngineSettings()
        /// Every option at its default.
        public init() {}
    }

    /// The command's options, as the command line set them.
    public var options: Options
    /// The command, to `run` with `options`.
    public init(options: Options) { self.options = options }

    /// Does what `options` ask; the exit code (`ExitCode`), its diagnostics in `options.context`.
    public func run() -> ExitCode {
        let context = options.context
        let removal = options.removesSources ? SourceRemoval(context: context, sharded: options.walker.shard != nil) : nil
        defer { removal?.reportIfNothingRemoved() }
        let paths: [[UInt8]]
        switch DirectoryListing.paths(options.paths, listedIn: options.filesFrom, nullSeparated: options.nullSeparated,
                                       context: context) {
        case .success(let found): paths = found
        case .failure(let error):
            context.fail(error)
            return .failure
        }
        // An empty list (`-T /dev/null`) makes an empty archive, as GNU tar
        // makes one; but with no path to name it after, it needs `-o`.
        guard !paths.isEmpty || options.outputPath != nil else {
            context.report(.error(path: options.filesFrom, "names no path to pack, and with none "
                                  + "the archive has no name to take: give -o ARCHIVE"))
            return .failure
        }
        // The paths are read relative to -C's directory, opened once: every
        // stat and open of the walk and of the readers is relative to it
        // (the library never calls chdir, which is the whole process's).
        // The archive's name, given, is relative to where bale was started.
        var base = AT_FDCWD
        if let directory = options.directory {
            base = withCString(TerminalText.bytes(ofName: directory)) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if base < 0 {
                context.fail(BaleError.cannotOpen(path: directory, .current("open")))
                return .failure
            }
        }
        defer { if base != AT_FDCWD { FileIO.close(base) } }
        // Only with --remove-files do the parts remove what they take; without
        // it, a path gone is an error in every part, as a name mistyped is.
        let walked = Self.leavingOutOtherPartsGone(paths, shard: options.removesSources ? options.walker.shard : nil,
                                                   relativeTo: base, dereference: options.walker.dereference)
        if !Self.allExist(walked, relativeTo: base, dereference: options.walker.dereference, context: context) {
            return .failure
        }
        guard let archive = openArchive(paths: paths, base: base, removing: removal != nil) else { return .failure }
        let (outputPath, output) = (archive.path, archive.file)

        var walkerOptions = options.walker
        walkerOptions.numericOwner = options.numericOwner
        walkerOptions.removesSources = options.removesSources
        // The archive's temporary file, and the archive it replaces, may
        // lie inside the tree: never store them; nor standard output's
        // file (`pack d -o - > d/x.tgz`), growing as it is read.
        // Nor `--json-file`'s report (`RunContext.outputsOfThisRun`).
        walkerOptions.outputsOfThisRun = (output?.filesWritten.map { OutputOfThisRun($0, is: .archive) } ?? [])
            + context.outputsOfThisRun(standardOutputHolds: output == nil ? .archive : nil)
        // Nor the manifest this run replaces (its own is written once the
        // walk is over): its old digest would be listed beside its new self.
        var manifestInfo = stat()
        if let manifest = options.manifestPath, manifest != "-",
           withCString(TerminalText.bytes(ofName: manifest), { stat($0, &manifestInfo) }) == 0,
           manifestInfo.st_mode & S_IFMT == S_IFREG {
            walkerOptions.outputsOfThisRun.append(OutputOfThisRun(FileIdentity(manifestInfo), is: .manifest))
        }
        // The stream is made from the entries the walk has found so far
        // (see `EntryFeed`). The whole list is kept only for
        // --remove-files, which removes what it names once the archive is
        // whole (see `EntryFeed`).
        let feed = EntryFeed(keepsEveryEntry: removal != nil)
        let walk = WalkOutcome()
        // The stream is assembled in order by one thread; the read-ahead
        // threads are the cutter's own.
        var engine = options.engine
        engine.pipeline.ioThreads = 1
        // Every chunk of the stream is read into a slot of the workers'
        // arena, and every page of a slot costs its allocation (zeroed),
        // the first time it is touched in the run: 2.5 to 5 ms a MiB on
        // this machine's virtual memory, where the copy into it is 0.3. A
        // reader ahead of the workers fills a slot for each chunk the
        // pipeline lets it hold, and with the defaults (a queue of two
        // chunks a worker, two chunks in flight at each) a pack of the
        // bench's text tree touched 10 slots, 60 MiB. The tar stream is
        // made far faster than it is compressed (a chunk of the page
        // cache in a few ms, against ~60 ms to deflate it), so one chunk
        // queued for each worker and one at each keeps the workers fed:
        // 6 slots, 36 MiB. A worker then waits for its next frame between
        // chunks, a few wake-ups (tens of µs) against a chunk's 60 ms.
        engine.pipeline.queuedPerWorker = 1
        engine.pipeline.inFlightPerWorker = 1
        let runner = CommandRunner(context: context, engine: engine)
        let cutter = TarChunkCutter(feed: feed, relativeTo: base, chunkSize: options.engine.pipeline.chunkSize,
                                    contentDefined: options.rsyncable,
                                    readerThreads: options.engine.pipeline.ioThreads,
                                    makesDigests: options.manifestPath != nil, sparse: options.sparse,
                                    attributes: PackAttributes(namesOwners: !options.numericOwner),
                                    indexes: options.writesIndex)
        defer { cutter.stop() }
        if options.removesSources { cutter.leaveDirectoriesUnchecked() }
        // The walk is the job's producer, on a thread of its own (see
        // `CommandRunner`); a failed job stops it.
        let producer: @Sendable (Cancellation) -> Void = { [options, context, walkerOptions, base, cutter] cancellation in
            cancellation.whenCancelled { feed.cancel() }
            // The workers, their pipes, the arena and the output are open
            // by now: the walk and the read-ahead share what is left.
            let shares = PackDescriptors(spare: DescriptorLimit.spare(), readers: options.engine.pipeline.ioThreads)
            cutter.readAhead(atMost: shares.filesAhead, holdingDirectories: shares.readersHoldDirectories)
            var finder = PackEntryFinder(options: walkerOptions)
            finder.walk(walked, relativeTo: base, cancellation: cancellation,
                        openDirectories: shares.walkDirectories) { batch in
                let entries = batch.map { Self.restamp($0, options: options) }
                for entry in entries { context.info(name: entry.header.name) }
                context.summary.expect(bytes: entries.reduce(0) { $0 + $1.header.size },
                                       files: entries.count { $0.header.kind == .file })
                return feed.append(entries)
            }
            feed.finish()
            walk.record(finder)
        }

        let manifest = options.manifestPath.map { path in
            ManifestWriter(path: path, entries: { cutter.digestsWhenRead() })
        }
        // The members, the index, then the end member that proves the
        // archive whole and points at the index.
        let sink = EndMemberSink(OutputTarget(file: output, discards: false), keepsMemberSizes: options.writesIndex)
        let job = CommandRunner.Job(cutter: cutter, kind: engine.compression(level: options.level),
                                    inputName: outputPath ?? "archive", output: sink, producer: producer)
        let outcome = runner.withPipeline { pipeline in
            cutter.makeChunks(in: pipeline.workers.arena)
            return runner.run(job, on: pipeline)
        }
        // No archive after all: nothing of it stays, and nothing is removed.
        func abandon() {
            output?.discard()
            cutter.stop()  // the manifest's thread waits for the digests until the cutter stops
            manifest?.discard()
            walk.report(to: context)
        }
        do throws(BaleError) {
            let report = try outcome.get()
            let indexLength = try writeIndex(of: cutter, to: sink, outputName: outputPath ?? "-")
            let endLength = try sink.writeEndMember()
            // The manifest whole before the archive takes its name: if it
            // cannot be written, neither is put in place (an archive
            // already there stays, beside the manifest made with it).
            do throws(BaleError) { try manifest?.finishWriting() } catch {
                abandon()
                context.fail(error, writing: "the manifest")
                if let outputPath, outputPath != "-" {
                    context.report(.error(path: outputPath, "not made, as its manifest could not be written"))
                }
                return error.exitStatus
            }
            // Under --remove-files kept locked until the sources are removed.
            let committed = if let output, let guarded = archive.guarded {
                try guarded.commit(output, sync: true)
            } else {
                try output?.commit(attributes: nil, sync: removal != nil, replacing: archive.replacesTarget,
                                   keepingLock: removal != nil) != .targetExists
            }
            guard committed else {
                // Made there by someone else while bale packed: kept, and
                // this archive discarded.
                abandon()
                context.report(archive.guarded?.notReplaced(started: true) ?? Self.existingArchive(output?.path ?? "-"))
                return .failure
            }
            context.summary.addFiles(cutter.filesStored)
            context.summary.addBytes(read: report.bytesIn, written: report.bytesOut + Int64(indexLength + endLength))
        } catch {
            abandon()
            // The runner reported a failed job; a failure after it is this one's.
            if case .success = outcome { context.fail(error) }
            return error.exitStatus
        }
        walk.report(to: context)
        for warning in cutter.warnings { context.report(warning) }
        // Trouble inside the trees (see `allExist`): the archive holds all
        // the rest, and is whole, so the status is a warning, as GNU tar's 2.
        var status: ExitCode = walk.hadErrors || !cutter.warnings.isEmpty ? .warning : .success
        if let manifest {
            do throws(BaleError) { try manifest.commit(sync: removal != nil) } catch {
                context.fail(error, writing: "the manifest")
                status = max(status, error.exitStatus)
            }
        }
        // Not after a failure, nor after a reader of the manifest on standard
        // output went away (141, which ranks above it: every file was removed).
        if let removal, status < .failure {
            let everythingArchived = !walk.hadErrors && cutter.readEveryFile
            status = max(status, removal.removeSources(of: feed.all, changedWhileRead: cutter.changedEntries,
                                                       everythingArchived: everythingArchived, relativeTo: base))
        }
        // Held since its commit, while the files it holds were removed.
        output?.releaseLock()
        return status
    }

    /// The archive `run` writes: its name (given, or made; "-" for
    /// standard output), its temporary file (nil for standard output), and
    /// whether it may replace a file of that name.
    private struct ArchiveOutput {
        var path: String?
        var file: AtomicOutputFile?
        var replacesTarget: Bool
        /// With --remove-files (and a name given, or -f): the name and
        /// what it held at the start, the only file the archive may replace.
        var guarded: GuardedOutputName?
    }

    /// Names the archive (given, or NAME.tar.gz beside the first of
    /// `paths`, inside -C's `base`), removes what a killed run left for it
    /// and for the manifest, and opens its temporary file; nil, with the
    /// reason reported, when it cannot be made (or, `removing`, when it is
    /// no file the sources' removal could trust).
    private func openArchive(paths: [[UInt8]], base: Int32, removing: Bool) -> ArchiveOutput? {
        let context = options.context
        var outputPath = options.outputPath
        // The default name is not replaced without -f: neither an archive
        // found there now nor a file made there while bale packs (the
        // commit then renames without replacing).
        let replacesTarget = outputPath != nil || options.force
        // Outputs named for a part of a `--shard` run: not where the other
        // parts would take them (`ShardOutputPlace`).
        var names = TreeWalkPolicy()
        names.excludes = options.walker.excludes
        for (output, what) in [(outputPath, "the archive"), (options.manifestPath, "the manifest")] {
            if let refusal = ShardOutputPlace.refusal(of: output, what, shard: options.walker.shard, tops: paths,
                                                      relativeTo: base, dereference: options.walker.dereference,
                                                      policy: names) {
                context.report(refusal)
                return nil
            }
        }
        if outputPath == nil {
            // NAME.tar.gz beside the first path: inside -C's directory.
            // Its bytes, whatever they are (a path that is not UTF-8 too):
            // kept in the String by TerminalText.name, given back by
            // AtomicOutputFile.
            let nameBytes = defaultOutputName(paths[0], shard: options.walker.shard)
            let name = TerminalText.name(nameBytes)
            // The parts' default archives side by side inside a tree they
            // pack (`pack --shard K/N .`): each part would store the
            // archives the parts before it wrote, and with --remove-files
            // remove them, exit 0 (a probe helper). A part leaves out only
            // its own output; the others' are not its to judge (a file of
            // the user's may bear such a name), so the name is refused.
            if let shard = options.walker.shard, shard.count > 1,
               let (top, _) = ShardOutputPlace.treeHolding(PathParts(nameBytes).directory, relativeTo: base, among: paths,
                                                           relativeTo: base, dereference: options.walker.dereference) {
                context.report(.error(path: name, "the parts' default archives would lie inside \(TerminalText.name(top)), "
                                      + "which they pack: each part would store the others'; give -o outside it"))
                return nil
            }
            var existing = stat()
            if !options.force && withCString(nameBytes, { fstatat(base, $0, &existing, AT_SYMLINK_NOFOLLOW) }) == 0 {
                // A warning in wording, but the run fails: nothing was written.
                context.report(Self.existingArchive(name))
                return nil
            }
            outputPath = options.directory.map { $0.hasSuffix("/") ? $0 + name : $0 + "/" + name } ?? name
        }
        if outputPath == "-" && !options.force && isatty(1) != 0 {
            context.report(.error(path: nil, "compressed data not written to a terminal. Use -f to force."))
            return nil
        }

        // Refused before it is opened: opening a FIFO would wait for a reader.
        if removing, let outputPath, AtomicOutputFile.writesDirectly(TerminalText.bytes(ofName: outputPath)) {
            context.report(.error(path: outputPath, Self.notAFileForRemoval))
            return nil
        }
        // The manifest is made at the end, once every digest is known; a
        // name it cannot have is said now, before the archive is made.
        if let manifest = options.manifestPath, manifest != "-" {
            do throws(BaleError) { try AtomicOutputFile.checkCanBeMade(manifest) } catch {
                context.fail(error, writing: "the manifest")
                return nil
            }
        }
        // The temporary archive and manifest a killed run (SIGKILL: the OOM
        // killer, a batch system's time limit) left for these same outputs,
        // as `gzip FILE` removes its own (`TemporaryLeftovers`: bale's by
        // their check letters, and no live run holds them locked). Each
        // killed `pack -o` of a cron job left one more hidden partial
        // archive, as large as the archive.
        let leftovers = TemporaryLeftovers()
        for path in [outputPath, options.manifestPath].compactMap({ $0 }) where path != "-" {
            let bytes = TerminalText.bytes(ofName: path)
            guard !AtomicOutputFile.writesDirectly(bytes) else { continue }
            for removed in leftovers.remove(leftOversOf: bytes) { context.infoRemovedLeftover(TerminalText.name(removed)) }
        }
        let output: AtomicOutputFile?
        if let outputPath, outputPath != "-" {
            // The archive's directory is held (see `AtomicOutputFile`: a
            // directory renamed mid-write still gets the finished archive)
            // when that descriptor is plainly spare. Under a limit so low
            // that the walk and the cutter need every one (`ulimit -n 14`
            // with two workers, `PackDescriptors`), it is named by path,
            // as before: a rename of its directory then fails the run
            // (exit 1) rather than a file being left out.
            let spareNeeded = Self.spareToHoldTheDirectory(workers: options.engine.workerCount)
            let holdsDirectory = DescriptorLimit.spare() >= spareNeeded
            do {
                output = try AtomicOutputFile(pathBytes: TerminalText.bytes(ofName: outputPath),
                                              holdingDirectory: holdsDirectory)
            } catch {
                context.fail(error)
                return nil
            }
        } else {
            output = nil
        }
        if removing, output?.isRenamedIntoPlace != true {
            context.report(.error(path: outputPath, Self.notAFileForRemoval))
            return nil
        }
        // (The default name without -f is never replaced anyway.)
        let guarded = removing && replacesTarget ? outputPath.map(GuardedOutputName.init) : nil
        // An archive whose run is still removing what it holds: this run's
        // walk would miss what that one removes first, and its archive,
        // replacing that one, lose it.
        if let guarded, guarded.isHeldByAnotherRun {
            context.report(guarded.notReplaced(started: false))
            output?.discard()
            return nil
        }
        // Nor, without -f, an archive there at all: it may be the only copy
        // of files an earlier run removed (`--shard K/N` parts run one after
        // another with one -o, as the same arguments on every task: the
        // last part's archive replaced the others', their files in none,
        // every exit 0; a nightly run reusing its name).
        if let guarded, guarded.foundAtStart != nil, !options.force {
            context.report(.error(path: guarded.path, "already exists; --remove-files does not replace an archive "
                                  + "without -f (it may hold the only copy of files an earlier run removed): "
                                  + "give each run, or each --shard part, its own -o"))
            output?.discard()
            return nil
        }
        return ArchiveOutput(path: outputPath, file: output, replacesTarget: replacesTarget, guarded: guarded)
    }

    /// The archive's default name holds a file already (at the start, or
    /// made there while bale packed): a warning in wording, as gzip's, but
    /// the run fails.
    private static func existingArchive(_ name: String) -> Diagnostic {
        .warning(path: name, "already exists; not overwritten (use -f or -o)", wording: .sentence, exitStatus: .failure)
    }

    /// Writes the archive's index after its data members, when the cutter
    /// made one; returns its length. The index is compressed here, in the
    /// parent, once the stream is done (a few MB for 100,000 entries, a
    /// fraction of a second).
    private func writeIndex(of cutter: TarChunkCutter, to sink: EndMemberSink, outputName: String) throws(BaleError) -> Int {
        let blob: [UInt8]?
        do { blob = try cutter.indexBlob(members: sink.memberSizes, streamLength: sink.dataLength) } catch {
            throw .writeFailed(path: outputName, SystemError(code: ENOMEM, operation: "the index: \(error)"))
        }
        guard let blob else { return 0 }
        return try sink.writeIndex(blob)
    }

    /// Descriptors spare as the archive is created from which it holds
    /// its directory: enough for the workers' pipes and the arena (about
    /// four a worker) and a walk and read-ahead of 32 more, the directory
    /// taken (with two workers under the usual 1,024: held; under 40: not).
    static func spareToHoldTheDirectory(workers: Int) -> Int { 40 + 4 * workers }

    private static let notAFileForRemoval =
        "--remove-files needs the archive in a regular file (renamed into place and flushed when whole), not a device or a FIFO; nothing written"

    /// `paths` without those that are gone (ENOENT) and whose name is in
    /// another part of `shard`: the parts of a `--shard` run given the same
    /// paths may run one after another, and a part with --remove-files
    /// removes the files of its own part; the next part found them gone
    /// and wrote no archive ("3 of the 6 paths given cannot be read"). A
    /// path gone in this part's shard is still an error (`allExist`).
    private static func leavingOutOtherPartsGone(_ paths: [[UInt8]], shard: Shard?, relativeTo base: Int32,
                                                 dereference: Bool) -> [[UInt8]] {
        guard let shard else { return paths }
        return paths.filter { path in
            var info = stat()
            if withCString(path, { fstatat(base, $0, &info, dereference ? 0 : AT_SYMLINK_NOFOLLOW) }) == 0 { return true }
            guard errno == ENOENT else { return true }
            return shard.takes(path)  // keyed by the name it would be stored under (`Shard.key(of:)`)
        }
    }

    /// Checks that every path given (on the command line or in -T's list)
    /// is there, before anything is written; names each one that is not.
    ///
    /// The exit status 1 promises that no partial output exists, so a path
    /// given that cannot be found is an error found first: no archive is
    /// made (GNU tar would write one without it and exit 2). Trouble met
    /// later, inside the trees (a file that vanished, cannot be read or
    /// changed while read), is handled as GNU tar handles it: named, left
    /// out or stored as read, and the archive, whole and valid, is kept,
    /// with the warning status 2.
    private static func allExist(_ paths: [[UInt8]], relativeTo base: Int32, dereference: Bool,
                                 context: RunContext) -> Bool {
        var missing = 0
        for path in paths {
            var info = stat()
            if withCString(path, { fstatat(base, $0, &info, dereference ? 0 : AT_SYMLINK_NOFOLLOW) }) != 0 {
                context.report(.error(path: TerminalText.name(path),
                                      "Cannot stat: \(SystemError.current("stat").reason)"))
                missing += 1
            }
        }
        if missing > 0 {
            context.report(.error(path: nil, "no archive written: \(missing) of the \(paths.count) paths given cannot be read"))
        }
        return missing == 0
    }

    /// Applies --mtime, --owner, --group and --numeric-owner to an entry.
    private static func restamp(_ packed: PackEntry, options: Options) -> PackEntry {
        var packed = packed
        restamp(&packed.header, options: options)
        return packed
    }

    private static func restamp(_ entry: inout TarEntry, options: Options) {
        if let mtime = options.mtime {
            entry.modificationSeconds = mtime.seconds
            entry.modificationNanoseconds = mtime.nanoseconds
        }
        if let owner = options.owner { (entry.userName, entry.userID) = owner }
        if let group = options.group { (entry.groupName, entry.groupID) = group }
        if options.numericOwner {
            entry.userName = []
            entry.groupName = []
        }
    }

    /// NAME.tar.gz beside the first path (NAME its last component); a part
    /// of a `--shard K/N` run, N above 1, NAME-K.tar.gz: the parts are run
    /// with the same arguments, and with one default name for all, every
    /// part after the first failed ("already exists"), and with the `-f`
    /// that message suggested, each replaced the one before, its files in
    /// no archive, every exit 0 (a probe helper).
    private func defaultOutputName(_ first: [UInt8], shard: Shard?) -> [UInt8] {
        let suffix = Array(((shard.map { $0.count > 1 ? "-\($0.index)" : "" } ?? "") + ".tar.gz").utf8)
        let slash = UInt8(ascii: "/")
        var path = first
        while path.count > 1 && path.last == slash { path.removeLast() }
        // A path ending in "." or ".." names no directory of its own (and
        // NAME/...tar.gz would be an odd name): the archive is archive.tar.gz.
        let last = path.split(separator: slash).last.map(Array.init) ?? []
        if path == [slash] || path.isEmpty || last == Array(".".utf8) || last == Array("..".utf8) {
            return Array("archive".utf8) + suffix
        }
        return path + suffix
    }
}

/// What the walk leaves for the command: its warnings and whether any
/// was an error. Its state is reachable only under its lock: the walk's
/// thread records, the command reports after the runner joined it.
private final class WalkOutcome: Sendable {
    private let state = Mutex((warnings: [Diagnostic](), hadErrors: false))

    /// Keeps what `finder` met (its notices first, as GNU tar says them).
    func record(_ finder: PackEntryFinder) {
        state.withLock { $0 = (finder.notices + finder.warnings, finder.hadErrors) }
    }

    /// Reports the warnings kept, once.
    func report(to context: RunContext) {
        let warnings = state.withLock { state in
            defer { state.warnings = [] }
            return state.warnings
        }
        for warning in warnings { context.report(warning) }
    }

    /// True when something asked for was left out.
    var hadErrors: Bool { state.withLock { $0.hadErrors } }
}
