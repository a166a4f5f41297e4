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
        if options.archive == "-" && isatty(0) != 0 {
            // As GNU tar and gzip -d: a terminal is not an archive (and
            // reading one would wait for typing that never comes).
            messages.error("stdin: refusing to read an archive from a terminal; give ARCHIVE, or pipe it in")
            return .failure
        }
        let fd = options.archive == "-" ? 0 : open(options.archive, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            messages.error(BaleError.cannotOpen(path: name, .current("open")).description)
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
            messages.error(BaleError.readFailed(path: name, error).description)
            return .failure
        }
        if head.count < 2 {
            messages.error("\(name): \(head.isEmpty ? "empty" : "1 byte"): not a gzip file or a tar archive")
            return .failure
        }
        let isGzip = head == [0x1f, 0x8b]
        let stream = StreamStart(head: seekable ? [] : head)

        let pool = options.engine.makePool()
        defer { pool.shutdown() }
        let pipeline = Pipeline(options: options.engine.pipeline, workers: pool)

        if options.verifyOnly { return verify(name: name, fd: fd, seekable: seekable, isGzip: isGzip, stream: stream, pipeline: pipeline) }

        if options.listOnly {
            let sink = TarStreamSink(archiveName: name, handler: TarLister { line in
                try? FileIO.write(1, Array((line + "\n").utf8))
            })
            return finish(sink: sink, name: name, fd: fd, seekable: seekable, isGzip: isGzip, stream: stream, pipeline: pipeline)
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
        var extractor = TarExtractor(root: root, rootPath: options.directory, samePermissions: options.samePermissions,
                                     restoreOwners: options.restoreOwners,
                                     writerThreads: options.engine.pipeline.ioThreads)
        if messages.verbose { extractor.onEntry = { entry in FileIO.report(entry.displayName) } }
        let sink = TarStreamSink(archiveName: name, handler: extractor)
        return finish(sink: sink, name: name, fd: fd, seekable: seekable, isGzip: isGzip, stream: stream, pipeline: pipeline)
    }

    private func finish<H: TarReader.Handler>(
        sink: TarStreamSink<H>, name: String, fd: Int32, seekable: Bool, isGzip: Bool, stream: StreamStart,
        pipeline: Pipeline
    ) -> ExitCode {
        let messages = options.messages
        var status = ExitCode.success
        do {
            if isGzip {
                let report = try stream.gunzip(input: fd, inputName: name, seekable: seekable,
                                               codec: options.engine.codec, pipeline: pipeline, sink: sink)
                if report.ending == .trailingGarbage {
                    messages.warning("\(name): decompression OK, trailing garbage ignored")
                    status = .warning
                }
            } else {
                try stream.feedHead(to: sink)
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
        Self.count(sink, archive: fd)
        return refused.isEmpty ? status : .failure
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
    static func count<H: TarReader.Handler>(_ sink: TarStreamSink<H>, archive fd: Int32) {
        let (entries, bytes) = sink.progress
        var info = stat()
        let size = fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Int64(info.st_size) : bytes
        RunSummary.shared.addFiles(entries)
        RunSummary.shared.addBytes(read: size, written: bytes)
    }

    /// `bale verify`: reads everything, writes nothing. A .tar.gz, .tgz or
    /// .tar is read as a tar (structure and, with a manifest, digests); any
    /// other file as gzip alone, as `gunzip -t` does. Standard input, which
    /// has no name, is read as a tar when it is one, plain or decompressed.
    private func verify(name: String, fd: Int32, seekable: Bool, isGzip: Bool, stream: StreamStart,
                        pipeline: Pipeline) -> ExitCode {
        let messages = options.messages
        // Standard input has no name to go by: what it decompresses to says
        // whether it is a tar (see `TarSniffer`), as a file's name would.
        let sniffing = isGzip && options.archive == "-"
        let isTar = [".tar.gz", ".tgz", ".tar", ".taz"].contains { name.hasSuffix($0) } || !isGzip || sniffing
        if !isTar {
            if options.manifest != nil {
                messages.error("\(name): --manifest needs a tar archive (.tar.gz, .tgz or .tar)")
                return .failure
            }
            do {
                let report = try stream.gunzip(input: fd, inputName: name, seekable: seekable, codec: options.engine.codec,
                                               pipeline: pipeline, sink: OutputTarget(file: nil, discards: true))
                if report.ending == .trailingGarbage {
                    messages.error("\(name): bytes that are not gzip follow the last member")
                    return .failure
                }
            } catch {
                messages.error(error.description)
                return .failure
            }
            try? FileIO.write(1, Array("\(name): OK\n".utf8))
            return .success
        }
        var expected: [SumCommand.Entry] = []
        if let manifest = options.manifest {
            switch SumCommand.parse(manifest) {
            case .success(let entries): expected = entries
            case .failure(let error):
                messages.error(error.description)
                return .failure
            }
        }
        let sink = TarStreamSink(archiveName: name, handler: TarVerifier())
        let sniffer = sniffing ? TarSniffer(tar: sink) : nil
        var membersWhole = false
        do throws(BaleError) {
            if isGzip {
                let report = try stream.gunzip(input: fd, inputName: name, seekable: seekable,
                                               codec: options.engine.codec, pipeline: pipeline,
                                               sink: sniffer ?? sink)
                if report.ending == .trailingGarbage {
                    membersWhole = true
                    throw BaleError.corrupt(path: name, offset: report.compressedBytes,
                                            reason: "bytes that are not gzip follow the last member")
                }
                if let sniffer, !sniffer.isTar {
                    // A .gz of something else, checked whole as gunzip -t checks it.
                    if options.manifest != nil {
                        messages.error("\(name): --manifest needs a tar archive (.tar.gz, .tgz or .tar)")
                        return .failure
                    }
                    try? FileIO.write(1, Array("\(name): OK\n".utf8))
                    return .success
                }
            } else {
                try stream.feedHead(to: sink)
                try sink.feedAll(from: fd, name: name)
            }
            try sink.finish(archiveName: name)
        } catch {
            // Damage in a member of bale's own archive: find the first damaged
            // member again, in order, and name the entries it touches.
            if isGzip, seekable, !membersWhole, error.isDamage,
               let report = DamageReport.locate(fd: fd, archiveName: name, codec: options.engine.codec) {
                for line in report.lines(archiveName: name) { messages.error(line) }
                return .failure
            }
            messages.error(error.description)
            if let last = sink.handler.lastEntry {
                messages.error("\(name): the damage is in or after \(last) (the last entry read whole or in part)")
            }
            return .failure
        }
        Self.count(sink, archive: fd)
        let verifier = sink.handler
        var failed = 0
        for entry in expected {
            let shown = String(decoding: entry.path, as: UTF8.self)
            switch verifier.digests[entry.path] {
            case nil:
                messages.error("\(shown): not in \(name)")
                failed += 1
            case let digest? where digest != entry.digest:
                messages.error("\(shown): FAILED (its content in \(name) differs from the manifest)")
                failed += 1
            default:
                break
            }
        }
        if failed > 0 {
            messages.error("\(name): \(failed) of \(expected.count) files in the manifest do not match")
            return .failure
        }
        let checked = options.manifest == nil ? ""
            : ", \(expected.count) \(expected.count == 1 ? "file matches" : "files match") the manifest"
        try? FileIO.write(1, Array("\(name): OK (\(verifier.entries) entries\(checked))\n".utf8))
        return .success
    }
}

/// The bytes of a stream that `UnpackCommand` read to tell gzip from tar,
/// put back in front of the rest for whichever reader takes the stream.
///
/// A plain tar gets them fed to its sink first. The gzip path reads its
/// input descriptor itself (bale's members are found by reading their
/// headers, see `MemberChunkCutter`), so it is given a pipe instead, which
/// yields these bytes and then the rest of the stream, copied by a thread
/// of its own (`StreamRelay`). The copy costs one memcpy of the compressed
/// bytes, small beside inflating them, and keeps the gzip readers as they
/// are: they take any descriptor. A file (`head` empty) is read directly.
struct StreamStart {
    /// The bytes already read from the stream; empty for a file.
    var head: [UInt8]

    /// Feeds `head` to a plain tar's sink.
    func feedHead<H: TarReader.Handler>(to sink: TarStreamSink<H>) throws(BaleError) {
        guard !head.isEmpty else { return }
        try typedThrows(BaleError.self) { try head.withUnsafeBytes { try sink.write($0) } }
    }

    /// `GunzipJob.run` on the whole input: `head`, then the rest of `input`.
    func gunzip(
        input: Int32, inputName: String, seekable: Bool, codec: Codec, pipeline: Pipeline, sink: any OutputSink
    ) throws(BaleError) -> GunzipJob.Report {
        guard !head.isEmpty else {
            return try GunzipJob.run(input: input, inputName: inputName, seekable: seekable, codec: codec,
                                     pipeline: pipeline, sink: sink)
        }
        let relay: StreamRelay
        do { relay = try StreamRelay(head: head, rest: input) } catch { throw .readFailed(path: inputName, error) }
        do throws(BaleError) {
            let report = try GunzipJob.run(input: relay.readEnd, inputName: inputName, seekable: false, codec: codec,
                                           pipeline: pipeline, sink: sink)
            relay.end()
            if let failure = relay.failure { throw BaleError.readFailed(path: inputName, failure) }
            return report
        } catch {
            relay.end()
            // A read error on the stream shows to the decoder as an early end:
            // the read error is the cause to name.
            if let failure = relay.failure { throw .readFailed(path: inputName, failure) }
            throw error
        }
    }
}

/// A pipe that yields `head`, then everything read from `rest` until its
/// end, copied by a thread of its own (see `StreamStart`).
final class StreamRelay: @unchecked Sendable {
    /// What the copying thread leaves: a read error, and whether it ended.
    private final class Outcome: @unchecked Sendable {
        let monitor = Monitor()
        var error: SystemError?
        var finished = false
    }

    private let pipe: Pipe
    private let outcome = Outcome()
    private var thread: JoinableThread?
    private var ended = false

    /// The descriptor to read the whole stream from.
    var readEnd: Int32 { pipe.readEnd }

    /// A read error met on `rest`, if any (the pipe then ends early).
    var failure: SystemError? { outcome.monitor.withLock { outcome.error } }

    init(head: [UInt8], rest input: Int32) throws(SystemError) {
        // The copy reads its own descriptor of the stream (close-on-exec, so
        // no worker inherits it), closed when it ends: the caller may close
        // its own while a copy that was not waited for (see `end`) is still
        // blocked in read, and that number must not be read once reused.
        let rest = fcntl(input, F_DUPFD_CLOEXEC, 0)
        if rest < 0 { throw SystemError.current("dup") }
        do { pipe = try Pipe() } catch {
            FileIO.close(rest)
            throw error
        }
        // A few bytes always fit in an empty pipe: written here, before the copy starts.
        do { try FileIO.write(pipe.writeEnd, head) } catch {
            FileIO.close(pipe.readEnd)
            FileIO.close(pipe.writeEnd)
            FileIO.close(rest)
            throw error
        }
        let (pipe, outcome) = (pipe, outcome)
        thread = JoinableThread(name: "bale-relay") {
            let size = 1 << 20
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let count = Glibc.read(rest, buffer, size)
                if count < 0 && errno == EINTR { continue }
                if count < 0 {
                    let error = SystemError.current("read")
                    outcome.monitor.withLock { outcome.error = error }
                    break
                }
                if count == 0 { break }
                // EPIPE: the reader stopped early (and reports why itself).
                do { try FileIO.write(pipe.writeEnd, from: buffer, count: count) } catch { break }
            }
            // The error is recorded before the reader can see the end.
            FileIO.close(pipe.writeEnd)
            FileIO.close(rest)
            outcome.monitor.withLock { outcome.finished = true }
        }
    }

    /// Closes the reading end (a copy still running then stops at its next
    /// write) and joins the copy if it has ended. One still blocked in a
    /// read of a stream that has not ended (a terminal) is left to end
    /// with the process rather than waited for.
    func end() {
        guard !ended else { return }
        ended = true
        FileIO.close(pipe.readEnd)
        if outcome.monitor.withLock({ outcome.finished }) { thread?.join() }
    }
}

/// Tells, for `bale verify -`, whether a decompressed stream is a tar: the
/// first 512 bytes are held back until they can be judged as a tar header
/// (its checksum, over unsigned or signed bytes, as readers accept it);
/// a tar goes on to the tar sink whole, anything else is only decompressed
/// (its members' CRCs and sizes checked), as `gunzip -t` would.
final class TarSniffer<H: TarReader.Handler>: OutputSink, @unchecked Sendable {
    private let tar: TarStreamSink<H>
    private let monitor = Monitor()
    private var held: [UInt8] = []
    private var decided: Bool?

    init(tar: TarStreamSink<H>) { self.tar = tar }

    /// True when the stream began with a tar header (known once 512 bytes
    /// were written, or at the end).
    var isTar: Bool { monitor.withLock { decided ?? false } }

    func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        let forward: [UInt8]? = monitor.withLock {
            switch decided {
            case true?: return nil
            case false?: return []
            case nil:
                held += bytes
                guard held.count >= 512 else { return [] }
                decided = Self.looksLikeTarHeader(held[0..<512])
                defer { held = [] }
                return decided! ? held : []
            }
        }
        if let forward {
            if !forward.isEmpty { try typedThrows(BaleError.self) { try forward.withUnsafeBytes { try tar.write($0) } } }
        } else {
            try tar.write(bytes)
        }
    }

    /// A ustar, GNU or v7 header: a name, and the checksum its field records.
    static func looksLikeTarHeader(_ block: ArraySlice<UInt8>) -> Bool {
        let header = Array(block)
        guard header[0] != 0 else { return false }
        let field = header[148..<156].drop(while: { $0 == 0x20 }).prefix(while: { $0 != 0 && $0 != 0x20 })
        guard !field.isEmpty, field.allSatisfy({ (0x30...0x37).contains($0) }),
              let recorded = Int(String(decoding: field, as: UTF8.self), radix: 8) else { return false }
        var unsigned = 0, signed = 0
        for (index, byte) in header.enumerated() {
            let value = (148..<156).contains(index) ? 0x20 : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        return recorded == unsigned || recorded == signed
    }
}
