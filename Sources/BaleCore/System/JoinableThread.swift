#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// A POSIX thread running one closure, which the creator joins.
///
/// The pipeline's I/O stages (readers, feeders, receivers, the collector)
/// are threads because they spend their time blocked in read, write and
/// pread; Swift concurrency's cooperative pool must never block like that.
/// Whether it was joined is reachable only under its lock, so a second
/// `join` (from any thread) returns instead of joining twice.
public final class JoinableThread: Sendable {
    private let thread: pthread_t
    private let joined = Mutex(false)

    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Each thread's stack: small, as these threads hold their buffers on
    /// the heap, not the stack.
    static let stackSize = 512 * 1024

    /// Starts a thread running `body`.
    public init(name: String = "bale", _ body: @escaping @Sendable () -> Void) {
        // The name (at most 15 bytes) shows in `top -H`, `ps -L` and perf.
        let label = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        let box = Unmanaged.passRetained(Box {
            _ = bale_name_this_thread(label)
            body()
        })
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, Self.stackSize)
        var thread: pthread_t = 0
        let result = pthread_create(&thread, &attributes, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        pthread_attr_destroy(&attributes)
        guard result == 0 else {
            // No thread (a process limit, `ulimit -u`, or no memory for its
            // stack): no stage can run without its threads, and a crash
            // here (SIGILL) left the temporary outputs behind and printed
            // a backtrace. Said plainly, cleaned up, exit 1.
            Unmanaged<Box>.fromOpaque(box.toOpaque()).release()
            FileIO.report("bale: cannot start a thread (\(String(cString: strerror(result)))): "
                          + "a limit on processes (ulimit -u) or on memory (ulimit -v) is too low; nothing kept")
            bale_cleanup_and_exit(1)
        }
        self.thread = thread
    }

    /// Waits for the thread's closure to return.
    public func join() {
        let first: Bool = joined.withLock { joined in
            defer { joined = true }
            return !joined
        }
        if first { pthread_join(thread, nil) }
    }
}
