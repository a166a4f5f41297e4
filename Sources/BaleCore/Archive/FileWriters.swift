#if canImport(Glibc)
import Glibc
#endif

/// Threads that create and write small extracted files in parallel.
///
/// Extracting many small files is bound by the kernel's work per file
/// (create, write, set mode and time, close), not by bandwidth, and a
/// single thread does it one file at a time. The extractor hands each
/// small file, whole, with the directory it goes in (an open descriptor,
/// already checked), to these threads. Anything whose order matters (a
/// directory, a link, a name written twice, a large file) first waits for
/// the queued files with `drain()`.
final class FileWriters: @unchecked Sendable {
    /// Files up to this size are buffered and written by the threads.
    static let smallFileLimit: Int64 = 1 << 20

    struct Job: Sendable {
        /// The directory the file goes in.
        var parent: OpenDirectory
        var leaf: [UInt8]
        var path: [UInt8]
        var bytes: [UInt8]
        var mode: mode_t
        /// The owner to give the file, when owners are restored.
        var owner: (user: uid_t, group: gid_t)?
        var seconds: Int64
        var nanoseconds: Int32
        var displayName: String
    }

    private let queue: BoundedQueue<Job>

    /// The process's umask, read once (umask can only be read by setting it).
    static let umaskBits: mode_t = {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }()
    private let monitor = Monitor()
    private let idle: Monitor.Condition
    private var submitted = 0
    private var completed = 0
    private var pending: Set<[UInt8]> = []
    private var problems: [String] = []
    private var threads: [JoinableThread] = []

    init(threads count: Int) {
        queue = BoundedQueue(capacity: 64)
        idle = monitor.makeCondition()
        for _ in 0..<max(1, count) {
            threads.append(JoinableThread(name: "bale-writer") { [unowned self] in
                while let job = queue.pop() { run(job) }
            })
        }
    }

    /// Queues a file; if a file of the same name is still queued, waits for it first.
    func submit(_ job: Job) {
        let clash = monitor.withLock { pending.contains(job.path) }
        if clash { drain() }
        monitor.withLock {
            submitted += 1
            pending.insert(job.path)
        }
        queue.push(job)
    }

    /// Waits until every queued file is written.
    func drain() {
        monitor.withLock {
            while completed < submitted { monitor.wait(idle) }
        }
    }

    /// Writes what is queued, stops the threads, returns the problems met.
    func finish() -> [String] {
        queue.close()
        for thread in threads { thread.join() }
        threads = []
        return monitor.withLock { problems }
    }

    private func run(_ job: Job) {
        defer {
            monitor.withLock {
                completed += 1
                pending.remove(job.path)
                idle.broadcast()
            }
        }
        let parent = job.parent.fd
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
        // Created with its final mode where the umask allows, saving a chmod.
        let direct = job.mode & ~Self.umaskBits
        var fd = withCString(job.leaf) { openat(parent, $0, flags, direct) }
        if fd < 0 && errno == EEXIST {
            OpenDirectory.removeUnlessDirectory(job.leaf, in: parent)
            fd = withCString(job.leaf) { openat(parent, $0, flags, direct) }
        }
        if fd < 0 {
            let reason = SystemError.current("open").reason
            monitor.withLock { problems.append("\(job.displayName): \(reason); not extracted") }
            return
        }
        defer { close(fd) }
        do { try FileIO.write(fd, job.bytes) } catch {
            monitor.withLock { problems.append("\(job.displayName): write error: \(error.reason)") }
            return
        }
        if let owner = job.owner {
            // chown clears setuid/setgid bits: the mode comes after.
            fchown(fd, owner.user, owner.group)
            if job.mode & 0o6000 != 0 || direct != job.mode { fchmod(fd, job.mode) }
        } else if direct != job.mode {
            fchmod(fd, job.mode)
        }
        var times = OpenDirectory.times(seconds: job.seconds, nanoseconds: job.nanoseconds)
        futimens(fd, &times)
    }
}
