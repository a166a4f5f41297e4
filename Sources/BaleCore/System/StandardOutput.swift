#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// The one way bale writes to standard output, for every command: the
/// data of `gzip -c`, `gunzip -c` and `pack -o -`, the lines of `list`,
/// `verify`, `sum` and `sum -c`, manifests written to `-`, and `--json`.
///
/// Why one path: a write to standard output can fail in two ways that
/// mean different things, and each command used to decide on its own
/// (some ignored the failure, some called a closed pipe an error). Here:
///
/// - The reader went away (EPIPE: `bale list big.tgz | head`). Nothing is
///   wrong with the work; the caller stopped wanting it. That is
///   `BaleError.brokenPipe`, which every command turns into a quiet stop
///   with exit 141, the status of a process ended by SIGPIPE, as the
///   README promises. The executable ignores SIGPIPE from the start (see
///   `ProcessSignals.ignoreWriteSignals`), so that the write fails with EPIPE instead of
///   killing bale before it has removed its temporary files and ended its
///   workers; the workers get SIGPIPE's default back (`ChildProcess`).
/// - Anything else (a full disk, `/dev/full`, a file-size limit, an I/O
///   error, a standard output that was closed): the output is incomplete
///   and the user must be told. That is `BaleError.writeFailed(path:
///   "stdout", …)`, printed as `bale: stdout: write error: No space left on
///   device`, exit 1.
///
/// bale writes with write(2), never through C's stdio buffer, so nothing
/// is left to flush at exit; `close()` at the end still checks the last
/// word of the kernel (a file system that reports a deferred write error
/// on close, as NFS does), as coreutils' close_stdout does.
public enum StandardOutput {
    /// How messages name standard output.
    public static let name = "stdout"

    /// Writes all of `bytes` to standard output.
    public static func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        do { try FileIO.write(1, from: base, count: bytes.count) } catch {
            let failure = failure(error)
            if case .writeFailed = failure { failed.store(true, ordering: .relaxed) }
            throw failure
        }
    }

    /// True once a write to standard output failed (a full disk, a
    /// closed descriptor; not a reader that went away): the run's end
    /// does not try it again for the JSON summary, whose write would fail
    /// the same way and say so a second time.
    public static var hasFailed: Bool { failed.load(ordering: .relaxed) }
    private static let failed = Atomic<Bool>(false)

    /// Writes all of `bytes` to standard output.
    public static func write(_ bytes: [UInt8]) throws(BaleError) {
        try typedThrows(BaleError.self) { try bytes.withUnsafeBytes { try write($0) } }
    }

    /// Writes `text` (UTF-8) to standard output.
    public static func write(_ text: String) throws(BaleError) {
        try write(Array(text.utf8))
    }

    /// The error a failed write to standard output is.
    public static func failure(_ error: SystemError) -> BaleError {
        error.code == EPIPE ? .brokenPipe : .writeFailed(path: name, error)
    }

    /// Closes standard output at the end of a run and reports what the
    /// kernel says then. A standard output that was never open (reserved
    /// by `reserveStandardDescriptors`) closes without complaint: only
    /// writes to it are errors.
    public static func close() throws(BaleError) {
        if Glibc.close(1) != 0 && errno != EINTR && errno != EBADF {
            throw failure(.current("close"))
        }
    }

    /// Makes sure descriptors 0, 1 and 2 are open before bale opens
    /// anything. Started with one of them closed (`bale list x.tgz >&-`),
    /// the first file bale opened would get that number, and the listing
    /// (or a `gzip -c` stream) would be written into it. Each closed one
    /// gets /dev/null opened the wrong way round (read-only for output,
    /// write-only for input), as gnulib's stdopen does, so that using it
    /// still fails with EBADF and is reported as a write error.
    public static func reserveStandardDescriptors() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY)
            if opened >= 0 && opened != fd {
                dup2(opened, fd)
                Glibc.close(opened)
            }
        }
    }

    /// Checks, when the process exits, what the argument parser printed
    /// through C's stdio (`--help`, `--version`, usage errors): that
    /// buffer is flushed by exit(), which ignores a failure, so `bale
    /// --help > /dev/full` would end with 0. The handler flushes it first
    /// and ends the process with 1 and a message, or 141 quietly for a
    /// closed pipe, as for every other output.
    public static func checkBufferedOutputAtExit() {
        atexit {
            if fflush(nil) != 0 {
                let error = SystemError.current("write")
                if error.code == EPIPE { _exit(141) }
                FileIO.report("bale: \(BaleError.writeFailed(path: StandardOutput.name, error).description)")
                _exit(1)
            }
        }
    }

    /// Lines gathered into large writes (`bale list` and `unpack -v` print
    /// a line per entry: one write each would be a system call per entry),
    /// or written line by line when standard output is a terminal, as
    /// stdio does. Whoever fills it must `flush` it at the end and handle
    /// the error, as with any buffered output. Used by one thread at a time.
    public final class Buffer: @unchecked Sendable {  // one thread at a time: whoever fills it, then flushes it
        private var pending: [UInt8] = []
        private let limit = isatty(1) != 0 ? 1 : 1 << 16
        /// The first failed write; once it has failed, nothing more is written.
        private var failure: BaleError?
        /// True once `failure` has been thrown to a caller (it is said once).
        private var told = false

        public init() { pending.reserveCapacity(limit) }

        /// Adds `bytes` (whole lines: `TarLister`'s, newline included).
        public func append(_ bytes: ArraySlice<UInt8>) throws(BaleError) {
            if let failure { throw failure }
            pending += bytes
            if pending.count >= limit { try flush() }
        }

        /// Adds `text` where the caller cannot stop on a failed write (a
        /// `-v` line while extracting): the first failure is kept, later
        /// lines are dropped, and `flush` throws it at the end.
        public func appendOrRemember(_ text: String) {
            guard failure == nil else { return }
            pending += text.utf8
            if pending.count >= limit { write() }
        }

        /// Writes out everything waiting where the caller cannot stop on a
        /// failed write (see `appendOrRemember`): the failure is kept for `flush`.
        public func writeOutOrRemember() {
            if failure == nil { write() }
        }

        /// Writes out everything waiting; throws the first failure (a
        /// kept one too) unless it was already thrown.
        public func flush() throws(BaleError) {
            if failure == nil { write() }
            if let failure, !told {
                told = true
                throw failure
            }
        }

        private func write() {
            guard !pending.isEmpty else { return }
            defer { pending.removeAll(keepingCapacity: true) }
            do { try StandardOutput.write(pending) } catch { failure = error }
        }
    }
}
