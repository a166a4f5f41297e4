#if canImport(Glibc)
import Glibc
#endif

/// The archive a reading command was given (`unpack`, `list`, `verify`,
/// `cat`), opened once and told apart: a file or a stream, gzip or a plain
/// tar (by its first bytes; a format bale does not read, such as xz, is
/// refused by name), and the whole tar stream read into a `TarStreamSink`
/// with the outcome reported as every such command reports it. One home
/// for what the four commands share, so that `cat` reads an archive
/// exactly as `unpack` does.
struct ArchiveInput {
    /// The archive's name for messages ("stdin" for `-`).
    let name: String
    let fd: Int32
    /// True for a regular file (pread works, the index can be looked for).
    let seekable: Bool
    /// True when the first two bytes are gzip's magic.
    let isGzip: Bool
    /// The first bytes of a stream, read to tell gzip from tar.
    let stream: StreamStart

    /// Opens `archive` ("-": standard input) and reads its first bytes;
    /// nil, with the problem reported to `context`, when it cannot be read
    /// (a terminal, a file that cannot be opened, an empty input).
    static func open(_ archive: String, context: RunContext) -> ArchiveInput? {
        let name = archive == "-" ? "stdin" : archive
        if archive == "-" && isatty(0) != 0 {
            // As GNU tar and gzip -d: a terminal is not an archive (and
            // reading one would wait for typing that never comes).
            context.report(.error(path: "stdin", "refusing to read an archive from a terminal; give ARCHIVE, or pipe it in"))
            return nil
        }
        // `archive` keeps a name's bytes (`TerminalText.name`): opened by them.
        let fd = archive == "-" ? 0 : withCString(TerminalText.bytes(ofName: archive)) { Glibc.open($0, O_RDONLY | O_CLOEXEC) }
        if fd < 0 {
            context.fail(BaleError.cannotOpen(path: name, .current("open")))
            return nil
        }
        var info = stat()
        let seekable = fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG

        // gzip or a plain tar? The first bytes say: read with pread from
        // a file; read from a stream (a pipe, a socket), and then handed on
        // in front of the rest (`head`), so that a pipe works as a file does.
        let head: [UInt8]
        do throws(SystemError) {
            head = try firstBytes(fd, seekable: seekable)
        } catch {
            context.fail(BaleError.readFailed(path: name, error))
            if fd != 0 { FileIO.close(fd) }
            return nil
        }
        if head.count < 2 {
            context.report(.error(path: name, "\(head.isEmpty ? "empty" : "1 byte"): not a gzip file or a tar archive"))
            if fd != 0 { FileIO.close(fd) }
            return nil
        }
        // A .tar.xz, .tar.zst, .tar.bz2, ...: its cause named, nothing read
        // on. Unless the first block is a tar header whose first name
        // happens to begin with such a magic (a file named "\xfd7zXZ" is
        // xz's six bytes, its NUL included; "BZh91AY&SY", bzip2's ten), or
        // with gzip's two bytes.
        // A header whose checksum matches: "ustar" at byte 257 alone (which
        // `looksLikeHeader` takes, to hold a damaged archive to its tar
        // structure) could be a compressed stream's bytes.
        let startsWithTarHeader = head.count == TarHeader.blockSize && head[0] != 0 && TarReader.checksumMatches(head)
        if let compression = ForeignCompression(magic: Array(head.prefix(ForeignCompression.magicLength))),
           !startsWithTarHeader {
            context.report(.error(path: name, compression.refusal))
            if fd != 0 { FileIO.close(fd) }
            return nil
        }
        // A cpio archive (`find | cpio -o`, bsdtar --format cpio, an
        // initramfs): named as one, not as a tar with a bad checksum.
        if !startsWithTarHeader && CpioArchive.begins(head) {
            context.report(.error(path: name, CpioArchive.refusal))
            if fd != 0 { FileIO.close(fd) }
            return nil
        }
        return ArchiveInput(name: name, fd: fd, seekable: seekable, isGzip: head.count >= 2 && GzipHeader.beginsMember(head[0], head[1]) && !startsWithTarHeader,
                            stream: StreamStart(head: seekable ? [] : head))
    }

    /// Closes the archive (standard input stays open).
    func close() {
        if fd != 0 { FileIO.close(fd) }
    }

