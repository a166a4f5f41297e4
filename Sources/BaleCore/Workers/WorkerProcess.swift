#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The parent's handle on one worker process: the child, the pipe that
/// carries requests to it and the pipe that carries results back. The
/// child holds those two pipes (as its standard input and output), the
/// parent's standard error, and, when the pool has one, the two
/// descriptors of the shared arena (3: inputs, read-only; 4: outputs).
/// Whether it was ended is reachable only under its lock.
public final class WorkerProcess: Sendable {
    /// The argument that starts bale in worker mode (hidden from --help).
    public static let modeArgument = "--bale-worker"

    /// The running child.
    public let process: ChildProcess
    /// Requests go out here (the write end of the worker's stdin pipe).
    public let requests: FrameChannel
    /// Results come in here (the read end of the worker's stdout pipe).
    public let results: FrameChannel

    /// Starts `executable` in worker mode, sharing `arena` with it if given;
    /// `name` is its argv[0] (what `ps` shows), else `executable`.
    public init(executable: String, name: String? = nil, arena: SharedArena? = nil) throws(SystemError) {
        let toWorker = try Pipe()
        let fromWorker: Pipe
        do { fromWorker = try Pipe() } catch {
            FileIO.close(toWorker.readEnd)
            FileIO.close(toWorker.writeEnd)
            throw error
        }
        defer {
            // The child has its own copies now; the parent keeps only its ends.
            FileIO.close(toWorker.readEnd)
            FileIO.close(fromWorker.writeEnd)
        }
        do {
            process = try ChildProcess(
                executable: executable, arguments: [Self.modeArgument], name: name,
                standardInput: toWorker.readEnd, standardOutput: fromWorker.writeEnd,
                inherited: arena?.workerDescriptors ?? [])
        } catch {
            FileIO.close(toWorker.writeEnd)
            FileIO.close(fromWorker.readEnd)
            throw error
        }
        requests = FrameChannel(fd: toWorker.writeEnd)
        results = FrameChannel(fd: fromWorker.readEnd)
    }

    /// Tells the worker to exit (closes its input) without waiting for it,
    /// so that a pool ends all its workers at once: a worker's exit takes
    /// time (unmapping the shared arena's pages it touched). Only the
    /// first call does anything.
    public func closeInput() {
        let first = state.withLock { state -> Bool in
            guard state == .running else { return false }
            state = .inputClosed
            return true
        }
        if first {
            FileIO.close(requests.fd)
            // A worker stopped (SIGSTOP, by hand or by a debugger that let
            // go) would never read the end of its input, and the pool's
            // wait for it never end: the run hung after its output was
            // whole, `--worker-timeout` or not (a probe helper). Continued,
            // it reads the end and exits; a running one is not disturbed.
            kill(process.pid, SIGCONT)
        }
    }

    /// Ends the worker: closing its input tells it to exit; then reaps it.
    /// Only the first call does anything (a link that restarts a worker
    /// ends it, and the pool must not close its descriptors again).
    @discardableResult
    public func shutdown() -> ExitStatus? {
        closeInput()
        let first = state.withLock { state -> Bool in
            guard state == .inputClosed else { return false }
            state = .ended
            return true
        }
        guard first else { return nil }
        let status = try? process.wait()
        FileIO.close(results.fd)
        return status
    }

    /// Where the worker is in its ending.
    private enum State {
        case running
        /// Its input is closed: it exits once it has answered what it holds.
        case inputClosed
        /// Reaped, its descriptors closed.
        case ended
    }

    private let state = Mutex(State.running)
}
