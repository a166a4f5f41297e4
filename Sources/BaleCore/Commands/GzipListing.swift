#if canImport(Glibc)
import Glibc
#endif

/// `bale gzip -l` (`gunzip -l`): a line of figures for each gzip file, in
/// GNU gzip 1.12's columns, so that scripts that read `gzip -l` read bale's.
///
///              compressed        uncompressed  ratio uncompressed_name
///                    5405               12816  58.0% s
///
/// The figures are `GzipSummary`'s: every file is inflated, as GNU gzip
/// 1.12 inflates it for `-l`, and its figures are exact, where gzip prints
/// its last member's length (0 for a bale file). The ratio is gzip's: the
/// file's size less its first header and a trailer, against the
/// uncompressed length. `-v` adds gzip's method, CRC-32 and date columns
/// (the date is the file's own modification time, as gzip's without -N);
/// more than one file adds gzip's `(totals)` line, whose ratio takes off
/// the last file's header, as gzip's; `-q` leaves out the title and the
/// totals, as gzip. The name is the one gunzip would give the output
/// (`gzip -l x.tgz`: x.tar; a name without a known suffix as it is;
/// standard input: "stdout", gzip's word); a FILE not there is FILE.gz (or
/// `-S`'s), as gunzip finds it; a directory is passed over with gzip's
/// warning (exit 2). A pipe (standard input, a FIFO) is read as it comes,
/// as gzip reads it (`GzipSummary.read(stream:)`); its date is the epoch's,
/// as gzip's; a terminal is refused.
///
/// A file that is no gzip, cannot be read, or is damaged or cut short is
/// an error naming it (exit 1), as `gunzip -t` says it; bytes that are not
/// gzip after the last member are its warning (exit 2); the other files
/// are still listed.
struct GzipListing {
    let command: GzipCommand

    /// gzip's column width for a file size (`positive_off_t_width`).
    private static let width = 19

