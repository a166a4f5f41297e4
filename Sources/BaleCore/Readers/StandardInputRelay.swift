#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Standard input that a worker cannot open, relayed to one it can: a
/// thread of the parent reads it and writes it into a pipe, whose read
/// end the worker opens through /proc as it opens any standard input
/// (`SumItem.standardInputSource`).
///
/// A worker hashes `bale sum -` by opening bale's standard input anew,
/// `/proc/PID/fd/0`: a pipe so opened is the same pipe, a file the same
/// file. A socket cannot be opened so (ENXIO, "No such device or
/// address"): `bale sum` of a socket on standard input (a socketpair
/// from Python's subprocess, socat, an inetd service) failed, exit 1,
/// where sha256sum reads it (a probe helper). Sockets only: a pipe or a
/// file needs no relay, and is read by the worker itself.
///
/// A pipe's end tells its reader nothing of why it ended, so a read of
/// the socket that fails (a connection reset) must not reach the worker
/// as the end of its input, which it would hash as the whole: the relay
/// keeps the failure, and the printer asks for it (`failure()`) before it
/// prints the digest, reporting the input unreadable instead. The worker
/// sees its input end only once the relay has stopped, so by the time
/// its digest comes back the relay's word is final. (`GzipSummary`'s
/// `StreamRelay` is its twin for `gzip -l` of a pipe, which also counts
/// and scans the header on the way; each keeps its own loop.)
final class StandardInputRelay: Sendable {
    /// The pipe's read end, for the worker to open through /proc: kept
    /// open until the relay is dropped.
    let readEnd: Int32
    private let thread: JoinableThread
    /// The errno of the read of standard input that failed, or nil: held
    /// by the thread's closure and the relay alike.
    private final class Failure: Sendable {
        let code = Mutex<Int32?>(nil)
    }
    private let readFailure = Failure()

    /// The relay of standard input when it is a socket, made the first
    /// time it is asked for; nil for anything else, or when no pipe can be
    /// made (the worker then meets ENXIO and the input is reported
    /// unreadable, as before). One for the run: `bale sum - -` hashes the
    /// whole input, then nothing, as sha256sum does and as two opens of a
    /// pipe give (two relays read the socket by turns, each half of it).
    static let shared = ifNeeded()

    private static func ifNeeded() -> StandardInputRelay? {
        var info = stat()
        guard fstat(0, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK,
              let pipe = try? Pipe() else { return nil }
        return StandardInputRelay(pipe)
    }

    private init(_ pipe: Pipe) {
        readEnd = pipe.readEnd
        let failure = readFailure
        let writeEnd = pipe.writeEnd
        thread = JoinableThread(name: "bale-stdin-relay") {
            // The write end is closed whatever happens: the worker's read
            // then ends, and the printer asks `failure()`.
            defer { FileIO.close(writeEnd) }
            let size = 1 << 16
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let got: Int
                do throws(SystemError) {
                    got = try FileIO.readSome(0, into: buffer, count: size)
                } catch {
                    failure.code.withLock { $0 = error.code }
                    return
                }
                if got == 0 { return }
                // A worker that stopped reading (killed, or it failed on
                // its own): EPIPE, as SIGPIPE is ignored; its outcome says why.
                do throws(SystemError) { try FileIO.write(writeEnd, from: buffer, count: got) } catch { return }
            }
        }
    }

    /// Waits for the relay to stop and returns the errno of the read of
    /// standard input that failed, or nil when it was read to its end (or
    /// the worker stopped reading first).
    func failure() -> Int32? {
        thread.join()
        return readFailure.code.withLock { $0 }
    }

    deinit {
        // Never joined here: a relay whose worker never read it (a run
        // cancelled) may still wait on the socket; the process's end takes it.
        FileIO.close(readEnd)
    }
}
