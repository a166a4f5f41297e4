#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// The outputs of a batch job (`bale gzip -r`): one .gz per file of a
/// `FileSetCutter`, each through its own temporary file.
///
/// The collector hands over every chunk's members in sequence order, each
/// with its chunk's context (`FileSetCutter.Unit`): the files a batch
/// holds (the worker's reply says where each one's member ends), or which
/// part of a large file a chunk is, with what went wrong reading it and
/// the file's digest. A file's output is created at its first member,
/// written, and at its last member either renamed into place with the
/// input's mode, owner and times, or discarded if the input could not be
/// read faithfully (a problem in any of its parts, added up in order).
/// Each file done is crossed off the `FileLedger`.
/// So every finished output is whole, every unfinished one is a temporary
/// file (`.NAME.gz.bale-XXXXXX`), which the signal handlers remove and the
/// next run recognises.
///
/// Inputs are removed only after their outputs are safely on disk. One
/// `fsync` per file would cost more than compressing a small file, so
/// outputs are made durable in groups: after `removalBatch` files (and at
/// the end) `syncfs` flushes every file system that holds an output of
/// the group (one call per distinct device: the inputs may lie on several
/// file systems, and `--out-dir` may put the outputs on yet another),
/// and only when all are flushed are the inputs of that group unlinked;
/// an input whose output's file system could not be flushed is kept. A
/// crash in between leaves input and complete output side by side, which
/// the next run finishes (see `RecursiveGzip`). With `--manifest` no input
/// goes before the manifest is in place (`holdsRemovals`): the command
/// removes them all after writing it (`removeInputs`), or keeps them all
/// when it could not, for an input removed is a digest no run can make again.
///
/// Only the collector thread writes here (`@unchecked Sendable`); `status`,
/// `digests` and `finish` are used after the pipeline joined it.
public final class FileSetSink: ResultSink, @unchecked Sendable {
    static let removalBatch = 256

    private let ledger: FileLedger
    private let context: RunContext
    /// Whether an output may replace a file under its name (-f); without
    /// it, a file that took the name after the walk looked is kept.
    private let replacesOutputs: Bool
    /// Whether the inputs wait for `removeInputs` after the job (--manifest).
    private let holdsRemovals: Bool
    private var file: FileTask?
    /// What went wrong reading the current file's parts so far.
    private var problem: FileProblem?
    private var current: AtomicOutputFile?
    private var currentBytes: Int64 = 0
    /// The current output's members, for its end member.
    private var tally = MemberTally()
    /// The inputs to remove once their outputs are on disk, each with its
    /// `-v` line's start (`NAME:\tNN% -- `), said only then: "replaced
    /// with" if the input went, "written to" if it was kept (it changed
    /// since it was read, say), so `-v` never says an input was replaced
    /// that is still there. The removals are batched (`removalBatch`, one
    /// `syncfs` for many outputs), so those lines come in bursts.
    private var pendingRemovals: [(input: [UInt8], stamp: PackEntry.WalkedStamp, output: [UInt8],
                                   made: InputRemoval.Output?, verbose: VerboseFigures?)] = []
    /// What a file's `-v` line says (`VerboseLine`), kept until its input's removal is decided.
    private struct VerboseFigures {
        var name: String
        var plainBytes: Int64
        var gzipBytes: Int64

        /// The line, for what became of the output.
        func line(_ outcome: VerboseLine.Outcome) -> String {
            VerboseLine.text(name: name, plainBytes: plainBytes, gzipBytes: gzipBytes, outcome: outcome)
        }
    }
    /// The worst outcome so far: 0, 2 (a warning) or 1 (an error), as exit codes rank.
    public private(set) var status = ExitCode.success
    /// The paths and SHA-256 of the files whose output is in place, when
    /// the cutter makes digests (`--manifest`).
    public private(set) var digests = Manifest.Entries()

    /// Writes to the files' outputs; crosses each file it finishes off
    /// `ledger`. With `replacesOutputs` (-f) an output replaces whatever
    /// holds its name; without, never. With `holdsRemovals`, no input is
    /// removed before the caller's `removeInputs` after `finish`.
    public init(ledger: FileLedger, context: RunContext, replacesOutputs: Bool, holdsRemovals: Bool = false) {
        self.ledger = ledger
        self.context = context
        self.replacesOutputs = replacesOutputs
        self.holdsRemovals = holdsRemovals
    }

    public func write(_ result: ChunkResult<FileSetCutter.Unit>) throws(BaleError) {
        switch (result.context, result.reply) {
        case (.files(let files), .compressedPieces(let members)) where members.count == files.count:
            // One member per file, one after another, where the reply's table says.
            members.payload.withUnsafeBytes { all in
                for (file, range) in zip(files, members.ranges) {
                    begin(file)
                    add(UnsafeRawBufferPointer(rebasing: all[range]))
                    end(digest: file.digest)
                    ledger.finish(file.index)
                }
            }
        case (.part(let file, let part), .compressed(let member)):
            if part.index == 0 { begin(file) } else { problem = FileProblem.adding(file.problem, to: problem) }
            member.withUnsafeBytes { add($0) }
            if part.isLast {
                end(digest: file.digest)
                ledger.finish(file.index)
            }
        default:
            throw .workerFailed("chunk \(result.sequence) came back as another kind of answer than its request")
        }
    }

