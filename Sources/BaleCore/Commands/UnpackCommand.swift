#if canImport(Glibc)
import Glibc
#endif

/// `bale unpack ARCHIVE [-C DIR]`, `bale list ARCHIVE` and `bale verify
/// ARCHIVE`: read a .tar.gz, .tgz or plain .tar from any tool; bale's own
/// archives are decompressed in parallel on the workers, and the tar
/// stream is extracted (safely, see `TarExtractor`), listed or checked
/// as it comes out of the collector; named entries of an indexed archive
/// are read through its index (`NamedEntries`).
public struct UnpackCommand {
    /// What the command line asked for.
    public struct Options: Sendable {
        /// The archive; "-" for standard input.
        public var archive = "-"
        /// Where to extract (`-C`), the current directory by default; a
        /// name that is not UTF-8 in `TerminalText.name`'s stand-ins.
        public var directory = "."
        /// What is done with the archive: extracted (the default), listed,
        /// or checked.
        public var mode = Mode.extract
        /// The entries named (`bale unpack ARCHIVE PATH...`, `--wildcards`);
        /// empty for every entry.
        public var selection = EntrySelection()
        /// What extraction does with names, files already there, modes,
        /// owners and times (GNU tar's options); `list` takes its exclusions.
        public var policy = ExtractionPolicy()
        /// Where the run reports its diagnostics and figures.
        public var context = RunContext()
        /// The workers, readers, codec, chunk size and reporting options
        /// every command shares (`EngineSettings`).
        public var engine = EngineSettings()
        /// `verify` prints its verdict line (`x.tgz: OK (3 entries)`);
        /// not under `--json`, whose report on standard output says it
        /// (`exit_status`): the line before it made the output no JSON
        /// (`verify x --json | jq` failed when the archive was whole: a
        /// probe helper).
        public var printsVerdict = true
        /// Every option at its default.
        public init() {}
    }

    /// What `UnpackCommand` does with the archive it reads.
    public enum Mode: Sendable {
        /// `bale unpack`: the entries written under the destination.
        case extract
        /// `bale list`: a line per entry, as `tar -tv`.
        case list
        /// `bale verify`: every member's CRC and size, the tar structure,
        /// and with a manifest (in sha256sum's format) every file's digest.
        case verify(manifest: String?)
    }

    /// The command's options, as the command line set them.
    public var options: Options
    /// The command, to `run` with `options`.
    public init(options: Options) { self.options = options }

    /// Reads the archive and does what `options.mode` says; the exit code.
    public func run() -> ExitCode {
        let context = options.context
        guard let input = ArchiveInput.open(options.archive, context: context) else { return .failure }
        defer { input.close() }
        return CommandRunner(context: context, engine: options.engine).withPipeline { pipeline in
            read(input, pipeline: pipeline)
        }
    }

