#if canImport(Glibc)
import Glibc
#endif

/// `bale gzip` and `bale gunzip`: compress or decompress files, or
/// standard input to standard output, following gzip's rules where users
/// rely on them.
///
/// For each FILE: the output is FILE.gz (or FILE without its suffix), made
/// under a temporary name and renamed into place only when complete; it
/// gets the input's mode, owner and times; then, and only then, the input
/// is removed (unless -k, -c or -o). An existing output is not replaced
/// without -f. Inputs that gzip would skip (directories, links, files with
/// several hard links or setuid bits) are skipped with a warning (exit 2),
/// names with the wrong suffix with a notice (gzip's "already has .gz
/// suffix -- unchanged", exit 0, as GNU gzip 1.12); a failure leaves the
/// input untouched and no output (exit 1).
public struct GzipCommand: Sendable {
    /// What the command line asked for.
    public struct Options: Sendable {
        /// The files given; none, or "-", for standard input.
        public var files: [String] = []
        /// Decompress (`gunzip`, `gzip -d`).
        public var decompress = false
        /// Check the files and write nothing (`-t`).
        public var test = false
        /// Write to standard output and keep the inputs (`-c`).
        public var toStandardOutput = false
        /// The one output's name (`-o`); nil for the name beside the input.
        public var outputPath: String?
        /// Keep the inputs (`-k`).
        public var keep = false
        /// Overwrite outputs, take links and files of several names, write
        /// to a terminal (`-f`).
        public var force = false
        /// The compression level, resolved for the codec (`-1` … `-12`).
        public var level: Int32 = 6
        /// The suffix of compressed files (`-S`).
        public var suffix = ".gz"
        /// List each file's sizes and ratio instead (`-l`, `GzipListing`).
        public var list = false
        /// Decompressing a FILE into a file beside it: name the output and
        /// date it by the name and time its header stores (`-N`,
        /// `GzipStoredName`), as GNU gunzip -N does.
        public var restoresName = false
        /// Decompressing files in place or into `outputDirectory` (not
        /// to standard output, not testing, not listing), each named by
        /// its header: gunzip -N's outputs.
        var namesOutputsByHeader: Bool { restoresName && decompress && !test && !list && !toStandardOutput }
        /// Walk directories and process every file in them (`-r`).
        public var recursive = false
        /// End each member where the content says (`--rsyncable`,
        /// `ContentDefinedCuts`), not every chunk size.
        public var rsyncable = false
        /// With `recursive`: write the outputs into a mirror of the tree
        /// under this directory, leaving the inputs where they are.
        public var outputDirectory: String?
        /// With `recursive`: which files to take.
        public var selection = FileSelection()
        /// With `recursive`: also process the paths listed in this file ("-": stdin).
        public var filesFrom: String?
        /// Names in `filesFrom` end with NUL, not newline.
        public var nullSeparated = false
        /// With `recursive`: also write the SHA-256 of every file compressed
        /// (as sha256sum does; "-" for standard output).
        public var manifestPath: String?
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

    /// The runner of this command's jobs (see `CommandRunner`).
    var runner: CommandRunner { CommandRunner(context: options.context, engine: options.engine) }

    /// Runs the command; returns the exit code.
    public func run() -> ExitCode {
        let context = options.context
        if options.outputPath != nil && options.files.count > 1 {
            context.report(.error(path: nil, "-o names one output: give one input"))
            return .failure
        }
        if options.suffix.isEmpty {
            context.report(.error(path: nil, "the suffix cannot be empty"))
            return .failure
        }
        if options.list { return options.recursive ? RecursiveGzip(command: self).list() : GzipListing(command: self).run() }
        return runner.withPipeline { pipeline in
            options.recursive ? RecursiveGzip(command: self).run(runner: runner, pipeline: pipeline)
                : filesOneByOne(pipeline)
        }
    }

    /// Each input through its own run of the pipeline: `-` is standard
    /// input to standard output, a name its own output.
    private func filesOneByOne(_ pipeline: Pipeline) -> ExitCode {
        let files = options.files.isEmpty ? ["-"] : options.files
        let writesStandardOutput = options.toStandardOutput
            || (options.outputPath == nil && files.contains("-"))
        if writesStandardOutput && refusesTerminalOutput() { return .failure }
        var status = ExitCode.success
        let fileBytes = files.map(TerminalText.bytes(ofName:))
        let leftovers = TemporaryLeftovers()
        for (file, bytes) in zip(files, fileBytes) {
            let outcome = file == "-" ? standardStream(pipeline) : oneFile(bytes, pipeline, leftovers: leftovers)
            status = max(status, outcome)
            // A standard output that failed (a full disk, /dev/full) stops
            // the run, as gzip's: each later file said it again.
            if outcome == .brokenPipe || StandardOutput.hasFailed { break }
        }
        return status
    }

    /// gzip's refusal to write compressed data to a terminal without -f:
    /// true, said, when this run would (the caller writes standard output).
    func refusesTerminalOutput() -> Bool {
        guard !options.decompress && !options.test && !options.force && isatty(1) != 0 else { return false }
        options.context.report(.error(path: nil, "compressed data not written to a terminal. Use -f to force compression."))
        return true
    }

    // MARK: - Standard input to standard output

