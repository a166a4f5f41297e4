import CSystem
#if canImport(Glibc)
import Glibc
#endif

/// The main loop of a worker process: read a request frame from stdin, do
/// the CPU work, write the result frame to stdout, until stdin ends. A
/// request `compressInArena` names its bytes in the arena the worker shares with
/// bale (`WorkerArena`, mapped on first use); the answer goes there too
/// when it fits, and the frame then carries only its length. A
/// `compressToArena` or `inflateToArena` brings its bytes in the frame (a
/// chunk or member of a regular file, spliced into the pipe) and has its
/// answer go to the arena. A
/// frame's payload is read into an array of its own, but never a fresh
/// page: with the heap's thresholds raised (`MemoryTuning`), the chunk
/// before's freed buffer is the one malloc hands back.
///
/// A worker handles one chunk at a time, in the order they arrive; the
/// parent keeps a second chunk waiting in the pipe so the worker never
/// idles between chunks (but for the jobs whose chunks hold arena slots,
/// sent one at a time: `PipelineOptions.inFlightPerWorker`). All the CPU work of a job happens here: deflate,
/// inflate, CRC-32 and `sum`'s SHA-256, with the codec each request names (the level map's
/// by default, `CodecChoice`; the one `--codec` names). A chunk that fails (damaged data) is answered with
/// a `failed` frame and the worker carries on; a broken frame from the
/// parent ends the worker with exit status 3.
public enum WorkerLoop {
    /// Runs the loop on stdin/stdout; returns the process exit status.
    public static func run(input: Int32 = 0, output: Int32 = 1) -> Int32 {
        nameAfterArgumentZero()
        // Gone with bale, even when blocked away from its pipe (CSystem.c).
        _ = bale_end_with_parent()
        let requests = FrameChannel(fd: input)
        let results = FrameChannel(fd: output)
        let hooks = TestHooks()
        let worker = ChunkWork(hooks: hooks)
        while true {
            let request: (WireFrame, [UInt8])?
            do { request = try requests.receive() } catch {
                // A request cut short by the end of its pipe: bale died
                // while writing it (SIGKILL, the OOM killer, a batch
                // system's time limit), for a live bale writes whole
                // frames and closes its pipe only between them. Nobody is
                // left to read a word about it, but the user's terminal or
                // the cron job's mail got one line per worker. Said of any
                // other broken frame; a bale still alive reports this
                // worker's exit status 3 itself.
                if case .truncated = error { return 3 }
                FileIO.report("bale worker: \(error)")
                return 3
            }
            guard let (frame, payload) = request else { return 0 }
            if frame.sequence == hooks.killAt, hooks.fires() { kill(getpid(), SIGKILL) }
            if frame.sequence == hooks.stallAt, hooks.fires() { TestHooks.stallMidFrame(answering: frame, on: results) }
            do {
                try worker.handle(frame, payload: payload, replyingTo: results)
            } catch {
                // The parent went away or closed our output: nothing to do but stop.
                return 0
            }
        }
    }
}

extension WorkerLoop {
    /// Gives the process the name of the file its argv[0] names (`bale`):
    /// started from /proc/self/exe, the kernel names it "exe", and `pgrep
    /// -x bale`, `killall bale`, `top` and a batch system's accounting
    /// did not see the workers. (The kernel keeps 15 bytes of it.)
    static func nameAfterArgumentZero() {
        guard CommandLine.argc > 0, let zero = CommandLine.unsafeArgv[0] else { return }
        // The part after the last '/', found in place (the kernel cuts it
        // to 15 bytes).
        let base = strrchr(zero, Int32(UInt8(ascii: "/"))).map { $0 + 1 } ?? zero
        guard base.pointee != 0 else { return }
        bale_set_thread_name(base)
    }
}
