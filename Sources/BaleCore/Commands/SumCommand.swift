#if canImport(Glibc)
import Glibc
#endif

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
public struct SumCommand: Sendable {
    public struct Options: Sendable {
        public var paths: [String] = []
        /// Check the digests listed in this file instead (`-c`).
        public var check: String?
        /// With `check`: print only the failures.
        public var quiet = false
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
        var status = ExitCode.success
        var files: [(path: [UInt8], expected: [UInt8]?)] = []
        var sizes: [Int64] = []
        if let manifest = options.check {
            switch Self.parse(manifest) {
            case .success(let entries):
                for entry in entries {
                    files.append((entry.path, entry.digest))
                    var info = stat()
                    sizes.append(withCString(entry.path, { stat($0, &info) }) == 0 ? Int64(info.st_size) : 0)
                }
            case .failure(let error):
                messages.error(error.description)
                return .failure
            }
        } else {
            guard !options.paths.isEmpty else {
                messages.error("sum: give at least one file or directory")
                return .failure
            }
            for path in options.paths {
                status = max(status, list(Array(path.utf8), top: true, into: &files, sizes: &sizes))
            }
        }
        guard !files.isEmpty else { return status }

        // Batches: consecutive small files together, a large file alone.
        var batches: [Range<Int>] = []
        var start = 0, size: Int64 = 0
        for index in files.indices {
            if index > start && (index - start >= Self.batchFiles || size + sizes[index] > Self.batchBytes) {
                batches.append(start..<index)
                start = index
                size = 0
            }
            size += sizes[index]
        }
        batches.append(start..<files.count)

        let pool = options.engine.makePool()
        defer { _ = pool.shutdown() }
        let pipeline = Pipeline(options: options.engine.pipeline, workers: pool)
        let cutter = PathBatchCutter(batches: batches.map { range in files[range].map(\.path) })
        let sink = DigestPrinter(files: files, batches: batches, quiet: options.quiet, messages: messages)
        do {
            _ = try pipeline.run(cutter: cutter, kind: .digest, inputName: options.check ?? "files", sink: sink)
        } catch {
            messages.error(error.description)
            return .failure
        }
        if options.check != nil && sink.mismatches > 0 {
            messages.error("WARNING: \(sink.mismatches) computed checksum\(sink.mismatches == 1 ? "" : "s") did NOT match")
        }
        return max(status, sink.status)
    }

    /// Lists `path`: a file, or every regular file below a directory.
    private func list(
        _ path: [UInt8], top: Bool, into files: inout [(path: [UInt8], expected: [UInt8]?)], sizes: inout [Int64]
    ) -> ExitCode {
        var info = stat()
        let shown = String(decoding: path, as: UTF8.self)
        if withCString(path, { top ? stat($0, &info) : lstat($0, &info) }) != 0 {
            options.messages.error(BaleError.cannotOpen(path: shown, .current("stat")).description)
            return .failure
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            files.append((path, nil))
            sizes.append(Int64(info.st_size))
            return .success
        case S_IFDIR:
            guard case .success(let names) = DirectoryListing.names(path) else {
                options.messages.error("\(shown): cannot read the directory: \(SystemError.current("opendir").reason)")
                return .failure
            }
            let base = path.last == UInt8(ascii: "/") ? path : path + [UInt8(ascii: "/")]
            var status = ExitCode.success
            for name in names { status = max(status, list(base + name, top: false, into: &files, sizes: &sizes)) }
            return status
        default:
            return .success  // links, devices and the like inside a tree: not files to hash
        }
    }

    /// One line of a manifest.
    struct Entry { var digest: [UInt8]; var path: [UInt8] }

    /// Reads a manifest in `sha256sum`'s format: `HEX  NAME` (or `HEX *NAME`),
    /// a leading backslash meaning NAME is escaped (`\\`, `\n`).
    static func parse(_ manifest: String) -> Result<[Entry], BaleError> {
        switch DirectoryListing.names(listedIn: manifest, nullSeparated: false) {
        case .failure(let error): return .failure(error)
        case .success(let lines):
            var entries: [Entry] = []
            for (number, line) in lines.enumerated() {
                var text = line[...]
                let escaped = text.first == UInt8(ascii: "\\")
                if escaped { text = text.dropFirst() }
                guard text.count > 66, let digest = Self.bytes(hex: Array(text.prefix(64))),
                      text[text.startIndex + 64] == UInt8(ascii: " "),
                      [UInt8(ascii: " "), UInt8(ascii: "*")].contains(text[text.startIndex + 65]) else {
                    return .failure(.corrupt(path: manifest, offset: nil,
                                             reason: "line \(number + 1) is not a SHA-256 line (HEX  NAME)"))
                }
                let name = Array(text.dropFirst(66))
                entries.append(Entry(digest: digest, path: escaped ? unescape(name) : name))
            }
            return .success(entries)
        }
    }