    private func standardStream(_ pipeline: Pipeline) -> ExitCode {
        let context = options.context
        // -t reads compressed data as -d does (`gzip -t` is `gzip -dt`).
        if (options.decompress || options.test) && !options.force && isatty(0) != 0 {
            context.report(.error(path: nil, "compressed data not read from a terminal. Use -f to force decompression."))
            return .failure
        }
        // A regular file is read in place (from its start, by offset) only
        // when standard input stands at its start: a caller may have read
        // part of it already (`{ read -r header; bale gzip; } < file`), and
        // gzip takes only what is left; bale then reads it as a stream.
        var info = stat()
        let seekable = fstat(0, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && lseek(0, 0, SEEK_CUR) == 0
        // `-o FILE` follows the rule of every output: an existing FILE is
        // not replaced without -f. Checked before a byte is read, for what
        // a pipe gave cannot be read again.
        let target = options.outputPath.map(TerminalText.bytes(ofName:))
        // Standard input is the data here, so no question is asked.
        if let target, !options.test, case .refused(let status) = permission(for: target, asking: false) { return status }
        let status = transform(input: 0, inputName: "stdin", size: seekable ? Int64(info.st_size) : nil,
                               attributes: nil, outputPath: options.test ? nil : target, pipeline: pipeline,
                               fromStandardInput: true)
        // Read in place by offset, the file's own offset never moved: left
        // at 0, a second `-` (`gzip - - < f`) or the next reader of the
        // same standard input (`{ gzip > x.gz; cat; } < f`) read it all
        // again. gzip consumes what it reads: the offset is left where
        // bale's reading ended (the size it took, not the end of a file
        // that grew meanwhile, whose new bytes are the next reader's).
        if seekable { _ = lseek(0, off_t(info.st_size), SEEK_SET) }
        return status
    }

    // MARK: - One named file

    /// One FILE of the command line, by the bytes the command line gave
    /// (`RawArguments`): a name that is not UTF-8 decodes to another
    /// name, which open() would not find. Messages name it by the same
    /// bytes (`TerminalText.name`).
    private func oneFile(_ bytes: [UInt8], _ pipeline: Pipeline, leftovers: TemporaryLeftovers) -> ExitCode {
        let context = options.context
        var path = TerminalText.name(bytes), pathBytes = bytes
        var info = stat()
        if withCString(pathBytes, { lstat($0, &info) }) != 0 {
            let missing = errno == ENOENT
            var failure = BaleError.cannotOpen(path: path, .current("stat"))
            // As gunzip: `gunzip FILE` with no FILE decompresses FILE.gz.
            guard missing, options.decompress || options.test,
                  let compressed = compressedName(for: pathBytes, info: &info) else {
                // None there either: named as gzip names it, with the
                // suffix (`gunzip missing`: "missing.gz: No such file").
                if missing, options.decompress || options.test, hasNoCompressedSuffix(pathBytes) {
                    failure = .cannotOpen(path: path + options.suffix, SystemError(code: ENOENT, operation: "stat"))
                }
                context.fail(failure)
                return .failure
            }
            pathBytes = compressed
            path = TerminalText.name(compressed)
        }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR {
            context.report(.isADirectory(path))
            return .warning
        }
        let writesBeside = !options.toStandardOutput && options.outputPath == nil && !options.test
        if kind == S_IFLNK && !options.force && writesBeside {
            // An error, as GNU gzip 1.12's (its open with O_NOFOLLOW fails:
            // "Too many levels of symbolic links", exit 1, said under -q
            // too); bale warned, exit 2, and -q hid it. Inside a tree
            // (`-r`) a link stays a warning (`RecursiveGzip`).
            context.report(.error(path: path, "Too many levels of symbolic links (a symbolic link: -f follows it)"))
            return .failure
        }
        if kind == S_IFLNK, withCString(pathBytes, { stat($0, &info) }) != 0 {
            context.fail(BaleError.cannotOpen(path: path, .current("stat")))
            return .failure
        }
        // A link to a directory is a directory, as gzip finds it (it
        // follows the name): "read error: Is a directory", exit 1, had it
        // under -c and -t, "not a directory or a regular file" under -f.
        if info.st_mode & S_IFMT == S_IFDIR {
            context.report(.isADirectory(path))
            return .warning
        }
        if info.st_mode & S_IFMT == S_IFSOCK {
            context.report(.socketInput(path))
            return .failure
        }
        if info.st_mode & S_IFMT != S_IFREG && writesBeside {
            context.report(.warning(path: path, "is not a directory or a regular file - ignored", wording: .sentence))
            return .warning
        }
        var target: [UInt8]?
        var storedTime: Int64?
        var openedInput: OpenedInput?
        defer { if let openedInput { FileIO.close(openedInput.fd) } }
        if writesBeside {
            if let refusal = Self.refusalInPlace(info, force: options.force) {
                context.report(.warning(path: path, refusal, wording: .sentence))
                return .warning
            }
            let base = Self.baseNameStart(of: pathBytes)
            switch outputName(for: pathBytes[base...]) {
            case .output(let name):
                target = Array(pathBytes[..<base]) + name
                // -N: the name and time come from the input as opened for
                // the work (one open: a name swapped between a look and
                // the work's open would name the output after one file
                // and fill it with another), before the target is judged.
                if options.restoresName {
                    guard let input = openInput(pathBytes, examined: info, followingLink: kind == S_IFLNK) else {
                        return .failure
                    }
                    openedInput = input
                }
                if let input = openedInput, let suffixNamed = target {
                    (target, storedTime) = nameAndTimeStored(in: input, path: pathBytes, besideSuffixTarget: suffixNamed)
                }
            case .alreadyCompressed where options.force:
                // As gzip: -f compresses a file whatever its name.
                target = pathBytes + TerminalText.bytes(ofName: options.suffix)
            case .alreadyCompressed(let suffix):
                // Said (unless -q) and passed over, the exit status left as
                // it is: GNU gzip 1.12's (`gzip *` beside an x.gz exits 0).
                // Its other "-- ignored" and "-- unchanged" cases, which
                // skip a file it would otherwise compress, are warnings, 2.
                context.report(Diagnostic(.notice, path: path, "already has \(suffix) suffix -- unchanged",
                                          wording: .sentence))
                return .success
            case .unknownSuffix:
                // As gzip: a warning (2), but for -q, which passes the
                // file over in silence and leaves the status alone (gzip
                // 1.12: `gunzip -q x` exits 0; -r alike, `RecursiveGzip`).
                if context.quiet { return .success }
                context.report(.warning(path: path, "unknown suffix -- ignored"))
                return .warning
            }
        } else {
            target = options.toStandardOutput || options.test ? nil : options.outputPath.map(TerminalText.bytes(ofName:))
            // -o naming the input itself (`-f -o a a`, through a link, or
            // a descriptor open on it: `-o /dev/fd/3 a 3>> a`): refused
            // whatever -f says, as `cp a a` is, for -o keeps the input,
            // and renamed over it (or appended to it) the output spoiled it.
            if let target, OutputDestination(target).isFile(info) {
                context.report(.error(path: path, "-o names the input itself; not written"))
                return .failure
            }
        }
        // The input is opened before its output is judged, as GNU gzip
        // opens it: an input that cannot be read is that error (exit 1),
        // not its output's "already exists" (2), which hid it. Only a
        // regular file: a FIFO's open waits for its writer (`openInput`).
        if openedInput == nil, target != nil, info.st_mode & S_IFMT == S_IFREG {
            guard let input = openInput(pathBytes, examined: info, followingLink: kind == S_IFLNK) else {
                return .failure
            }
            openedInput = input
        }
        var replacesTarget = options.force
        if let target {
            switch permissionAfterTheHeader(for: target, of: openedInput) {
            case .refused(let status): return status
            case .replace: replacesTarget = true
            case .write: break
            }
        }
        // A killed run's temporary output for this same output, beside it
        // (written beside the input only: -o names a file of the user's).
        if let target, writesBeside {
            for removed in leftovers.remove(leftOversOf: target) {
                context.infoRemovedLeftover(TerminalText.name(removed))
            }
        }
        context.summary.expect(bytes: Int64(info.st_size), files: 1)
        let removing = writesBeside && !options.keep
        if let openedInput {
            return transformOpened(openedInput, path: pathBytes, into: target, replacing: replacesTarget,
                                   dated: storedTime, removing: removing, pipeline: pipeline)
        }
        return transformFile(pathBytes, examined: info, followingLink: kind == S_IFLNK, into: target,
                             replacing: replacesTarget, removing: removing, pipeline: pipeline)
    }

    /// Whether the file open on `fd` begins with a whole gzip header, of
    /// any length (`GzipHeaderScan`). GNU gunzip reads the header before
    /// it looks at the output, so an input with none (not gzip, empty, cut
    /// inside it) is that error first, not its output's "already exists":
    /// `gunzip FILE` and `gunzip -r` ask this before they refuse.
    static func beginsWithGzipHeader(_ fd: Int32) -> Bool {
        if case .complete = try? GzipHeaderScan.scanning(fd, from: 0) { return true }
        return false
    }

    /// What may be done at an output's name, looked at before the work.
    enum OutputPermission: Equatable {
        /// Write it: nothing is there, or -f replaces what is, or it is a
        /// device or FIFO -o writes into.
        case write
        /// Replace what is there: the user said yes (`OverwriteQuestion`).
        case replace
        /// Leave it: the status the file ends with, said already.
        case refused(ExitCode)
    }

    /// Whether `target` may be written: refused with the warning status
    /// when it exists and may not be replaced (no -f), after saying so, or
    /// after asking, when `asking` and gzip would ask (`OverwriteQuestion`)
    /// and the answer is no. A device or a FIFO named by -o (`-o
    /// /dev/null`) is written into, not replaced (`AtomicOutputFile`): its
    /// existing is no reason to stop. A name taken after this check is
    /// still never replaced without -f or a yes (`commit`'s `replacing`).
    private func permission(for target: [UInt8], asking: Bool) -> OutputPermission {
        guard !options.force, !(options.outputPath != nil && AtomicOutputFile.writesDirectly(target)) else { return .write }
        var existing = stat()
        guard withCString(target, { lstat($0, &existing) }) == 0 else { return .write }
        let name = TerminalText.name(target)
        if asking && OverwriteQuestion.mayAsk {
            if OverwriteQuestion.ask(about: name) { return .replace }
            // The question and its "not overwritten" said it; --json keeps it.
            options.context.keep(.existingOutput(name))
            return .refused(.warning)
        }
        options.context.report(.existingOutput(name))
        return .refused(.warning)
    }

    /// `permission(for:asking:)`, judged as GNU gunzip judges it, after
    /// the input's header: an input this run decompresses that holds no
    /// whole gzip header (not gzip, cut short) is that error (exit 1),
    /// said by the work, whose output never replaces a file without -f
    /// (`commit`'s `replacing`), not "already exists" (2): `.write` then.
    /// For a FILE named and for `gunzip -rN`'s files alike.
    private func permissionAfterTheHeader(for target: [UInt8], of input: OpenedInput?) -> OutputPermission {
        if options.decompress && !options.force, let input, !Self.beginsWithGzipHeader(input.fd) { return .write }
        return permission(for: target, asking: true)
    }

    /// Why gzip passes over a file replaced in place (a regular file, its
    /// `lstat` in `info`), in GNU gzip 1.12's words and order (its
    /// treat_file): by its mode, a setuid or setgid file even with -f
    /// (bale's -f compressed one, and its .gz kept the bit), a sticky one
    /// without; then, without -f, one with other hard links (the others
    /// would keep the content it replaces).
    static func refusalInPlace(_ info: stat, force: Bool) -> String? {
        let mode = info.st_mode
        if mode & S_ISUID != 0 { return "is set-user-ID on execution - ignored" }
        if mode & S_ISGID != 0 { return "is set-group-ID on execution - ignored" }
        if force { return nil }
        if mode & S_ISVTX != 0 { return "has the sticky bit set - file ignored" }
        // 0 for a file being removed as it was looked at (st_nlink 0: the
        // subtraction trapped, and `gzip -r` died of SIGILL, exit 132).
        let others = info.st_nlink > 1 ? info.st_nlink - 1 : 0
        if others > 0 { return "has \(others) other link\(others > 1 ? "s" : "") -- file ignored" }
        return nil
    }

    /// Where the last component of `path` (its base name) begins.
    private static func baseNameStart(of path: [UInt8]) -> Int {
        path.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
    }

    /// The compressed file gunzip takes for a FILE that does not exist, as
    /// gzip does: the first of FILE with the `-S` suffix, .gz, .z, -z and
    /// .Z that exists (its `lstat` left in `info`), or nil; none for a FILE
    /// that already has a compressed suffix (`gunzip a.gz` is not a.gz.gz).
    func compressedName(for path: [UInt8], info: inout stat) -> [UInt8]? {
        guard hasNoCompressedSuffix(path) else { return nil }
        for suffix in [options.suffix, ".gz", ".z", "-z", ".Z"] {
            let candidate = path + TerminalText.bytes(ofName: suffix)
            if withCString(candidate, { lstat($0, &info) }) == 0 { return candidate }
        }
        return nil
    }

    /// Whether `path`'s base name ends in none of the suffixes gunzip
    /// takes off (nor `-S`'s).
    func hasNoCompressedSuffix(_ path: [UInt8]) -> Bool {
        outputName(for: path[Self.baseNameStart(of: path)...], decompressing: true) == .unknownSuffix
    }

    /// Compresses or decompresses the file at `path` into `target` (nil:
    /// standard output or nothing), removing the input afterwards if asked.
    /// Paths are bytes: a file name may hold any.
    ///
    /// `examined` is what the rules judged the name to be (its `lstat`, or
    /// its link's target's `stat` when -f follows a link): the name is
    /// opened without following a link (unless `followingLink`) and must
    /// still be that file. Between the look and the open someone may have
    /// put a link to another file there (whose content would go into the
    /// output), or a FIFO, whose open would wait for a writer forever: a
    /// regular file is opened without waiting (O_NONBLOCK), then reads
    /// block as usual. A FIFO named on purpose (`gzip -c fifo`) is opened
    /// as before, waiting for its writer (GNU gzip, which opens every
    /// input without waiting, reads nothing from it if none is there yet).
    func transformFile(_ path: [UInt8], examined: stat, followingLink: Bool = false, into target: [UInt8]?,
                       replacing: Bool? = nil, removing: Bool, pipeline: Pipeline) -> ExitCode {
        guard let input = openInput(path, examined: examined, followingLink: followingLink) else { return .failure }
        defer { FileIO.close(input.fd) }
        return transformOpened(input, path: path, into: target, replacing: replacing, removing: removing,
                               pipeline: pipeline)
    }

    /// An input opened (`openInput`): its descriptor and what `fstat` says of it.
    struct OpenedInput {
        var fd: Int32
        var info: stat
    }

    /// Opens the file at `path` as `transformFile` describes: without
    /// following a link (unless `followingLink`), without waiting on a
    /// regular file, and only if it is still the file `examined`; nil,
    /// after saying why, when it is not.
    func openInput(_ path: [UInt8], examined: stat, followingLink: Bool = false) -> OpenedInput? {
        let name = TerminalText.name(path)
        let waits = examined.st_mode & S_IFMT != S_IFREG
        let flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | (waits ? 0 : O_NONBLOCK) | (followingLink ? 0 : O_NOFOLLOW)
        let fd = withCString(path) { open($0, flags) }
        if fd < 0 {
            // O_NOFOLLOW's ELOOP: the file examined is a symbolic link now.
            if errno == ELOOP && !followingLink && examined.st_mode & S_IFMT != S_IFLNK {
                options.context.fail(BaleError.changedWhileReading(path: name))
            } else {
                options.context.fail(BaleError.cannotOpen(path: name, .current("open")))
            }
            return nil
        }
        // The same file, and of the same type: a name removed and made
        // again at once can get the same inode number (ext4 and tmpfs
        // reuse a freed one), so a FIFO put where the file was passed as
        // the file, was compressed as empty, and removed (or, with a
        // writer holding it, waited on forever).
        var opened = stat()
        if fstat(fd, &opened) != 0 || FileIdentity(opened) != FileIdentity(examined)
            || opened.st_mode & S_IFMT != examined.st_mode & S_IFMT {
            FileIO.close(fd)
            options.context.fail(BaleError.changedWhileReading(path: name))
            return nil
        }
        if !waits { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) }
        return OpenedInput(fd: fd, info: SettledStatus.of(fd, as: opened))
    }