    /// Writes members of the current file's output (a failed write fails
    /// that file alone, see `writeCurrent`), counting them for its end member.
    private func add(_ members: UnsafeRawBufferPointer) {
        guard current != nil else { return }
        writeCurrent(members)
        tally.add(members: members)
        currentBytes += Int64(members.count)
    }

    /// Starts the output of `read`'s file, with the problem its first
    /// (or only) part had.
    private func begin(_ read: FileSetCutter.FileRead) {
        currentBytes = 0
        tally = MemberTally()
        problem = read.problem
        let task = read.task
        file = task
        do {
            // In the directory the walk listed: one replaced since (by a
            // symbolic link to elsewhere) gets no output, which would land
            // outside the tree, or outside `--out-dir` (a probe).
            func create() throws(BaleError) -> AtomicOutputFile {
                try AtomicOutputFile(pathBytes: task.target, mode: task.source.info.st_mode & 0o7777,
                                     writesDevicesDirectly: false, holdingDirectory: true,
                                     in: task.targetDirectory)
            }
            // Out of inodes (or blocks for the directory): room made as for a write.
            do { current = try create() } catch where error.isFileSystemFull && madeRoom() { current = try create() }
        } catch {
            // This output cannot be made (a read-only directory, say): the
            // file is left as it is and the job goes on with the others.
            current = nil
            if case .directoryReplaced = error {
                report(.error(path: TerminalText.name(task.source.path), "\(error.cause); not compressed"))
            } else {
                report(.error(error))
            }
        }
    }

    /// Writes to the current output. A write error (a full disk, a
    /// file-size limit) fails this file alone, as in gzip -r: it is named,
    /// its temporary output removed, its input kept, the rest of its
    /// members dropped, and the job goes on with the next file (which may
    /// fit), so that every file not compressed is named.
    private func writeCurrent(_ bytes: UnsafeRawBufferPointer) {
        guard let output = current else { return }
        do { try write(bytes, to: output) } catch {
            failCurrent(output, error)
        }
    }

    /// Writes `bytes` after the current output's first `currentBytes`;
    /// on a full file system, makes room (`madeRoom`) and writes them
    /// again from where they began.
    private func write(_ bytes: UnsafeRawBufferPointer, to output: AtomicOutputFile) throws(BaleError) {
        do { try output.write(bytes) } catch where error.isFileSystemFull && madeRoom() {
            try output.rewind(to: currentBytes)
            try output.write(bytes)
        }
    }

    /// Frees space for the outputs on a full file system, as GNU gzip -r
    /// has it, which removes each input as soon as its output is closed:
    /// here the inputs waiting for their group's `syncfs` go now (their
    /// outputs flushed first, as always). Without this an in-place
    /// `gzip -r` on a nearly full disk compressed only as many files as
    /// fit beside all the inputs, and failed the rest, where GNU gzip
    /// did them all (a probe helper: 5 of 30 files, exit 1; a rerun did a
    /// few more each time). False when nothing waited (or a manifest
    /// holds them: `holdsRemovals`): the failure stands.
    private func madeRoom() -> Bool {
        guard !holdsRemovals, !pendingRemovals.isEmpty else { return false }
        removeInputs()
        return true
    }

    /// Fails the current file after an error on its output (see `writeCurrent`).
    private func failCurrent(_ output: AtomicOutputFile, _ error: BaleError) {
        output.discard()
        current = nil
        let source = file.map { TerminalText.name($0.source.path) } ?? output.path
        report(.error(path: error.path, "\(error.cause); \(source) not compressed, left as it was"))
    }

    /// Ends the current file: its output committed with the file's
    /// `digest` listed, or discarded if a part of it could not be read
    /// faithfully (or it failed before).
    private func end(digest: [UInt8]?) {
        guard let output = current, let file else { return }  // a file that failed: no digest to list
        current = nil
        var source: String { TerminalText.name(file.source.path) }
        switch problem {
        case .unreadable(let reason)?:
            output.discard()
            report(.error(path: source, "\(reason); not compressed"))
            return
        case .changed?:
            output.discard()
            report(.error(path: source, "file changed as we read it; not compressed"))
            return
        case .grew?, nil:
            break
        }
        do throws(BaleError) {
            // The end member last: only a whole output is ever committed.
            let endMember = tally.endMember
            var failure: BaleError?
            endMember.withUnsafeBytes { bytes in
                do throws(BaleError) { try write(bytes, to: output) } catch { failure = error }
            }
            if let failure { throw failure }
            currentBytes += Int64(endMember.count)
            var attributes = AtomicOutputFile.Attributes(file.source.info)
            attributes.setsOwner = !file.ownerComesFree
            if try output.commit(attributes: attributes, sync: false, replacing: replacesOutputs,
                                 inputRemoval: context.inputRemoval) == .targetExists {
                report(.existingOutput(output.path))
                return
            }
        } catch {
            failCurrent(output, error)
            return
        }
        if let digest { digests.append(name: file.source.path, digest: digest) }
        let size = Int64(file.source.info.st_size)
        context.summary.addFiles(1)
        context.summary.addBytes(read: size, written: currentBytes)
        if problem == .grew {
            report(.warning(path: source, "file grew while being compressed; only its first \(size) bytes were compressed, so it is kept"))
        }
        let verbose = context.verbose ? VerboseFigures(name: source, plainBytes: size, gzipBytes: currentBytes) : nil
        if file.removesSource && problem == nil {
            pendingRemovals.append((file.source.path, PackEntry.WalkedStamp(file.source.info), file.target,
                                    output.committedOutput, verbose))
        } else if let verbose {
            context.info(verbose.line(.created(name: output.path)))
        }
        if pendingRemovals.count >= Self.removalBatch && !holdsRemovals { removeInputs() }
    }

