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
        /// Keep setuid/setgid bits.
        public var samePermissions = false
        /// Give entries their owners (by default when run as root, as GNU tar).
        public var restoreOwners = geteuid() == 0
        public var messages = Messages()
        public var engine = EngineSettings()
        public init() {}
    }

    public var options: Options
    public init(options: Options) { self.options = options }

    public func run() -> ExitCode {
        let messages = options.messages
        let name = options.archive == "-" ? "stdin" : options.archive
        let fd = options.archive == "-" ? 0 : open(options.archive, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            messages.error(BaleError.cannotOpen(path: name, .current("open")).description)
            return .failure
        }
        defer { if fd != 0 { FileIO.close(fd) } }
        var info = stat()
        let seekable = fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG

        // gzip or a plain tar? (Only a file can be looked at before reading.)
        var magic: [UInt8] = [0, 0]
        let isGzip = !seekable || (pread(fd, &magic, 2, 0) == 2 && magic == [0x1f, 0x8b])
            || info.st_size < 2

        let pool = options.engine.makePool()
        defer { pool.shutdown() }
        let pipeline = Pipeline(options: options.engine.pipeline, workers: pool)

        if options.listOnly {
            let sink = TarStreamSink(archiveName: name, handler: TarLister { line in
                try? FileIO.write(1, Array((line + "\n").utf8))
            })
            return finish(sink: sink, name: name, fd: fd, seekable: seekable, isGzip: isGzip, pipeline: pipeline)
        }

        if options.directory != ".", mkdir(options.directory, 0o755) != 0, errno != EEXIST {
            messages.error(BaleError.cannotOpen(path: options.directory, .current("mkdir")).description)
            return .failure
        }
        let root = open(options.directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if root < 0 {
            messages.error(BaleError.cannotOpen(path: options.directory, .current("open")).description)
            return .failure
        }
        defer { FileIO.close(root) }
        var extractor = TarExtractor(root: root, samePermissions: options.samePermissions,
                                     restoreOwners: options.restoreOwners,
                                     writerThreads: options.engine.pipeline.ioThreads)
        if messages.verbose { extractor.onEntry = { entry in FileIO.report(entry.displayName) } }
        let sink = TarStreamSink(archiveName: name, handler: extractor)
        return finish(sink: sink, name: name, fd: fd, seekable: seekable, isGzip: isGzip, pipeline: pipeline)
    }

    private func finish<H: TarReader.Handler>(
        sink: TarStreamSink<H>, name: String, fd: Int32, seekable: Bool, isGzip: Bool,
        pipeline: Pipeline
    ) -> ExitCode {
        let messages = options.messages
        var status = ExitCode.success
        do {
            if isGzip {
                let report = try GunzipJob.run(input: fd, inputName: name, seekable: seekable,
                                               codec: options.engine.codec, pipeline: pipeline, sink: sink)
                if report.ending == .trailingGarbage {
                    messages.warning("\(name): decompression OK, trailing garbage ignored")
                    status = .warning
                }
            } else {
                try sink.feedAll(from: fd, name: name)
            }
            try sink.finish(archiveName: name)
        } catch {
            _ = sink.finishHandler()
            if case .brokenPipe = error { return .brokenPipe }
            messages.error(error.description)
            return .failure
        }
        let refused = sink.finishHandler()
        for warning in refused { messages.error(warning) }
        return refused.isEmpty ? status : .failure
    }
}
