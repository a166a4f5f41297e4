#if canImport(Glibc)
import Glibc
#endif

/// `bale unpack ARCHIVE [-C DIR]` and `bale list ARCHIVE`: read a .tar.gz,
/// .tgz or plain .tar from any tool; bale's own archives are decompressed
/// in parallel on the workers, and the tar stream is extracted (safely,
/// see `TarExtractor`) or listed as it comes out of the collector.
public struct UnpackCommand {
    public struct Options: Sendable {
        /// The archive; "-" for standard input.
        public var archive = "-"
        /// Where to extract (`-C`), the current directory by default.
        public var directory = "."
        /// List instead of extracting.
        public var listOnly = false
        /// Check instead of extracting (`bale verify`): every member's CRC
        /// and size, the tar structure, and with `manifest` every file's digest.
        public var verifyOnly = false
        /// With `verifyOnly`: a manifest in sha256sum's format to check against.
        public var manifest: String?
        /// What extraction does with names, files already there, modes,
        /// owners and times (GNU tar's options); `list` takes its exclusions.
        public var policy = ExtractionPolicy()
        /// Where the run reports its diagnostics and figures.
        public var context = RunContext()
        public var engine = EngineSettings()
        public init() {}
    }

    public var options: Options
    public init(options: Options) { self.options = options }

    public func run() -> ExitCode {
        let context = options.context
        let name = options.archive == "-" ? "stdin" : options.archive
        if options.archive == "-" && isatty(0) != 0 {
            // As GNU tar and gzip -d: a terminal is not an archive (and
            // reading one would wait for typing that never comes).
            context.report(.error(path: "stdin", "refusing to read an archive from a terminal; give ARCHIVE, or pipe it in"))
            return .failure
        }
        let fd = options.archive == "-" ? 0 : open(options.archive, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            context.fail(BaleError.cannotOpen(path: name, .current("open")))
            return .failure
        }
        defer { if fd != 0 { FileIO.close(fd) } }
        var info = stat()
        let seekable = fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG

        // gzip or a plain tar? The first two bytes say: read with pread from
        // a file; read from a stream (a pipe, a socket), and then handed on
        // in front of the rest (`head`), so that a pipe works as a file does.
        let head: [UInt8]
        do throws(SystemError) {
            head = try Self.firstBytes(fd, seekable: seekable)
        } catch {
            context.fail(BaleError.readFailed(path: name, error))
            return .failure
        }
        if head.count < 2 {
            context.report(.error(path: name, "\(head.isEmpty ? "empty" : "1 byte"): not a gzip file or a tar archive"))
            return .failure
        }
        let isGzip = head == [0x1f, 0x8b]
        let stream = StreamStart(head: seekable ? [] : head)

        return CommandRunner(context: context, engine: options.engine).withPipeline { pipeline in
            read(name: name, fd: fd, seekable: seekable, isGzip: isGzip, stream: stream, pipeline: pipeline)
        }
    }