    /// -N: where the output of the gzip file open as `input` (at `path`)
    /// goes and the time it gets, by what its header stores (the stored
    /// name's last component, in the directory of `suffixTarget`, the
    /// name its suffix gives, which stays where the header stores none);
    /// the stored name's troubles said, as GNU gunzip says them.
    func nameAndTimeStored(in input: OpenedInput, path: [UInt8], besideSuffixTarget suffixTarget: [UInt8])
        -> (target: [UInt8], time: Int64?) {
        guard let stored = GzipStoredName.read(fd: input.fd) else { return (suffixTarget, nil) }
        if stored.nameTooLong {
            options.context.report(.warning(path: TerminalText.name(path), "stored name longer than "
                                            + "\(GzipStoredName.headerBytesRead) bytes ignored; named by its suffix"))
        }
        // Never the input's own name: renamed over it, the output would
        // be removed with it.
        guard let restored = stored.baseName, restored != Array(path[Self.baseNameStart(of: path)...]) else {
            return (suffixTarget, stored.modificationTime)
        }
        let named = Array(suffixTarget[..<Self.baseNameStart(of: suffixTarget)]) + restored
        // Cut to a file name's length, as GNU gunzip cuts it and says
        // (exit 2); bale passed it over silently.
        if stored.wasTruncated { options.context.report(.warning(path: TerminalText.name(named), "warning, name truncated")) }
        return (named, stored.modificationTime)
    }