    /// sha256sum's name escaping: a name with a backslash or a newline is
    /// printed with `\\` and `\n`, and its line starts with a backslash.
    static func line(digest: [UInt8], path: [UInt8]) -> [UInt8] {
        let needsEscape = path.contains(UInt8(ascii: "\\")) || path.contains(UInt8(ascii: "\n"))
        var name: [UInt8] = []
        for byte in path {
            switch byte {
            case UInt8(ascii: "\\") where needsEscape: name += Array("\\\\".utf8)
            case UInt8(ascii: "\n"): name += Array("\\n".utf8)
            default: name.append(byte)
            }
        }
        return (needsEscape ? [UInt8(ascii: "\\")] : []) + Array(SHA256.hex(digest).utf8) + Array("  ".utf8) + name
            + [UInt8(ascii: "\n")]
    }

    private static func unescape(_ name: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < name.count {
            if name[index] == UInt8(ascii: "\\") && index + 1 < name.count {
                result.append(name[index + 1] == UInt8(ascii: "n") ? UInt8(ascii: "\n") : name[index + 1])
                index += 2
            } else {
                result.append(name[index])
                index += 1
            }
        }
        return result
    }

    private static func bytes(hex: [UInt8]) -> [UInt8]? {
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }
        var result: [UInt8] = []
        for pair in stride(from: 0, to: hex.count, by: 2) {
            guard let high = value(hex[pair]), let low = value(hex[pair + 1]) else { return nil }
            result.append(high << 4 | low)
        }
        return result
    }
}

/// Hands the workers the batches of paths, one chunk per batch.
final class PathBatchCutter: ChunkCutter, @unchecked Sendable {
    private let batches: [[[UInt8]]]
    private let monitor = Monitor()
    private var next = 0
    var chunkCount: UInt64 { UInt64(batches.count) }

    init(batches: [[[UInt8]]]) { self.batches = batches }

    func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk? {
        let claimed: Int? = monitor.withLock {
            guard next < batches.count else { return nil }
            defer { next += 1 }
            return next
        }
        guard let claimed, admit(UInt64(claimed)) else { return nil }
        return Chunk(sequence: UInt64(claimed), offset: 0, bytes: PieceTable.encode(batches[claimed]))
    }
}

/// Prints each batch's lines as it comes back, in order (`sha256sum`'s
/// format, or OK/FAILED lines with `-c`).
final class DigestPrinter: OutputSink, @unchecked Sendable {
    private let files: [(path: [UInt8], expected: [UInt8]?)]
    private let batches: [Range<Int>]
    private let quiet: Bool
    private let messages: Messages
    private(set) var status = ExitCode.success
    private(set) var mismatches = 0

    init(files: [(path: [UInt8], expected: [UInt8]?)], batches: [Range<Int>], quiet: Bool, messages: Messages) {
        self.files = files
        self.batches = batches
        self.quiet = quiet
        self.messages = messages
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        preconditionFailure("DigestPrinter needs each chunk's sequence number")
    }

    func write(_ bytes: UnsafeRawBufferPointer, sequence: UInt64) throws(BaleError) {
        let range = batches[Int(sequence)]
        guard bytes.count == 36 * range.count else { throw .workerFailed("a digest batch came back short") }
        var out: [UInt8] = []
        for (slot, index) in range.enumerated() {
            let file = files[index]
            let shown = String(decoding: file.path, as: UTF8.self)
            let failure = Int32(bitPattern: GzipMember.loadLittleEndian32(bytes, at: 36 * slot))
            let digest = Array(bytes[(36 * slot + 4)..<(36 * slot + 36)])
            if failure != 0 {
                messages.error(BaleError.cannotOpen(path: shown, SystemError(code: failure, operation: "read")).description)
                status = .failure
                if file.expected != nil { out += Array("\(shown): FAILED open or read\n".utf8) }
                continue
            }
            if let expected = file.expected {
                if expected == digest {
                    if !quiet { out += Array("\(shown): OK\n".utf8) }
                } else {
                    out += Array("\(shown): FAILED\n".utf8)
                    mismatches += 1
                    status = .failure
                }
            } else {
                out += SumCommand.line(digest: digest, path: file.path)
            }
        }
        do { try FileIO.write(1, out) } catch {
            if error.code == EPIPE { throw .brokenPipe }
            throw .writeFailed(path: "stdout", error)
        }
    }
}