    /// Extracts, lists or verifies the archive `input`, as `options.mode` says.
    private func read(_ input: ArchiveInput, pipeline: Pipeline) -> ExitCode {
        let context = options.context
        switch options.mode {
        case .verify(let manifest): return verify(input, manifest: manifest, pipeline: pipeline)
        case .list: return list(input, pipeline: pipeline)
        case .extract: break
        }
        // -C's name as its bytes (TerminalText's stand-ins, from the command line).
        let directory = TerminalText.bytes(ofName: options.directory)
        var policy = options.policy
        if options.directory != "." {
            switch MissingDirectories.made(directory) {
            case .success(let made): policy.destinationIsNew = made
            case .failure(let failure):
                context.fail(BaleError.cannotOpen(path: TerminalText.name(failure.directory), failure.error))
                return .failure
            }
        }
        let root = withCString(directory) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        if root < 0 {
            context.fail(BaleError.cannotOpen(path: options.directory, .current("open")))
            return .failure
        }
        defer { FileIO.close(root) }
        // -v names each entry on standard output, as tar -xv does. A
        // failed write there does not stop the extraction (the work the
        // command is for); it is reported at the end (exit 1, or 141
        // quietly for a reader that went away).
        let names = context.verbose ? StandardOutput.Buffer() : nil
        let extractor = {
            var extractor = TarExtractor(root: root, policy: policy,
                                         writerThreads: options.engine.pipeline.ioThreads)
            extractor.destinationName = options.directory
            if let names {
                extractor.onEntry = { entry in names.appendOrRemember(TerminalText.escaped(entry.name) + "\n") }
                extractor.onLongWait = { names.writeOutOrRemember() }
            }
            return extractor
        }
        if !options.selection.takesEverything {
            return NamedEntries(input: input, selection: options.selection, purpose: .extraction(policy, destination: root),
                                engine: options.engine, context: context)
                .read(into: extractor, pipeline: pipeline, output: names)
        }
        // bale's own archive in a file: held to its index, which `list`
        // shows (`IndexHeldExtraction`); a damaged index is not used (the
        // stream is extracted as tar extracts it; `verify` says why).
        if input.seekable && input.isGzip,
           case .found(let found) = ArchiveIndexReader.lookUpRecords(fd: input.fd, path: input.name) {
            let held = IndexHeldExtraction(extractor(), index: ArchiveIndexDecoder.EntryWalk(found), archiveName: input.name)
            let sink = TarStreamSink(archiveName: input.name, handler: held)
            return input.read(into: sink, codec: options.engine.codec, pipeline: pipeline, context: context, output: names)
        }
        let sink = TarStreamSink(archiveName: input.name, handler: extractor())
        return input.read(into: sink, codec: options.engine.codec, pipeline: pipeline, context: context, output: names)
    }

