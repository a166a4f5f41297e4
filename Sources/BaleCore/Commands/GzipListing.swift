#if canImport(Glibc)
import Glibc
#endif

/// `bale gzip -l` (`gunzip -l`): a line of figures for each gzip file, in
/// GNU gzip 1.12's columns, so that scripts that read `gzip -l` read bale's.
///
///              compressed        uncompressed  ratio uncompressed_name
///                    5405               12816  58.0% s
///
/// Nothing is inflated: the figures are the file's header and tail
/// (`GzipSummary`): exact for bale's own files, where gzip prints only their
/// last member's length; the last trailer's for other files, as gzip. The
/// ratio is gzip's: the file's size less its first header and a trailer,
/// against the uncompressed length. `-v` adds gzip's method, CRC-32 and
/// date columns (the date is the header's time, or the file's when the
/// header has none, as gzip); more than one file adds gzip's `(totals)`
/// line, whose ratio takes off the last file's header, as gzip's; `-q`
/// leaves out the title and the totals, as gzip. The name is the one
/// gunzip would give the output (`gzip -l x.tgz`: x.tar; a name without a
/// known suffix as it is; standard input: "stdout", gzip's word).
///
/// A file that is no gzip, cannot be read, or is a bale stream cut short
/// is an error naming it (exit 1), and the others are still listed.
struct GzipListing {
    let command: GzipCommand

    /// gzip's column width for a file size (`positive_off_t_width`).
    private static let width = 19

    func run() -> ExitCode {
        let context = command.options.context
        let files = command.options.files.isEmpty ? ["-"] : command.options.files
        var status = ExitCode.success
        var lines = ""
        var total: (compressed: Int64, uncompressed: Int64, header: Int64) = (0, 0, 0)
        var listed = 0
        for file in files {
            switch summary(of: file) {
            case .failure(let error):
                // The lines so far first, as gzip's order on a terminal.
                if let failed = flush(&lines) { return failed }
                context.fail(error)
                status = max(status, error.exitStatus)
            case .success(let (summary, name, fileTime)):
                // The title comes with the first file listed, as gzip's.
                if listed == 0 && !context.quiet {
                    lines += (context.verbose ? "method  crc     date  time  " : "")
                        + Self.padded("compressed") + " " + Self.padded("uncompressed") + "  ratio uncompressed_name\n"
                }
                listed += 1
                total.compressed += summary.compressedBytes
                total.uncompressed += summary.uncompressedBytes
                total.header = summary.headerBytes
                if context.verbose {
                    let time = summary.modificationTime != 0 ? Int(summary.modificationTime) : fileTime
                    lines += "defla " + Self.hex(summary.crc) + " " + Self.date(time) + " "
                }
                lines += Self.figures(summary.compressedBytes, summary.uncompressedBytes, summary.headerBytes)
                    + " " + name + "\n"
            }
        }
        if files.count > 1 && listed > 0 && !context.quiet {
            lines += (context.verbose ? String(repeating: " ", count: 28) : "")
                + Self.figures(total.compressed, total.uncompressed, total.header) + " (totals)\n"
        }
        return flush(&lines) ?? status
    }

    /// Writes `lines` on standard output, where gzip prints its list, and
    /// empties it; the exit status when it cannot be written.
    private func flush(_ lines: inout String) -> ExitCode? {
        defer { lines = "" }
        do { try FileIO.write(1, Array(lines.utf8)) } catch {
            if error.code == EPIPE { return .brokenPipe }
            command.options.context.fail(.writeFailed(path: "standard output", error))
            return .failure
        }
        return nil
    }

    /// The summary of `file`, the name its line shows and the file's own
    /// modification time.
    private func summary(of file: String) -> Result<(GzipSummary, String, Int), BaleError> {
        let isStandardInput = file == "-"
        let path = TerminalText.bytes(ofName: file)
        let shown = isStandardInput ? "stdin" : TerminalText.name(path)
        let fd = isStandardInput ? 0 : withCString(path) { open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
        if fd < 0 { return .failure(.cannotOpen(path: shown, .current("open"))) }
        defer { if !isStandardInput { FileIO.close(fd) } }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.readFailed(path: shown, .current("fstat"))) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            let what = info.st_mode & S_IFMT == S_IFDIR ? "is a directory" : "is not a regular file"
            return .failure(.corrupt(path: shown, offset: nil, reason: "\(what): gzip -l reads the end of a file"))
        }
        let summary: GzipSummary
        do { summary = try GzipSummary.read(fd: fd, size: Int64(info.st_size)) } catch {
            switch error {
            case .notGzip(let reason): return .failure(.corrupt(path: shown, offset: nil, reason: reason))
            case .truncated(let reason): return .failure(.truncatedStream(path: shown, reason: reason))
            case .readFailed(let cause): return .failure(.readFailed(path: shown, cause))
            }
        }
        let name: String
        if isStandardInput {
            name = "stdout"
        } else {
            let base = path.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
            var decompressing = command
            decompressing.options.decompress = true
            switch decompressing.outputName(for: path[base...]) {
            case .output(let output): name = TerminalText.name(Array(path[..<base]) + output)
            case .alreadyCompressed, .unknownSuffix: name = shown
            }
        }
        return .success((summary, name, Int(info.st_mtim.tv_sec)))
    }

    /// The sizes and the ratio, in gzip's columns.
    private static func figures(_ compressed: Int64, _ uncompressed: Int64, _ header: Int64) -> String {
        let saved = uncompressed - (compressed - header)
        let ratio = VerboseLine.percent(uncompressed == 0 ? 0 : 100 * Double(saved) / Double(uncompressed))
        return padded(String(compressed)) + " " + padded(String(uncompressed)) + " " + ratio
    }

    private static func padded(_ text: String) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// gzip's `Mon dd hh:mm` in local time.
    private static func date(_ seconds: Int) -> String {
        var time = time_t(seconds), parts = tm()
        guard localtime_r(&time, &parts) != nil else { return "??? ?? ??:??" }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = parts.tm_mday < 10 ? "  \(parts.tm_mday)" : " \(parts.tm_mday)"
        return months[Int(parts.tm_mon)] + day + " " + two(parts.tm_hour) + ":" + two(parts.tm_min)
    }
}