    /// `gunzip -rN`'s work on one file the walk took (`RecursiveGzip`),
    /// whose suffix named its output `suffixTarget`: named and dated by its
    /// header instead, as `oneFile` does for a file named, from the one
    /// open the work reads (a name swapped between a look and the work's
    /// open would name the output after one file and fill it with
    /// another); an output there already is judged by that name, here, for
    /// the walk could not know it.
    func decompressNamedByHeader(_ path: [UInt8], examined info: stat, besideSuffixTarget suffixTarget: [UInt8],
                                 removing: Bool, pipeline: Pipeline) -> ExitCode {
        guard let input = openInput(path, examined: info) else { return .failure }
        defer { FileIO.close(input.fd) }
        let (target, time) = nameAndTimeStored(in: input, path: path, besideSuffixTarget: suffixTarget)
        var replacesTarget = options.force
        switch permissionAfterTheHeader(for: target, of: input) {
        case .refused(let status): return status
        case .replace: replacesTarget = true
        case .write: break
        }
        return transformOpened(input, path: path, into: target, replacing: replacesTarget, dated: time,
                               removing: removing, pipeline: pipeline)
    }

    /// `transformFile` of an input already open (`openInput`; the caller
    /// closes it), its output dated `storedTime` when given (`-N`), and
    /// replacing a file at `target` when `replacing` (nil: with -f).
    private func transformOpened(_ input: OpenedInput, path: [UInt8], into target: [UInt8]?, replacing: Bool? = nil,
                                 dated storedTime: Int64? = nil, removing: Bool, pipeline: Pipeline) -> ExitCode {
        let opened = input.info
        let seekable = opened.st_mode & S_IFMT == S_IFREG
        var attributes = AtomicOutputFile.Attributes(opened)
        if let storedTime { attributes.modificationTime = timespec(tv_sec: Int(storedTime), tv_nsec: 0) }
        return transform(
            input: input.fd, inputName: TerminalText.name(path), size: seekable ? Int64(opened.st_size) : nil,
            attributes: attributes, outputPath: target, replacing: replacing,
            pipeline: pipeline, removeAfter: removing ? (path, PackEntry.WalkedStamp(opened)) : nil,
            readStamp: seekable ? PackEntry.WalkedStamp(opened) : nil)
    }

