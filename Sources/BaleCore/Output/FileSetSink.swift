#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// The outputs of a batch job (`bale gzip -r`): one .gz per file of a
/// `FileSetCutter`, each through its own temporary file.
///
/// The collector hands over every chunk's gzip member in sequence order;
/// the chunk counts fixed by the cutter say where each file's members
/// begin and end. A file's output is created at its first member, written,
/// and at its last member either renamed into place with the input's mode,
/// owner and times, or discarded if the input could not be read faithfully.
/// So every finished output is whole, every unfinished one is a temporary
/// file (`.NAME.gz.bale-XXXXXX`), which the signal handlers remove and the
/// next run recognises.
///
/// Inputs are removed only after their outputs are safely on disk. One
/// `fsync` per file would cost more than compressing a small file, so
/// outputs are made durable in groups: after `removalBatch` files (and at
/// the end) one `syncfs` flushes the file system, then the inputs of that
/// group are unlinked. A crash in between leaves input and complete output
/// side by side, which the next run finishes (see `RecursiveGzip`).
public final class FileSetSink: OutputSink, @unchecked Sendable {
    static let removalBatch = 256

    private let cutter: FileSetCutter
    private let messages: Messages
    private var index = -1
    private var file: FileTask?
    private var current: AtomicOutputFile?
    private var currentBytes: Int64 = 0
    private var pendingRemovals: [[UInt8]] = []
    /// The worst outcome so far: 0, 2 (a warning) or 1 (an error), as exit codes rank.
    public private(set) var status = ExitCode.success
    /// The paths and SHA-256 of the files whose output is in place, when
    /// the cutter makes digests (`--manifest`).
    public private(set) var digests = Manifest.Entries()

    public init(cutter: FileSetCutter, messages: Messages) {
        self.cutter = cutter
        self.messages = messages
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        preconditionFailure("FileSetSink needs each chunk's sequence number")
    }

    public func write(_ bytes: UnsafeRawBufferPointer, sequence: UInt64) throws(BaleError) {
        guard let unit = cutter.unit(sequence) else { throw .workerFailed("chunk \(sequence) was never planned") }
        switch unit {
        case .files(let range):
            // One member per file, one after another: each member's header
            // records its length (bale's "BL" subfield).
            var offset = 0
            for file in range {
                let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                guard case .header(let header) = GzipHeader.parse(rest), let sizes = header.recordedSizes,
                      sizes.memberLength <= rest.count else {
                    throw .workerFailed("a batch came back without its members")
                }
                try begin(file)
                writeCurrent(UnsafeRawBufferPointer(rebasing: rest[0..<sizes.memberLength]))
                currentBytes += Int64(sizes.memberLength)
                try end()
                offset += sizes.memberLength
            }
            cutter.release(sequence, files: range)
        case .part(let file, let chunk, let count):
            if chunk == 0 { try begin(file) }
            writeCurrent(bytes)
            currentBytes += Int64(bytes.count)
            if chunk == count - 1 {
                try end()
                cutter.release(sequence, files: file..<(file + 1))
            } else {
                cutter.release(sequence, files: 0..<0)
            }
        }
    }

    private func begin(_ next: Int) throws(BaleError) {
        index = next
        currentBytes = 0
        guard let task = cutter.task(index) else { throw .workerFailed("file \(index) was never planned") }
        file = task
        do {
            current = try AtomicOutputFile(pathBytes: task.target, mode: task.source.info.st_mode & 0o7777)
        } catch {
            // This output cannot be made (a read-only directory, say): the
            // file is left as it is and the job goes on with the others.
            current = nil
            fail(error.description)
        }
    }

    /// Writes to the current output. A write error (a full disk, a
    /// file-size limit) fails this file alone, as in gzip -r: it is named,
    /// its temporary output removed, its input kept, the rest of its
    /// members dropped, and the job goes on with the next file (which may
    /// fit), so that every file not compressed is named.
    private func writeCurrent(_ bytes: UnsafeRawBufferPointer) {
        guard let output = current else { return }
        do { try output.write(bytes) } catch {
            failCurrent(output, error)
        }
    }

    /// Fails the current file after an error on its output (see `writeCurrent`).
    private func failCurrent(_ output: AtomicOutputFile, _ error: BaleError) {
        output.discard()
        current = nil
        _ = cutter.takeDigest(of: index)
        let source = file.map { String(decoding: $0.source.path, as: UTF8.self) } ?? output.path
        fail("\(error.description); \(source) not compressed, left as it was")
    }

    private func end() throws(BaleError) {
        guard let output = current, let file else {
            _ = cutter.takeDigest(of: index)  // a file that failed: no digest to list
            return
        }
        current = nil
        let digest = cutter.takeDigest(of: index)
        var source: String { String(decoding: file.source.path, as: UTF8.self) }
        let problem = cutter.problem(of: index)
        switch problem {
        case .unreadable(let reason)?:
            output.discard()
            fail("\(source): \(reason); not compressed")
            return
        case .changed?:
            output.discard()
            fail("\(source): file changed as we read it; not compressed")
            return
        case .grew?, nil:
            break
        }
        do {
            var attributes = AtomicOutputFile.Attributes(file.source.info)
            attributes.setsOwner = !file.ownerComesFree
            try output.commit(attributes: attributes, sync: false)
        } catch {
            failCurrent(output, error)
            return
        }
        if let digest { digests.append(name: file.source.path, digest: digest) }
        let size = Int64(file.source.info.st_size)
        RunSummary.shared.addFiles(1)
        RunSummary.shared.addBytes(read: size, written: currentBytes)
        if problem == .grew {
            warn("\(source): file grew while being compressed; only its first \(size) bytes were compressed, so it is kept")
        } else if file.removesSource {
            pendingRemovals.append(file.source.path)
        }
        if messages.verbose {
            let ratio = size == 0 ? 0 : 100 * (1 - Double(currentBytes) / Double(size))
            messages.info("\(source):\t\((ratio * 10).rounded() / 10)% -- \(file.removesSource && problem == nil ? "replaced with" : "written to") \(output.path)")
        }
        if pendingRemovals.count >= Self.removalBatch { removeInputs() }
    }

    /// Makes the outputs written so far durable, then removes their inputs.
    private func removeInputs() {
        guard let last = pendingRemovals.last else { return }
        let slash = last.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { $0 == 0 ? [UInt8(ascii: "/")] : Array(last[..<$0]) } ?? [UInt8(ascii: ".")]
        let fd = withCString(directory) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        if fd < 0 || bale_syncfs(fd) != 0 {
            // Not known to be on disk: keep every input of the group.
            fail("\(String(decoding: directory, as: UTF8.self)): cannot flush the outputs to disk (\(SystemError.current("syncfs").reason)); inputs kept")
            if fd >= 0 { FileIO.close(fd) }
            pendingRemovals = []
            return
        }
        FileIO.close(fd)
        for path in pendingRemovals where withCString(path, { unlink($0) }) != 0 {
            fail(BaleError.cannotOpen(path: String(decoding: path, as: UTF8.self), .current("unlink")).description)
        }
        pendingRemovals = []
    }

    /// Ends the job: removes the inputs still waiting, discards an output
    /// left unfinished (after a failure).
    public func finish() {
        current?.discard()
        current = nil
        removeInputs()
    }

    private func fail(_ text: String) {
        messages.error(text)
        status = .failure
    }

    private func warn(_ text: String) {
        messages.warning(text)
        status = max(status, .warning)
    }
}