    /// Makes the outputs written so far durable, then removes their inputs
    /// (with `holdsRemovals`, the command's call once the manifest is in place).
    public func removeInputs() {
        guard !pendingRemovals.isEmpty else { return }
        let problems = Self.flush(outputsIn: pendingRemovals.map(\.output))
        var reported: Set<[UInt8]> = []
        for (input, stamp, output, made, verbose) in pendingRemovals {
            let directory = PathParts(output).directory
            // Not known to be on disk: keep the input. Removed only while
            // its output is still the file made (`InputRemoval`).
            let problem = problems[directory]
            let removal = problem == nil
                ? context.inputRemoval.remove(input, ifStill: stamp, whileOutputIs: made)
                : nil
            if let verbose {
                let removed = if case .removed = removal { true } else { false }
                let name = TerminalText.name(output)
                context.info(verbose.line(removed ? .replaced(name: name) : .created(name: name)))
            }
            if let problem {
                if reported.insert(directory).inserted {
                    report(.error(path: TerminalText.name(directory),
                                  "cannot flush the outputs to disk (\(problem.reason)); their inputs kept"))
                }
                continue
            }
            if let diagnostic = removal?.diagnostic(for: input) { report(diagnostic) }
        }
        pendingRemovals = []
    }

    /// Flushes the file systems that hold `outputs` (one `syncfs` per
    /// device, each known by one of the outputs' directories, or by the
    /// output itself in a directory that cannot be opened for reading: one
    /// the user may write in and search but not list, mode 333 or 1733);
    /// returns the directories whose outputs are not known to be on disk,
    /// with why.
    static func flush(outputsIn outputs: [[UInt8]]) -> [[UInt8]: SystemError] {
        var directoryOf: [[UInt8]: dev_t] = [:]
        var devices: [dev_t: (directory: [UInt8], output: [UInt8])] = [:]
        var problems: [[UInt8]: SystemError] = [:]
        for output in outputs {
            let directory = PathParts(output).directory
            if directoryOf[directory] != nil || problems[directory] != nil { continue }
            var info = stat()
            if withCString(directory, { stat($0, &info) }) != 0 {
                problems[directory] = .current("stat")
                continue
            }
            directoryOf[directory] = info.st_dev
            if devices[info.st_dev] == nil { devices[info.st_dev] = (directory, output) }
        }
        // Every one flushed before any input goes.
        var unsynced: [dev_t: SystemError] = [:]
        for (device, place) in devices.sorted(by: { $0.key < $1.key }) {
            var fd = withCString(place.directory) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if fd < 0 && errno == EACCES {
                // syncfs takes any descriptor but O_PATH's: the output's own
                // (bale's file; write-only when its input's mode is).
                fd = withCString(place.output) { open($0, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) }
                if fd < 0 && errno == EACCES {
                    fd = withCString(place.output) { open($0, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) }
                }
            }
            if fd < 0 || bale_syncfs(fd) != 0 { unsynced[device] = .current(fd < 0 ? "open" : "syncfs") }
            if fd >= 0 { FileIO.close(fd) }
        }
        for (directory, device) in directoryOf { if let error = unsynced[device] { problems[directory] = error } }
        return problems
    }

    /// Ends the job: discards an output left unfinished (after a failure),
    /// and removes the inputs still waiting, unless `holdsRemovals`.
    public func finish() {
        current?.discard()
        current = nil
        if !holdsRemovals { removeInputs() }
    }

    /// Keeps the inputs still waiting (with `holdsRemovals`: the manifest
    /// could not be written), their `-v` lines said as for inputs kept;
    /// returns how many there were.
    public func keepInputs() -> Int {
        let kept = pendingRemovals.count
        for (_, _, output, _, verbose) in pendingRemovals {
            guard let verbose else { continue }
            context.info(verbose.line(.created(name: TerminalText.name(output))))
        }
        pendingRemovals = []
        return kept
    }

    /// Reports `diagnostic` to the run and keeps the status it asks for.
    private func report(_ diagnostic: Diagnostic) {
        context.report(diagnostic)
        status = max(status, diagnostic.exitStatus)
    }
}
