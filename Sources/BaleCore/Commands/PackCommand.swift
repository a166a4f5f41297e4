#if canImport(Glibc)
import Glibc
#endif

/// `bale pack PATH... [-o OUT]`: a gzip-compressed POSIX tar of files and
/// trees, compressed on the worker processes.
///
/// The entries are listed (`TreeWalker`, on a thread of its own) in a
/// fixed order; the tar stream is made from them in that order
/// (`TarChunkCutter`), starting as soon as the first are found
/// (`EntryFeed`), and compressed by the same pipeline as `bale gzip`, so
/// the archive is the same bytes for any -p and --io-threads. The output
/// is written to a temporary file and renamed into place only when
/// complete.
public struct PackCommand {
    public struct Options: Sendable {
        public var paths: [String] = []
        /// The archive; nil for NAME.tar.gz beside the first path; "-" for stdout.
        public var outputPath: String?
        /// Change to this directory before reading the paths (`-C`).
        public var directory: String?
        public var walker = TreeWalker.Options()
        /// Read more paths from this file (`--files-from`, "-" for stdin).
        public var filesFrom: String?
        /// Names in `filesFrom` end with NUL, not newline (`--null`).
        public var nullSeparated = false
        /// Reproducible archives: every entry's time, owner and group.
        public var mtime: Int64?
        public var owner: (name: [UInt8], id: UInt32)?
        public var group: (name: [UInt8], id: UInt32)?
        /// Store ids only, no user or group names (`--numeric-owner`).
        public var numericOwner = false
        public var level: Int32 = 6
        /// Also write the SHA-256 of every file, as sha256sum does ("-": stdout).
        public var manifestPath: String?
        /// Store files with holes as sparse files (GNU tar's pax format 1.0, as `tar -S`).
        public var sparse = false
        public var force = false
        /// Where the run reports its diagnostics and figures.
        public var context = RunContext()
        public var engine = EngineSettings()
        public init() {}
    }

    public var options: Options
    public init(options: Options) { self.options = options }