    /// `bale list`: bale's own archive, in a file, from its index when it
    /// has a usable one; else (with a warning when it is damaged) from the
    /// stream.
    private func list(_ input: ArchiveInput, pipeline: Pipeline) -> ExitCode {
        let context = options.context
        let (name, fd, seekable, isGzip) = (input.name, input.fd, input.seekable, input.isGzip)
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
            (line: ArraySlice<UInt8>) throws(BaleError) in try listing.append(line)
        })
        return max(status, input.read(into: sink, codec: options.engine.codec, pipeline: pipeline, context: context,
                                      output: listing))
    }

    /// `bale verify`: reads everything, writes nothing. A tar, plain or in
    /// a gzip, is read as a tar (structure and, with a manifest, digests),
    /// whatever its name; any other gzip as gzip alone, as `gunzip -t`
    /// does (see `TarSniffer`). A name that says tar holds it to one.
    private func verify(_ input: ArchiveInput, manifest: String?, pipeline: Pipeline) -> ExitCode {
        let context = options.context
        let (name, fd, seekable, isGzip, stream) = (input.name, input.fd, input.seekable, input.isGzip, input.stream)
        var expected = Manifest.Entries()
        if let manifest {
            switch ManifestFile.readStrictly(manifest) {
            case .success(let entries): expected = entries
            case .failure(let error):
                context.fail(error)
                return .failure
            }
        }
        // bale's own archive in a file: its index is checked against the
        // stream, entry by entry; a damaged index fails the verification
        // (the stream is still checked, to say whether the data is whole).
        var index: ArchiveIndexDecoder.EntryWalk?
        var indexedMembers: [ArchiveIndex.Member] = []
        var indexProblem: String?
        if seekable && isGzip {
            // Checked whole, its entries made one at a time as the stream's come.
            switch ArchiveIndexReader.lookUpRecords(fd: fd, path: name) {
            case .found(let found):
                index = ArchiveIndexDecoder.EntryWalk(found)
                indexedMembers = found.index.members
            case .unusable(let reason): indexProblem = "the archive's index is damaged: \(reason)"
            case .absent: break
            }
        }
        let sink = TarStreamSink(archiveName: name,
                                 handler: TarVerifier(manifest: manifest == nil ? nil : expected,
                                                      index: index))
        // The content says whether it is a tar (`TarSniffer`), not the name:
        // a plain file that is none is "not in gzip format", as gunzip -t
        // says of it. A name that says tar is held to one, unsniffed: a
        // .tar.gz of a few bytes of text fails, as `unpack` of it fails.
        let notGzip = BaleError.corrupt(path: name, offset: nil, reason: "not in gzip format")
        let sniffer = Self.nameSaysTar(name) ? nil : TarSniffer(tar: sink, refusal: isGzip ? nil : notGzip)
        // Bytes that are not gzip after the last member: a warning, as
        // gunzip -t and gzip -t give (the members before them were whole).
        var trailingGarbage = false
        // A gzip stream's bytes read, however its reading ends.
        var streamBytes: Int64?
        do throws(BaleError) {
            let reader: any OutputSink = sniffer ?? sink
            var compressedBytes: Int64 = 0
            if isGzip {
                let report = try stream.gunzip(input: fd, inputName: name, seekable: seekable, codec: options.engine.codec,
                                               pipeline: pipeline, judging: true,
                                               streamStoppedAt: { streamBytes = $0 }, sink: reader)
                trailingGarbage = report.ending == .trailingGarbage
                compressedBytes = report.compressedBytes
            } else {
                try stream.feedHead(to: reader)
                try reader.feedAll(from: fd, name: name)
            }
            try sniffer?.finish()
            if let sniffer, sniffer.isTar == false {
                // A .gz of something else, checked whole as gunzip -t checks
                // it: one file, its bytes and its data counted (the summary
                // said nothing was read).
                context.summary.addFiles(1)
                context.summary.addBytes(read: compressedBytes, written: sniffer.bytesWritten)
                if manifest != nil {
                    context.report(.error(path: name, "--manifest needs a tar archive; this holds none"))
                    return .failure
                }
                if trailingGarbage { return garbageVerdict(name, context: context) }
                return say("\(TerminalText.escaped(name)): OK\n", context: context)
            }
            try sink.finish(archiveName: name)
        } catch {
            // What was read before the error counts (`--json`).
            ArchiveInput.count(sink, archive: fd, streamBytes: streamBytes, into: context.summary)
            // Damage in a member of bale's own archive: find the first damaged
            // member again, in order, and name the entries it touches: when
            // it is known to hold a tar (a .gz of text damaged in its first
            // member got a report of tar stream bytes and lost headers).
            let holdsTar = sniffer.map { $0.isTar == true } ?? true
            if isGzip, seekable, error.isDamage, holdsTar,
               let report = DamageReport.locate(fd: fd, archiveName: name, codec: options.engine.codec) {
                // A file cut short says so first, in the words every command uses.
                if error.isTruncation { context.fail(error) }
                for line in report.lines(archiveName: name) { context.report(line) }
                return .failure
            }
            if let indexProblem { context.report(.error(path: name, indexProblem)) }
            context.report(sink.warningsBeforeFailure)  // damage skipped before the error, say
            context.fail(error)
            if let place = sink.placeOfFailedCheck(error) ?? sink.damagePlace { context.report(.error(path: name, place)) }
            return .failure
        }
        ArchiveInput.count(sink, archive: fd, streamBytes: streamBytes, into: context.summary)
        let warnings = sink.warnings + (trailingGarbage ? [.warning(path: name, GzipStreamDecoder.trailingGarbageWarning)] : [])
        for warning in warnings { context.report(warning) }
        let verifier = sink.handler
        // Its table of members too, which `cat` and a named `unpack` read
        // by: a member must begin where the table says, and end in the
        // trailer of as many bytes as it gives it (the trailers were held
        // to the data as the stream was read).
        if indexProblem == nil, let differs = ArchiveIndexReader.memberTableDisagreement(fd: fd, members: indexedMembers) {
            indexProblem = "the archive's index disagrees with its members: \(differs)"
        }
        if let problem = indexProblem ?? verifier.indexVerdict.map({ "the archive's index disagrees with its tar stream: \($0)" }) {
            context.report(.error(path: name, problem))
            return .failure
        }
        var failed = 0
        for (index, path) in expected.names.enumerated() {
            var shown: String { TerminalText.name(path) }  // for a message only: a line that matches needs none
            let digest = SHA256.Digest(expected.digests[(32 * index)..<(32 * index + 32)])
            // Judged by what extraction leaves at the name (`TarVerifier`).
            let found = verifier.extracted(at: path)
            if let found, found != .directory, TarVerifier.namesADirectory(path) {
                context.report(.error(path: shown, "FAILED (extracted from \(name) it is not a directory: "
                                      + "Not a directory)"))
                failed += 1
                continue
            }
            switch found {
            case nil:
                context.report(.error(path: shown, "not in \(name)"))
                failed += 1
            case .file(let found)? where found != digest:
                context.report(.error(path: shown, "FAILED (its content in \(name) differs from the manifest)"))
                failed += 1
            case .file?:
                break
            case .fileNotHashed?:
                context.report(.error(path: shown, "FAILED (in \(name) a hard link to a sparse file the manifest "
                                      + "does not name, not hashed)"))
                failed += 1
            case .directory?:
                context.report(.error(path: shown, "FAILED (extracted from \(name) it is a directory, not the "
                                      + "manifest's file)"))
                failed += 1
            case .other(let what)?:
                context.report(.error(path: shown, "FAILED (extracted from \(name) it is \(what), not the "
                                      + "manifest's file)"))
                failed += 1
            }
        }
        if failed > 0 {
            context.report(.error(path: name, "\(failed) of \(expected.count) files in the manifest do not match"))
            return .failure
        }
        // An empty manifest (one never written, cut to nothing, or of
        // comments only) checks nothing: it passes only an archive with no
        // regular file (a `--shard` part that got none), for which `pack
        // --manifest` writes one. Against files it said OK, where `sha256sum
        // -c` of it fails.
        if let manifest, expected.count == 0, verifier.extractsARegularFile {
            context.fail(ManifestFile.holdsNoChecksum(manifest))
            return .failure
        }
        // A damaged header skipped (its entry lost) is an error, never
        // "OK" nor "read with warnings".
        if warnings.contains(where: { $0.severity == .error }) { return .failure }
        let checked = manifest == nil ? ""
            : ", \(expected.count) \(expected.count == 1 ? "file matches" : "files match") the manifest"
        // Never a plain "OK" over a warning (a stream that may be cut short).
        let verdict = warnings.isEmpty ? "OK" : "read with warnings"
        let said = say("\(TerminalText.escaped(name)): \(verdict) (\(verifier.entries) entries\(checked))\n",
                       context: context)
        return said != .success ? said : (warnings.isEmpty ? .success : .warning)
    }

    /// True when `name` says it is a tar (.tar.gz, .tgz, .tar, .taz, in
    /// any case): `verify` then reads its content as a tar, sniffing
    /// nothing, so that content that is no tar fails as it fails `unpack`.
    /// A name only adds the tar check; any other name is sniffed.
    private static func nameSaysTar(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return [".tar.gz", ".tgz", ".tar", ".taz"].contains { lowered.hasSuffix($0) }
    }

    /// The verdict on a gzip whose members are whole and followed by bytes
    /// that are not gzip: gunzip -t's warning, exit 2.
    private func garbageVerdict(_ name: String, context: RunContext) -> ExitCode {
        context.report(.warning(path: name, GzipStreamDecoder.trailingGarbageWarning))
        let said = say("\(TerminalText.escaped(name)): read with warnings\n", context: context)
        return said != .success ? said : .warning
    }

    /// Prints `verify`'s verdict on standard output: success, unless it
    /// cannot be printed (exit 1 with a message; 141, quietly, for a
    /// reader that went away). A verdict nobody saw is no "OK".
    private func say(_ line: String, context: RunContext) -> ExitCode {
        guard options.printsVerdict else { return .success }
        do throws(BaleError) { try StandardOutput.write(line) } catch {
            context.fail(error)
            return error.exitStatus
        }
        return .success
    }
}