    /// Reads the whole tar stream into `sink` (decompressed on the
    /// workers when it is gzip) and reports the outcome to `context`: what
    /// `output` holds is printed before an error (as tar -tv prints what it
    /// listed), then the error; the handler's problems and the reader's
    /// warnings each count with their own exit status.
    func read<H: TarReader.Handler>(into sink: TarStreamSink<H>, codec: Codec, pipeline: Pipeline,
                                    context: RunContext, output: StandardOutput.Buffer? = nil) -> ExitCode {
        var status = ExitCode.success
        // The archive's bytes read: a file's size, a stream's as far as
        // it was read (a gzip stream's, however its reading ended).
        var archiveBytes: Int64?
        do {
            if isGzip {
                let report = try stream.gunzip(input: fd, inputName: name, seekable: seekable, codec: codec,
                                               pipeline: pipeline, streamStoppedAt: { archiveBytes = $0 }, sink: sink)
                // The archive is every caller's last job: its workers end
                // (and the arena's pages are freed) on a thread of their
                // own while the handler finishes (the extractor's files and
                // directories), not after it.
                pipeline.workers.retire()
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
            // The entries refused and the damage skipped before the error
            // are named too (an archive cut short after a '../' entry, say),
            // so that every entry not on disk is named, as tar names them.
            let problems = sink.finishProblems(stoppedShort: true)
            // What was listed before the error is printed, then the error
            // (which a closed or full standard output does not hide).
            do throws(BaleError) { try output?.flush() } catch let failure {
                context.fail(failure)
            }
            context.report(problems)
            context.fail(error)
            // What was read and written before the error counts, as it
            // was done (`--json` said 0 entries of an archive cut short
            // whose entries were extracted but the last).
            Self.count(sink, archive: fd, streamBytes: archiveBytes, into: context.summary)
            // Damage after a damaged header was skipped (the stream read on
            // past a gap: a member missing in the middle): where it may
            // begin, as `verify` says it, so that the entry read across the
            // gap, extracted whole in size but not in content, is named
            // (found by a probe: a bale archive with its middle member cut
            // out left a file of the right size, wrong content, and no
            // message naming it). Damage met with no skip before it stops
            // at the entry it hits, which is not extracted.
            if error.isDamage, case .some = sink.firstSkipAfter, let place = sink.damagePlace {
                context.report(.error(path: name, place))
            } else if let place = sink.placeOfFailedCheck(error) {
                // A member checked only at its end, whose data was written
                // as it came: the entries it may have changed are named.
                context.report(.error(path: name, place))
            }
            return error.exitStatus
        }
        // Each problem counts with its own exit status: an entry not
        // extracted 1, a file kept by -k 2, a newer one kept by
        // --keep-newer-files 0 (as GNU tar), a name not found 2.
        status = max(status, context.report(sink.finishProblems()))
        Self.count(sink, archive: fd, streamBytes: archiveBytes, into: context.summary)
        do throws(BaleError) { try output?.flush() } catch {
            context.fail(error)
            return error.exitStatus
        }
        return status
    }

    /// Adds the entries and bytes `sink` read to the run's summary: the
    /// archive's size read (for a regular file at `fd`; for a gzip
    /// stream, `streamBytes`, its bytes read; for a plain tar stream, the
    /// tar bytes), the tar stream's bytes written (or listed).
    static func count<H: TarReader.Handler>(_ sink: TarStreamSink<H>, archive fd: Int32, streamBytes: Int64?,
                                            into summary: RunSummary) {
        let (entries, bytes) = sink.progress
        var info = stat()
        let size = fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Int64(info.st_size) : streamBytes ?? bytes
        summary.addFiles(entries)
        summary.addBytes(read: size, written: bytes)
    }

    /// The first bytes of the input, enough to tell gzip (two) and the
    /// formats bale does not read (`ForeignCompression.magicLength`), fewer
    /// if it is shorter: read in place from a file, consumed from a stream.
    private static func firstBytes(_ fd: Int32, seekable: Bool) throws(SystemError) -> [UInt8] {
        // A magic's bytes, and the first tar header's block, which tells
        // a plain tar whose first name begins with a magic.
        let wanted = max(ForeignCompression.magicLength, TarHeader.blockSize)
        var bytes = [UInt8](repeating: 0, count: wanted)
        let count = try typedThrows(SystemError.self) {
            try bytes.withUnsafeMutableBytes { (raw) throws(SystemError) in
                seekable ? try FileIO.read(fd, into: raw.baseAddress!, count: wanted, at: 0)
                    : try FileIO.read(fd, into: raw.baseAddress!, count: wanted)
            }
        }
        return Array(bytes.prefix(count))
    }
}