    /// What gzip makes of a file's base name.
    enum OutputName: Equatable {
        /// The output's base name.
        case output([UInt8])
        /// Compressing a name that already ends in a compressed suffix
        /// (gzip's "already has .gz suffix -- unchanged").
        case alreadyCompressed(suffix: String)
        /// Decompressing a name with none of the suffixes gunzip knows.
        case unknownSuffix
    }

    /// The output base name gzip would choose for the base name `name`.
    /// Compressing, a name that ends in any suffix gunzip knows (`-S`'s,
    /// .gz, .tgz, -z, ...) is not compressed again, as gzip: `gzip *` in a
    /// directory that holds `x.tgz` leaves it. A suffix counts only when
    /// something comes before it (a file named `.gz` is `.gz.gz`). Case
    /// does not count, as in gzip: `X.GZ` is `X`, `Y.Z` is not compressed.
    /// `decompressing`: the name gunzip would choose (`gzip -l`'s lines),
    /// whatever this command does; nil: as this command does.
    func outputName<Name: Collection<UInt8>>(for name: Name, decompressing: Bool? = nil) -> OutputName {
        let decompressing = decompressing ?? (options.decompress || options.test)
        func lowered(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
        for (suffix, replacement) in decompressedSuffixes {
            let bytes = TerminalText.bytes(ofName: suffix)  // -S's bytes, as given
            guard name.count > bytes.count,
                  name.suffix(bytes.count).map(lowered).elementsEqual(bytes.map(lowered)) else { continue }
            return decompressing
                ? .output(Array(name.dropLast(bytes.count)) + Array(replacement.utf8))
                : .alreadyCompressed(suffix: TerminalText.name(name.suffix(bytes.count)))
        }
        return decompressing ? .unknownSuffix : .output(Array(name) + TerminalText.bytes(ofName: options.suffix))
    }

    /// The suffixes gunzip recognises, in the order they are tried, and
    /// what replaces each, as GNU gzip's `get_suffix`: `-S`'s first, unless
    /// it is the tail of a built-in one (`-S z`, `-S gz`), then last, so
    /// that `gunzip -S z a.gz` makes `a`, not `a.g`; a name that ends in
    /// .tgz or .taz becomes .tar, whichever suffix matched it (`-S .tgz`
    /// too). bale took `-S`'s first always and replaced it with nothing.
    var decompressedSuffixes: [(String, String)] {
        let builtIn = [".gz", ".z", ".taz", ".tgz", "-gz", "-z", "_z"]
        let given = options.suffix
        let givenBytes = TerminalText.bytes(ofName: given)
        let tailOfBuiltIn = builtIn.contains { $0.utf8.count > givenBytes.count && $0.utf8.suffix(givenBytes.count).elementsEqual(givenBytes) }
        let order = tailOfBuiltIn ? builtIn + [given] : [given] + builtIn
        return order.map { suffix in
            let lowered = suffix.lowercased()
            return (suffix, lowered == ".tgz" || lowered == ".taz" ? ".tar" : "")
        }
    }

    // MARK: - The transform itself

    /// True when `fd` and standard output are one regular file (device
    /// and inode) with bytes left to read, as cat judges it: an empty
    /// file, or standard input already at its end, gives nothing that the
    /// output could overwrite.
    private static func isStandardOutput(_ fd: Int32) -> Bool {
        var input = stat()
        guard fstat(fd, &input) == 0, input.st_mode & S_IFMT == S_IFREG,
              OutputDestination(commandLine: "-").isFile(input) else { return false }
        return Int64(lseek(fd, 0, SEEK_CUR)) < Int64(input.st_size)
    }

    /// True when the file open on `fd` is no longer as `stamp` saw it
    /// (size, modification or change time), or cannot be looked at.
    private static func changedWhileRead(_ fd: Int32, since stamp: PackEntry.WalkedStamp) -> Bool {
        var now = stat()
        return fstat(fd, &now) != 0 || !PackEntry.WalkedStamp(now).isUnchanged(since: stamp)
    }

    /// Runs one input through the pipeline into `outputPath` (a temporary
    /// file renamed into place) or standard output, then removes
    /// `removeAfter` if everything went right. A regular file's stamp as
    /// opened (`readStamp`) is compared with the file once read, when it
    /// is kept (-k, -c): see `changedWhileRead`.
    private func transform(
        input: Int32, inputName: String, size: Int64?, attributes: AtomicOutputFile.Attributes?,
        outputPath: [UInt8]?, replacing: Bool? = nil, pipeline: Pipeline,
        removeAfter: (path: [UInt8], stamp: PackEntry.WalkedStamp)? = nil,
        readStamp: PackEntry.WalkedStamp? = nil, fromStandardInput: Bool = false
    ) -> ExitCode {
        let context = options.context
        let output: AtomicOutputFile?
        if let outputPath {
            // Only a target the user named (-o) is written into when it is
            // a device or a FIFO; an output beside its input replaces one.
            do {
                output = try AtomicOutputFile(pathBytes: outputPath, writesDevicesDirectly: options.outputPath != nil,
                                              holdingDirectory: true)
            } catch {
                context.fail(error)
                return .failure
            }
        } else {
            output = nil
            // Standard output that is the input's own file (`gzip -c f >>
            // f`, `gzip -c 0<>f 1>&0`), refused as cat refuses it ("input
            // file is output file"): the output went into the file being
            // read, exit 2 for the first (a warning that it changed as it
            // was read), exit 0 for the second, its bytes replaced by their
            // compression (a probe helper); GNU gzip grows the file for
            // ever. Nothing is read or written; exit 1.
            if !options.test, Self.isStandardOutput(input) {
                context.report(.error(path: inputName, "input file is output file"))
                return .failure
            }
        }
        let sink = OutputTarget(file: output, discards: options.test)
        var status = ExitCode.success
        let report: TransformReport
        var compressedRead: Int64 = 0
        do {
            report = options.decompress || options.test
                ? try decompress(input: input, inputName: inputName, size: size, fromStandardInput: fromStandardInput,
                                 pipeline: pipeline, sink: sink, stoppedAt: { compressedRead = $0 })
                : try compress(input: input, inputName: inputName, size: size, pipeline: pipeline, sink: sink)
        } catch {
            output?.discard()
            context.fail(error)
            // What standard output took before the error counts (`--json`
            // said 0 bytes of a `gunzip -c` that wrote all but the last
            // member), with the compressed bytes read to the damage; a file
            // output is discarded, and counts nothing (nor does a
            // compression that failed, whose input was read in chunks
            // ahead of what it wrote).
            if output == nil && options.decompress && !options.test {
                context.summary.addBytes(read: compressedRead, written: sink.bytesWritten)
            }
            return error.exitStatus
        }
        for warning in report.warnings {
            context.report(.warning(path: inputName, warning))
            status = .warning
        }
        // An input kept (-k, -c) that changed while it was read: its
        // output holds it as read, which may be half old and half new (a
        // rewrite in place with its time set back, `rsync --inplace -t`:
        // a probe's torn copy, exit 0). Said, as GNU tar says it; an input
        // to remove is judged by its removal (`InputRemoval`: kept).
        if removeAfter == nil, report.warnings.isEmpty, let readStamp, Self.changedWhileRead(input, since: readStamp) {
            // `-t` writes nothing: its verdict is the one of what it read
            // (it said "the output holds it", of no output: a probe helper).
            let what = options.test ? "the verdict is of it as read" : "the output holds it as read"
            context.report(.warning(path: inputName, "file changed as we read it; \(what)"))
            status = .warning
        }
        if let output {
            do {
                // Without -f, a file that took the output's name while the
                // input was read is kept, and so is the input (gzip never
                // replaces an output without -f).
                if try output.commit(attributes: attributes, sync: removeAfter != nil, replacing: replacing ?? options.force,
                                     inputRemoval: context.inputRemoval) == .targetExists {
                    context.report(.existingOutput(output.path))
                    return .warning
                }
            } catch {
                output.discard()
                context.fail(error)
                return .failure
            }
        }
        // Counted once its output is in place, as `FileSetSink` counts: an
        // output not written (its name taken meanwhile, by another input of
        // the same `-r` run: `x.tgz` and `x.tar.gz` both make `x.tar`) was
        // in --json's "files" and "bytes_out" (a probe helper).
        let decompressing = options.decompress || options.test
        context.summary.addFiles(1)
        context.summary.addBytes(read: decompressing ? report.gzipBytes : report.plainBytes,
                                 written: options.test ? 0 : (decompressing ? report.plainBytes : report.gzipBytes))
        var removed = false
        if let removeAfter, !report.keepInput {
            // The output is whole and in place; an input that stays (changed,
            // replaced, in a sticky directory of another user's, removed
            // meanwhile) is a warning, exit 2, as gzip gives it.
            let removal = context.inputRemoval.remove(removeAfter.path, ifStill: removeAfter.stamp,
                                                      whileOutputIs: output?.committedOutput)
            removed = removal == .removed
            if let diagnostic = removal.diagnostic(for: removeAfter.path) {
                context.report(diagnostic)
                status = max(status, diagnostic.exitStatus)
            }
        }
        if options.test {
            // gzip names standard input by nothing here: " OK".
            context.info(fromStandardInput ? " OK" : "\(TerminalText.shown(name: inputName)):\t OK")
        } else if context.verbose && !(fromStandardInput && decompressing) {  // gzip -dv < f says nothing
            let outcome: VerboseLine.Outcome = if let output {
                removed ? .replaced(name: output.path) : .created(name: output.path)
            } else {
                .standardOutput
            }
            // Decompressing, the first header and a trailer are left out, as
            // gunzip -v and gzip -l leave them (`VerboseLine`).
            let framing = options.decompress ? Self.firstHeaderAndTrailerBytes(of: input) : 0
            context.info(VerboseLine.text(name: fromStandardInput ? nil : inputName, plainBytes: report.plainBytes,
                                          gzipBytes: report.gzipBytes - framing, outcome: outcome))
        }
        return status
    }

    /// The length of the first header of the gzip file open on `input`
    /// (read from its start) and a trailer's 8 bytes: what gzip leaves out
    /// of a ratio; 0 when it cannot be read.
    private static func firstHeaderAndTrailerBytes(of input: Int32) -> Int64 {
        guard case .complete(let length)? = try? GzipHeaderScan.scanning(input, from: 0) else { return 0 }
        return Int64(length) + 8
    }

    private struct TransformReport {
        var plainBytes: Int64
        var gzipBytes: Int64
        var warnings: [String] = []
        var keepInput = false
    }

    private func compress(
        input: Int32, inputName: String, size: Int64?, pipeline: Pipeline, sink: OutputTarget
    ) throws(BaleError) -> TransformReport {
        let chunkSize = pipeline.options.chunkSize
        // The members, then the end member that proves the stream whole.
        let members = EndMemberSink(sink)
        // A regular file that says it is empty may be a file of /proc,
        // whose size is known only once it is read (its st_size is 0); a
        // file of /sys says 4,096 bytes whatever it holds
        // (`FileSystemKind.pseudo`): either is read to its end like a pipe, as
        // GNU gzip reads it. A truly empty file reads nothing either way,
        // and its output is the same.
        if let size, size > 0, FileSystemKind.of(input) != .pseudo {
            let cutter = FileChunkCutter(fd: input, size: size, chunkSize: chunkSize, arena: pipeline.workers.arena,
                                         contentDefined: options.rsyncable)
            let report = try runner.perform(.init(cutter: cutter, kind: options.engine.compression(level: options.level),
                                                  inputName: inputName, output: members), on: pipeline)
            let endLength = try members.writeEndMember()
            var result = TransformReport(plainBytes: report.bytesIn, gzipBytes: report.bytesOut + Int64(endLength))
            if cutter.grewWhileReading {
                result.warnings.append("file grew while being compressed; only its first \(size) bytes were compressed, so it is kept")
                result.keepInput = true
            }
            return result
        }
        let cutter = StreamChunkCutter(fd: input, path: inputName, chunkSize: chunkSize, arena: pipeline.workers.arena,
                                       contentDefined: options.rsyncable)
        let report = try runner.perform(.init(cutter: cutter, kind: options.engine.compression(level: options.level),
                                              inputName: inputName, output: members), on: pipeline)
        let endLength = try members.writeEndMember()
        return TransformReport(plainBytes: report.bytesIn, gzipBytes: report.bytesOut + Int64(endLength))
    }

    /// A compressed file up to this size is inflated right here, in one
    /// streaming pass: it holds at most one of bale's chunks' worth, so the
    /// workers could not share it anyway, and starting the pipeline's
    /// threads for it costs more than inflating it. Measured with
    /// `bale gunzip -r` on 100,000 small .gz files: 36.5 s through the
    /// pipeline (37 s of it in the kernel, creating threads), against
    /// `gzip -dr`'s 6.6 s.
    static let inlineLimit: Int64 = 1 << 20

    /// `stoppedAt` is told how far the gzip stream was read, however its
    /// reading ends (for `--json` after an error).
    private func decompress(
        input: Int32, inputName: String, size: Int64?, fromStandardInput: Bool, pipeline: Pipeline, sink: OutputTarget,
        stoppedAt: (Int64) -> Void
    ) throws(BaleError) -> TransformReport {
        // gzip -dcf (zcat -f): an input that does not start as gzip is
        // copied to standard output as it is, so that one command reads a
        // mix of compressed and plain files, and so are the bytes that
        // follow the last member when they are not gzip. Its first two
        // bytes tell: read in place from a file, or taken from a stream and
        // handed on. `gzip -tf` is the same with the output discarded (gzip's
        // -t writes to standard output): a plain file passes, as in gzip.
        // Standard input goes to standard output without -c (`curl … |
        // gunzip -f`), and `-o FILE` is bale's name for `-c > FILE`: both
        // pass plain bytes too. Only an output beside its input (in
        // place, or -r's mirror) refuses them, as gzip's does.
        let writesAsWithC = options.toStandardOutput || options.outputPath != nil || fromStandardInput
        let passesPlainBytes = options.force && (options.decompress && writesAsWithC || options.test)
        var head: [UInt8] = []
        if passesPlainBytes {
            head = try Self.firstBytes(of: input, inputName: inputName, count: 2, inPlace: size != nil)
            if head.count < 2 || !GzipHeader.beginsMember(head[0], head[1]) {
                try Self.copy(input, after: size == nil ? head : [], inputName: inputName, to: sink)
                return TransformReport(plainBytes: sink.bytesWritten, gzipBytes: sink.bytesWritten)
            }
            if size != nil { head = [] }
        }
        let ending: GzipStreamDecoder.Ending
        let compressedBytes: Int64
        if let size, size <= Self.inlineLimit {
            ending = try GzipStreamDecoder.decode(fd: input, path: inputName,
                                                  zlibOnly: GunzipJob.inflatesStreamsWithZlib(
                                                      codec: options.engine.codec, judging: options.test),
                                                  copiesTrailingBytes: passesPlainBytes, stoppedAt: stoppedAt,
                                                  sink: sink)
            compressedBytes = size
        } else {
            let report = try GunzipJob.run(input: input, inputName: inputName, seekable: size != nil, head: head,
                                           codec: options.engine.codec, pipeline: pipeline,
                                           copiesTrailingBytes: passesPlainBytes,
                                           judging: options.test, streamStoppedAt: stoppedAt,
                                           sink: sink)
            ending = report.ending
            compressedBytes = report.compressedBytes
        }
        var result = TransformReport(plainBytes: sink.bytesWritten, gzipBytes: compressedBytes)
        if ending == .trailingGarbage { result.warnings.append(GzipStreamDecoder.trailingGarbageWarning) }
        // Zero padding is said only with -v, as GNU gzip says it (and then
        // it is a warning, exit 2, as there).
        if ending == .trailingZeros && options.context.verbose { result.warnings.append(GzipStreamDecoder.trailingZerosWarning) }
        return result
    }

    /// Up to `count` bytes from the start of `input`: read at its offset
    /// and left there (`inPlace`, a file), or taken from the stream.
    private static func firstBytes(of input: Int32, inputName: String, count: Int,
                                   inPlace: Bool) throws(BaleError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let offset = inPlace ? Int64(lseek(input, 0, SEEK_CUR)) : 0
        let got: Int
        do {
            got = try typedThrows(SystemError.self) {
                try bytes.withUnsafeMutableBytes { buffer in
                    inPlace ? try FileIO.read(input, into: buffer.baseAddress!, count: count, at: offset)
                        : try FileIO.read(input, into: buffer.baseAddress!, count: count)
                }
            }
        } catch {
            throw .readFailed(path: inputName, error)
        }
        return Array(bytes.prefix(got))
    }

    /// Copies `head`, then the rest of `input`, to `sink` as they are.
    private static func copy(_ input: Int32, after head: [UInt8], inputName: String,
                             to sink: OutputTarget) throws(BaleError) {
        try typedThrows(BaleError.self) { try head.withUnsafeBytes { try sink.write($0) } }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 17, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let got: Int
            do { got = try FileIO.read(input, into: buffer.baseAddress!, count: buffer.count) } catch {
                throw .readFailed(path: inputName, error)
            }
            if got == 0 { return }
            try sink.write(UnsafeRawBufferPointer(rebasing: buffer[..<got]))
        }
    }
}