    /// Lists `files` (the command line's when nil: none is standard input).
    func run(files given: [String]? = nil) -> ExitCode {
        let context = command.options.context
        let files = given ?? (command.options.files.isEmpty ? ["-"] : command.options.files)
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
            case .success(.directory(let shown)):
                if let failed = flush(&lines) { return failed }
                let warning = Diagnostic.isADirectory(shown)
                context.report(warning)
                status = max(status, warning.exitStatus)
            case .success(.listed(let summary, let shown, let name, let fileTime)):
                let trailing = summary.ending == .trailingGarbage ? GzipStreamDecoder.trailingGarbageWarning
                    : summary.ending == .trailingZeros && context.verbose ? GzipStreamDecoder.trailingZerosWarning : nil
                if let trailing {
                    // As `gunzip -t` says it: the figures are the members'.
                    if let failed = flush(&lines) { return failed }
                    let warning = Diagnostic.warning(path: shown, trailing)
                    context.report(warning)
                    status = max(status, warning.exitStatus)
                }
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
                    lines += "defla " + Self.hex(summary.crc) + " " + Self.date(fileTime) + " "
                }
                lines += Self.figures(summary.compressedBytes, summary.uncompressedBytes, summary.headerBytes)
                    + " " + TerminalText.escaped(name) + "\n"
            }
        }
        // As gzip: totals when the command line names more than one file
        // (`gzip -lr d` lists the tree's files with none), and no totals
        // of nothing (its `total_in <= 0 || total_out <= 0`).
        let named = given == nil ? files.count : command.options.files.count
        if named > 1 && listed > 0 && !context.quiet && total.compressed > 0 && total.uncompressed > 0 {
            lines += (context.verbose ? String(repeating: " ", count: 28) : "")
                + Self.figures(total.compressed, total.uncompressed, total.header) + " (totals)\n"
        }
        return flush(&lines) ?? status
    }

    /// Writes `lines` on standard output, where gzip prints its list, and
    /// empties it; the exit status when it cannot be written.
    private func flush(_ lines: inout String) -> ExitCode? {
        defer { lines = "" }
        // Through the one path to standard output, which tells a reader
        // gone (141, quietly) from a failed write and remembers the latter.
        do throws(BaleError) { try StandardOutput.write(lines) } catch {
            command.options.context.fail(error)
            return error.exitStatus
        }
        return nil
    }

    /// What a file given to `-l` is.
    private enum Found {
        /// A gzip file: its summary, the name its line shows and its own
        /// modification time (the date `-v` shows, as gzip's).
        case listed(GzipSummary, shown: String, name: String, fileTime: Int)
        /// A directory, passed over with gzip's warning.
        case directory(String)
    }

    /// What `file` is.
    private func summary(of file: String) -> Result<Found, BaleError> {
        let isStandardInput = file == "-"
        var path = TerminalText.bytes(ofName: file)
        var info = stat()
        // As gunzip: `gzip -l FILE` with no FILE lists FILE.gz, and with
        // neither there names FILE.gz, as gzip names it ("missing.gz: No
        // such file or directory"; bale named FILE).
        if !isStandardInput, withCString(path, { stat($0, &info) }) != 0, errno == ENOENT {
            if let compressed = command.compressedName(for: path, info: &info) {
                path = compressed
            } else if command.hasNoCompressedSuffix(path) {
                path += TerminalText.bytes(ofName: command.options.suffix)
            }
        }
        let shown = isStandardInput ? "stdin" : TerminalText.name(path)
        let fd = isStandardInput ? 0 : withCString(path) { open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
        if fd < 0 { return .failure(.cannotOpen(path: shown, .current("open"))) }
        defer { if !isStandardInput { FileIO.close(fd) } }
        guard fstat(fd, &info) == 0 else { return .failure(.readFailed(path: shown, .current("fstat"))) }
        if info.st_mode & S_IFMT == S_IFDIR { return .success(.directory(shown)) }
        // A pipe (or a FIFO, a device) is read once, as it comes; a terminal
        // not at all, as gzip refuses it.
        let isFile = info.st_mode & S_IFMT == S_IFREG
        if !isFile && isatty(fd) == 1 {
            return .failure(.corrupt(path: shown, offset: nil, reason: "compressed data not read from a terminal"))
        }
        // Opened without waiting (a FIFO with no writer yet, as gzip opens
        // it); read with waiting.
        if !isFile { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) }
        // Standard input that is a file is listed from where its offset
        // stands, as `gunzip -c` and `-t` read it (and as gzip does):
        // `{ head -c 4 >/dev/null; bale gunzip -l; } < file`.
        let start = isStandardInput ? max(0, Int64(lseek(fd, 0, SEEK_CUR))) : 0
        let summary: GzipSummary
        do {
            let zlibOnly = GunzipJob.inflatesStreamsWithZlib(codec: command.options.engine.codec, judging: false)
            summary = isFile ? try GzipSummary.read(fd: fd, size: Int64(info.st_size), from: start, path: shown, zlibOnly: zlibOnly)
                : try GzipSummary.read(stream: fd, path: shown, zlibOnly: zlibOnly)
        } catch {
            switch error {
            case .notGzip(let reason): return .failure(.corrupt(path: shown, offset: nil, reason: reason))
            case .readFailed(let cause): return .failure(.readFailed(path: shown, cause))
            case .inflateFailed(let failure): return .failure(failure)
            }
        }
        // With -N, the name and time the header stores, as `gunzip -N`
        // would restore them (and as `gzip -lN` lists them).
        let stored = command.options.restoresName ? summary.storedName : nil
        let name: String
        if isStandardInput {
            name = stored?.baseName.map(TerminalText.name) ?? "stdout"
        } else {
            let base = path.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
            switch command.outputName(for: path[base...], decompressing: true) {
            case .output(let output): name = TerminalText.name(Array(path[..<base]) + (stored?.baseName ?? output))
            case .alreadyCompressed, .unknownSuffix:
                // A stored name stands for the one the suffix cannot give,
                // as in `gzip -lN k.x` (its `gunzip -N` would make it).
                name = stored?.baseName.map { TerminalText.name(Array(path[..<base]) + $0) } ?? shown
            }
        }
        // A pipe's date is gzip's for it: none (the epoch).
        let fileTime = stored?.modificationTime.map(Int.init) ?? (isFile ? Int(info.st_mtim.tv_sec) : 0)
        return .success(.listed(summary, shown: shown, name: name, fileTime: fileTime))
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