    public func run() -> ExitCode {
        let context = options.context
        let paths: [[UInt8]]
        switch DirectoryListing.paths(options.paths, listedIn: options.filesFrom, nullSeparated: options.nullSeparated) {
        case .success(let found): paths = found
        case .failure(let error):
            context.fail(error)
            return .failure
        }
        guard !paths.isEmpty else {
            context.report(.error(path: nil, "pack: give at least one path"))
            return .failure
        }
        // The archive's name is relative to where bale was started, not to -C
        // (without -C it is kept as given, so messages name it as the user did).
        var outputPath = options.outputPath.map { $0 == "-" || options.directory == nil ? $0 : absolute($0) }
        if let directory = options.directory, chdir(directory) != 0 {
            context.fail(BaleError.cannotOpen(path: directory, .current("chdir")))
            return .failure
        }
        if !Self.allExist(paths, dereference: options.walker.dereference, context: context) { return .failure }
        if outputPath == nil {
            let name = defaultOutputName(String(decoding: paths[0], as: UTF8.self))
            var existing = stat()
            if !options.force && lstat(name, &existing) == 0 {
                // A warning in wording, but the run fails: nothing was written.
                context.report(.warning(path: name, "already exists; not overwritten (use -f or -o)", wording: .sentence,
                                        exitStatus: .failure))
                return .failure
            }
            outputPath = name
        }
        if outputPath == "-" && !options.force && isatty(1) != 0 {
            context.report(.error(path: nil, "compressed data not written to a terminal. Use -f to force."))
            return .failure
        }

        let output: AtomicOutputFile?
        if let outputPath, outputPath != "-" {
            do { output = try AtomicOutputFile(path: outputPath) } catch {
                context.fail(error)
                return .failure
            }
        } else {
            output = nil
        }

        // The walk runs on a thread of its own while the stream is made from
        // the entries it has found so far (see EntryFeed).
        var walkerOptions = options.walker
        if let output {
            // The archive's temporary file may lie inside the tree: never store it.
            var info = stat()
            if fstat(output.fd, &info) == 0 {
                walkerOptions.skippedFile = .init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
            }
        }
        let feed = EntryFeed()
        let walk = WalkOutcome()
        let walkThread = JoinableThread(name: "bale-walk") { [options, context, walkerOptions] in
            var walker = TreeWalker(options: walkerOptions)
            walker.walk(bytePaths: paths) { batch in
                let entries = batch.map { Self.restamp($0, options: options) }
                for entry in entries { context.info(name: entry.name) }
                context.summary.expect(bytes: entries.reduce(0) { $0 + $1.size },
                                            files: entries.count { $0.kind == .file })
                return feed.append(entries)
            }
            feed.finish()
            walk.warnings = walker.notices + walker.warnings
            walk.hadErrors = walker.hadErrors
        }
        /// Waits for the walk and reports its warnings (once).
        func endWalk() {
            walkThread.join()
            for warning in walk.warnings { context.report(warning) }
            walk.warnings = []
        }

        // The stream is assembled in order by one thread; the read-ahead
        // threads are the cutter's own.
        var engine = options.engine
        engine.pipeline.ioThreads = 1
        return CommandRunner(context: context, engine: engine).withPipeline { pipeline in
            let cutter = TarChunkCutter(feed: feed, chunkSize: options.engine.pipeline.chunkSize,
                                        readerThreads: options.engine.pipeline.ioThreads,
                                        makesDigests: options.manifestPath != nil, sparse: options.sparse)
            defer {
                cutter.stop()
                endWalk()
            }
            let manifest = options.manifestPath.map { path in
                ManifestWriter(path: path, entries: { cutter.digestsWhenRead() })
            }
            // The members, then the end member that proves the archive whole.
            let sink = EndMemberSink(OutputTarget(file: output, discards: false))
            do throws(BaleError) {
                let report = try pipeline.run(cutter: cutter, kind: engine.compression(level: options.level),
                                              inputName: outputPath ?? "archive", sink: sink)
                let endLength = try sink.writeEndMember()
                try output?.commit(attributes: nil, sync: false)
                context.summary.addFiles(feed.all.count { $0.kind == .file })
                context.summary.addBytes(read: report.bytesIn, written: report.bytesOut + Int64(endLength))
            } catch {
                output?.discard()
                cutter.stop()
                manifest?.discard()
                endWalk()
                if case .brokenPipe = error { return .brokenPipe }
                context.fail(error)
                return .failure
            }
            endWalk()
            for warning in cutter.warnings { context.report(warning) }
            // Trouble inside the trees (see `allExist`): the archive holds all
            // the rest, and is whole, so the status is a warning, as GNU tar's 2.
            var status: ExitCode = walk.hadErrors || !cutter.warnings.isEmpty ? .warning : .success
            if let manifest {
                do throws(BaleError) { try manifest.commit() } catch {
                    context.fail(error, writing: "the manifest")
                    status = max(status, error.exitStatus)
                }
            }
            return status
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
    private static func allExist(_ paths: [[UInt8]], dereference: Bool, context: RunContext) -> Bool {
        var missing = 0
        for path in paths {
            var info = stat()
            if withCString(path, { dereference ? stat($0, &info) : lstat($0, &info) }) != 0 {
                context.report(.error(path: String(decoding: path, as: UTF8.self), "Cannot stat: \(SystemError.current("stat").reason)"))
                missing += 1
            }
        }
        if missing > 0 {
            context.report(.error(path: nil, "no archive written: \(missing) of the \(paths.count) paths given cannot be read"))
        }
        return missing == 0
    }

    /// Applies --mtime, --owner, --group and --numeric-owner to an entry.
    private static func restamp(_ entry: TarEntry, options: Options) -> TarEntry {
        var entry = entry
        if let mtime = options.mtime {
            entry.modificationSeconds = mtime
            entry.modificationNanoseconds = 0
        }
        if let owner = options.owner { (entry.userName, entry.userID) = owner }
        if let group = options.group { (entry.groupName, entry.groupID) = group }
        if options.numericOwner {
            entry.userName = []
            entry.groupName = []
        }
        return entry
    }

    /// The names listed in `path`, one a line or NUL-separated.
    /// NAME.tar.gz beside the first path (NAME its last component).
    private func defaultOutputName(_ first: String) -> String {
        var path = first
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        // A path ending in "." or ".." names no directory of its own (and
        // NAME/...tar.gz would be an odd name): the archive is archive.tar.gz.
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        if path == "/" || path.isEmpty || last == "." || last == ".." { return "archive.tar.gz" }
        return path + ".tar.gz"
    }

    private func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/" + path
    }
}

/// What the walk thread leaves for the command: its warnings and whether
/// any was an error. Written by that thread before it ends, read after
/// it is joined.
private final class WalkOutcome: @unchecked Sendable {
    var warnings: [Diagnostic] = []
    var hadErrors = false
}