    /// Lists, verifies or extracts the archive open at `fd`, whose first
    /// bytes are in `stream`.
    private func read(name: String, fd: Int32, seekable: Bool, isGzip: Bool, stream: StreamStart,
                      pipeline: Pipeline) -> ExitCode {
        let context = options.context
        if options.verifyOnly { return verify(name: name, fd: fd, seekable: seekable, isGzip: isGzip, stream: stream, pipeline: pipeline) }

        if options.listOnly {
            // bale's own archive, in a file: from its index when it has a
            // usable one; else (with a warning when it is damaged) from the stream.
            var status = ExitCode.success
            if seekable && isGzip {
                let indexed = IndexedListing(fd: fd, name: name, exclusions: options.policy.exclusions,
                                             codec: options.engine.codec, context: context)
                switch indexed.list() {
                case .listed(let status): return status
                case .useStream(let warning?):
                    context.report(warning)
                    status = .warning
                case .useStream(nil): break
                }
            }
            // The lines go out in large writes; what is listed before an
            // error is still printed (as tar -tv does), then the error.
            let listing = StandardOutput.Buffer()
            let sink = TarStreamSink(archiveName: name, handler: TarLister(exclusions: options.policy.exclusions) {
                (line: String) throws(BaleError) in try listing.append(line + "\n")
            })
            return max(status, finish(sink: sink, name: name, fd: fd, seekable: seekable, isGzip: isGzip, stream: stream,
                                      pipeline: pipeline, output: listing))
        }

        if options.directory != ".", mkdir(options.directory, 0o755) != 0, errno != EEXIST {
            context.fail(BaleError.cannotOpen(path: options.directory, .current("mkdir")))
            return .failure
        }
        let root = open(options.directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if root < 0 {
            context.fail(BaleError.cannotOpen(path: options.directory, .current("open")))
            return .failure
        }
        defer { FileIO.close(root) }
        var extractor = TarExtractor(root: root, rootPath: options.directory, policy: options.policy,
                                     writerThreads: options.engine.pipeline.ioThreads)
        // -v names each entry on standard output, as tar -xv does. A
        // failed write there does not stop the extraction (the work the
        // command is for); it is reported at the end (exit 1, or 141
        // quietly for a reader that went away).
        let names = context.verbose ? StandardOutput.Buffer() : nil
        if let names { extractor.onEntry = { entry in names.appendOrRemember(TerminalText.escaped(entry.name) + "\n") } }
        let sink = TarStreamSink(archiveName: name, handler: extractor)
        return finish(sink: sink, name: name, fd: fd, seekable: seekable, isGzip: isGzip, stream: stream,
                      pipeline: pipeline, output: names)
    }

    private func finish<H: TarReader.Handler>(
        sink: TarStreamSink<H>, name: String, fd: Int32, seekable: Bool, isGzip: Bool, stream: StreamStart,
        pipeline: Pipeline, output: StandardOutput.Buffer? = nil
    ) -> ExitCode {
        let context = options.context
        var status = ExitCode.success
        do {
            if isGzip {
                let report = try stream.gunzip(input: fd, inputName: name, seekable: seekable,
                                               codec: options.engine.codec, pipeline: pipeline, sink: sink)
                if report.ending == .trailingGarbage {
                    context.report(.warning(path: name, GzipStreamDecoder.trailingGarbageWarning))
                    status = .warning
                }
            } else {
                try stream.feedHead(to: sink)
                try sink.feedAll(from: fd, name: name)
            }
            try sink.finish(archiveName: name)
        } catch {
            _ = sink.finishHandler()
            // What was listed before the error is printed, then the error
            // (which a closed or full standard output does not hide).
            do throws(BaleError) { try output?.flush() } catch let failure {
                context.fail(failure)
            }
            context.fail(error)
            return error.exitStatus
        }
        // Each problem counts with its own exit status: an entry not
        // extracted 1, a file kept by -k 2, a newer one kept by
        // --keep-newer-files 0 (as GNU tar).
        let refused = sink.finishHandler()
        let warnings = sink.warnings
        for problem in refused + warnings {
            context.report(problem)
            status = max(status, problem.exitStatus)
        }
        Self.count(sink, archive: fd, into: context.summary)
        do throws(BaleError) { try output?.flush() } catch {
            context.fail(error)
            return error.exitStatus
        }
        return status
    }

    /// The first two bytes of the input (fewer if it is shorter): read in
    /// place from a file, consumed from a stream.
    private static func firstBytes(_ fd: Int32, seekable: Bool) throws(SystemError) -> [UInt8] {
        var bytes: [UInt8] = [0, 0]
        let count = try typedThrows(SystemError.self) {
            try bytes.withUnsafeMutableBytes { (raw) throws(SystemError) in
                seekable ? try FileIO.read(fd, into: raw.baseAddress!, count: 2, at: 0)
                    : try FileIO.read(fd, into: raw.baseAddress!, count: 2)
            }
        }
        return Array(bytes.prefix(count))
    }

    /// Adds an archive's entries and bytes to the run's summary: the
    /// archive's size read, the tar stream's bytes written (or listed).
    static func count<H: TarReader.Handler>(_ sink: TarStreamSink<H>, archive fd: Int32, into summary: RunSummary) {
        let (entries, bytes) = sink.progress
        var info = stat()
        let size = fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Int64(info.st_size) : bytes
        summary.addFiles(entries)
        summary.addBytes(read: size, written: bytes)
    }

    /// `bale verify`: reads everything, writes nothing. A .tar.gz, .tgz or
    /// .tar is read as a tar (structure and, with a manifest, digests); any
    /// other file as gzip alone, as `gunzip -t` does. Standard input, which
    /// has no name, is read as a tar when it is one, plain or decompressed.
    private func verify(name: String, fd: Int32, seekable: Bool, isGzip: Bool, stream: StreamStart,
                        pipeline: Pipeline) -> ExitCode {
        let context = options.context
        // Standard input has no name to go by: what it decompresses to says
        // whether it is a tar (see `TarSniffer`), as a file's name would.
        let sniffing = isGzip && options.archive == "-"
        let isTar = [".tar.gz", ".tgz", ".tar", ".taz"].contains { name.hasSuffix($0) } || !isGzip || sniffing
        if !isTar {
            if options.manifest != nil {
                context.report(.error(path: name, "--manifest needs a tar archive (.tar.gz, .tgz or .tar)"))
                return .failure
            }
            do {
                let report = try stream.gunzip(input: fd, inputName: name, seekable: seekable, codec: options.engine.codec,
                                               pipeline: pipeline, sink: OutputTarget(file: nil, discards: true))
                // As gunzip -t (and gzip -t) judge it: a warning, never a plain "OK".
                if report.ending == .trailingGarbage { return Self.garbageVerdict(name, context: context) }
            } catch {
                context.fail(error)
                return .failure
            }
            return Self.say("\(TerminalText.escaped(name)): OK\n", context: context)
        }
        var expected: [Manifest.Listed] = []
        if let manifest = options.manifest {
            switch ManifestFile.parseStrictly(manifest) {
            case .success(let entries): expected = entries
            case .failure(let error):
                context.fail(error)
                return .failure
            }
        }
        // bale's own archive in a file: its index is checked against the
        // stream, entry by entry; a damaged index fails the verification
        // (the stream is still checked, to say whether the data is whole).
        var index: ArchiveIndex?
        var indexProblem: String?
        if seekable && isGzip {
            switch ArchiveIndexReader.lookUp(fd: fd, path: name) {
            case .found(let found): index = found
            case .unusable(let reason): indexProblem = "the archive's index is damaged: \(reason)"
            case .absent: break
            }
        }
        let sink = TarStreamSink(archiveName: name, handler: TarVerifier(digests: options.manifest != nil, index: index))
        let sniffer = sniffing ? TarSniffer(tar: sink) : nil
        // Bytes that are not gzip after the last member: a warning, as
        // gunzip -t and gzip -t give (the members before them were whole).
        var trailingGarbage = false
        do throws(BaleError) {
            if isGzip {
                let report = try stream.gunzip(input: fd, inputName: name, seekable: seekable,
                                               codec: options.engine.codec, pipeline: pipeline,
                                               sink: sniffer ?? sink)
                trailingGarbage = report.ending == .trailingGarbage
                if let sniffer, !sniffer.isTar {
                    // A .gz of something else, checked whole as gunzip -t checks it.
                    if options.manifest != nil {
                        context.report(.error(path: name, "--manifest needs a tar archive (.tar.gz, .tgz or .tar)"))
                        return .failure
                    }
                    if trailingGarbage { return Self.garbageVerdict(name, context: context) }
                    return Self.say("\(TerminalText.escaped(name)): OK\n", context: context)
                }
            } else {
                try stream.feedHead(to: sink)
                try sink.feedAll(from: fd, name: name)
            }
            try sink.finish(archiveName: name)
        } catch {
            // Damage in a member of bale's own archive: find the first damaged
            // member again, in order, and name the entries it touches.
            if isGzip, seekable, error.isDamage,
               let report = DamageReport.locate(fd: fd, archiveName: name, codec: options.engine.codec) {
                // A file cut short says so first, in the words every command uses.
                if error.isTruncation { context.fail(error) }
                for line in report.lines(archiveName: name) { context.report(line) }
                return .failure
            }
            if let indexProblem { context.report(.error(path: name, indexProblem)) }
            context.fail(error)
            if let last = sink.handler.lastEntry {
                context.report(.error(path: name, "the damage is in or after \(last) (the last entry read whole or in part)"))
            }
            return .failure
        }
        Self.count(sink, archive: fd, into: context.summary)
        let warnings = sink.warnings + (trailingGarbage ? [.warning(path: name, GzipStreamDecoder.trailingGarbageWarning)] : [])
        for warning in warnings { context.report(warning) }
        let verifier = sink.handler
        if let problem = indexProblem ?? verifier.indexVerdict.map({ "the archive's index disagrees with its tar stream: \($0)" }) {
            context.report(.error(path: name, problem))
            return .failure
        }
        var failed = 0
        for entry in expected {
            let shown = String(decoding: entry.path, as: UTF8.self)
            switch verifier.digests[entry.path] {
            case nil:
                context.report(.error(path: shown, "not in \(name)"))
                failed += 1
            case let digest? where digest != entry.digest:
                context.report(.error(path: shown, "FAILED (its content in \(name) differs from the manifest)"))
                failed += 1
            default:
                break
            }
        }
        if failed > 0 {
            context.report(.error(path: name, "\(failed) of \(expected.count) files in the manifest do not match"))
            return .failure
        }
        let checked = options.manifest == nil ? ""
            : ", \(expected.count) \(expected.count == 1 ? "file matches" : "files match") the manifest"
        // Never a plain "OK" over a warning (a stream that may be cut short).
        let verdict = warnings.isEmpty ? "OK" : "read with warnings"
        let said = Self.say("\(TerminalText.escaped(name)): \(verdict) (\(verifier.entries) entries\(checked))\n",
                            context: context)
        return said != .success ? said : (warnings.isEmpty ? .success : .warning)
    }

    /// The verdict on a gzip whose members are whole and followed by bytes
    /// that are not gzip: gunzip -t's warning, exit 2.
    private static func garbageVerdict(_ name: String, context: RunContext) -> ExitCode {
        context.report(.warning(path: name, GzipStreamDecoder.trailingGarbageWarning))
        let said = say("\(TerminalText.escaped(name)): read with warnings\n", context: context)
        return said != .success ? said : .warning
    }

    /// Prints `verify`'s verdict on standard output: success, unless it
    /// cannot be printed (exit 1 with a message; 141, quietly, for a
    /// reader that went away). A verdict nobody saw is no "OK".
    private static func say(_ line: String, context: RunContext) -> ExitCode {
        do throws(BaleError) { try StandardOutput.write(line) } catch {
            context.fail(error)
            return error.exitStatus
        }
        return .success
    }
}
