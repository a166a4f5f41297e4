#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Threads that create and write small extracted files in parallel.
///
/// Extracting many small files is bound by the kernel's work per file
/// (create, write, set mode and time, close), not by bandwidth, and a
/// single thread does it one file at a time. The extractor hands each
/// small file, whole, with the directory it goes in (an open descriptor,
/// already checked), to these threads. Queued files never depend on what
/// comes after them (each holds its directory open), so only an entry that
/// could undo one waits for the queue first; everything else goes on at
/// once. Those are an entry that names a queued file or hard-links to one
/// (`waitFor`); one that would make a directory where a queued file goes
/// (`d/f` queued, then `d/f/g`: `DirectoryStack` asks before each mkdir,
/// and as it opens a directory already there, which a queued file of its
/// name is to replace);
/// and any entry named for the directory a queued file goes in (`d/f`
/// queued, then `d` as a link or a file: `d` looks empty until `f` is
/// written, and would be removed to make room, `f` lost;
/// `waitForFiles(in:)`). Only a queued file's own directory can look
/// emptier than it is: the directories between are made at once, by the
/// extractor.
///
/// A new file is created with O_EXCL, one system call; only when its name
/// is taken does the policy (`ExtractionPolicy.existingFiles`) decide, and
/// a file replaced is written as a `StagedFile` and renamed over the old.
///
/// Files are handed over in batches (up to `batchFiles` files or
/// `batchBytes` bytes), not one by one: a hand-over wakes a sleeping
/// thread, and per file that cost more than the file itself. Measured with
/// `perf` on 100,000 small files extracted to tmpfs: one file per hand-over
/// spent 15% of all CPU time in futex calls (condition signals and lock
/// contention between the extractor and the writers).
final class FileWriters: @unchecked Sendable {  // `shared` only under `monitor`; the batch and `threads` by the extractor's thread only
    /// Files up to this size are buffered and written by the threads.
    static let smallFileLimit: Int64 = 1 << 20
    /// A batch is handed over when it holds this many files…
    static let batchFiles = 32
    /// …or this many bytes. With `queuedBatches` waiting and one being
    /// written per thread, the files held stay within a few MiB.
    static let batchBytes = 1 << 20
    static let queuedBatches = 4

    /// Each file held keeps its directory open, and in a tree with a file
    /// in each of many directories (a deep one) the files in flight held
    /// as many descriptors: up to 224 (7 batches of 32), over the limit
    /// under `ulimit -n 64` or less, where the extraction failed with "Too
    /// many open files" though `DirectoryStack` keeps within its share. So
    /// the directories the files in flight lie in (those handed over and
    /// the batch being filled) are counted, and a file in one more
    /// directory than this share of the limit allows waits for the writers
    /// to make room: about half of what the rest of the job leaves (the
    /// standard streams, the archive, the workers' pipes and arena, the
    /// files being written), less the directories the extractor keeps
    /// open (`ExtractionDescriptors.directoriesHeld`), at least one. Under
    /// the usual limit (1,024) the batches in flight never hold that many
    /// (7 of 32 files), so nothing waits. Until the extractor shares out
    /// what the job left (`share(spare:)`), a quarter of the limit less 32.
    private var maximumDirectoriesHeld = max(1, (DescriptorLimit.current - 32) / 4)
    /// Each file is written on the extractor's thread as it is submitted,
    /// not by the threads: too few descriptors were spare for them
    /// (`ExtractionDescriptors`).
    private var writesInline = false

    /// Files whose bytes are lent (`FileContent`) hold the arena slots
    /// they were inflated into until they are written, and a slot held is
    /// one the workers cannot write their next results into (those then
    /// come back in their reply frames, copied). The files in flight hold
    /// a few MiB (`batchBytes`, `queuedBatches`), two or three slots of
    /// 4 MiB; while they hold this many slots, a file from another is
    /// copied instead. The arena has a slot for every chunk of the full
    /// reorder window, which a file's members leave free for these
    /// (`PipelineOptions.holdsOnlyWhatWorkersNeed`).
    static let maximumLendersHeld = 3

    struct Job: Sendable {
        /// The directory the file goes in.
        var parent: OpenDirectory
        var leaf: [UInt8]
        /// Its path below the destination, as the key the writers' sets
        /// hold it by (hashed once, for `submit` and for `write`).
        var key: PathKey
        var path: [UInt8] { key.bytes }
        var content: FileContent
        var mode: mode_t
        /// The owner to give the file, when owners are restored.
        var owner: (user: uid_t, group: gid_t)?
        var seconds: Int64
        var nanoseconds: Int32
        /// The entry's name as archived; made into text (`displayName`)
        /// only for a message, not for every file.
        var name: [UInt8]
        var displayName: String { TerminalText.name(name) }
        /// Extended attributes and ACLs to set (`AttributeRestorer`).
        var attributes: [ExtendedAttributes.Attribute] = []
        /// The entry's place in the archive, which the problems met
        /// writing it keep (`CollectedDiagnostics.order`): the threads
        /// finish files out of the archive's order, and the extractor's
        /// own refusals come as the entries do.
        var order = 0
    }

    private let queue: BoundedQueue<[Job]>
    /// What becomes of files already there, and whether times are restored.
    private let policy: ExtractionPolicy
    /// Sets extended attributes and ACLs (nil with `--no-xattrs`).
    private let restorer: AttributeRestorer?

    private let monitor = Monitor()
    private let idle: Monitor.Condition
    /// What the extractor and the writer threads share.
    private struct Shared {
        var submitted = 0
        var completed = 0
        /// The directories the batches handed over and not yet written hold.
        var directoriesHeld = 0
        /// The lenders (arena slots) the files submitted and not yet
        /// written hold, with how many files hold each.
        var lenders: [ObjectIdentifier: Int] = [:]
        /// Paths queued or being written.
        var pending: Set<PathKey> = []
        /// The directories those files go in (paths, with how many files).
        var pendingDirectories: [PathKey: Int] = [:]
        /// Bounded (`CollectedDiagnostics`): an archive of entries that
        /// each fail (names too long) kept one for each, name and all.
        var problems = CollectedDiagnostics()
    }
    private var shared = Shared()
    private var threads: [JoinableThread] = []
    /// The batch being filled (by the extractor's thread only).
    private var batch: [Job] = []
    private var batchKeys: Set<PathKey> = []
    /// The directories the batch's files go in, with how many files each.
    private var batchDirectoryKeys: [PathKey: Int] = [:]
    /// The directory path of the last file submitted, made once per
    /// directory (an archive lists a directory's files together).
    private var lastDirectoryKey: PathKey?
    private var batchSize = 0
    /// The directories the batch's files lie in (counted as they change:
    /// an archive lists a directory's files together).
    private var batchDirectories = 0

    init(threads count: Int, policy: ExtractionPolicy, restorer: AttributeRestorer? = nil) {
        self.policy = policy
        self.restorer = restorer
        queue = BoundedQueue(capacity: Self.queuedBatches)
        idle = monitor.makeCondition()
        for _ in 0..<max(1, count) {
            threads.append(JoinableThread(name: "bale-writer") { [unowned self] in
                while var jobs = queue.pop() {
                    let written = write(jobs)
                    // The batch's last reference goes before its directories
                    // are counted free: each job holds its directory open,
                    // and counted free while still held, a descriptor the
                    // extractor went on to count on was not there yet
                    // (under a low `ulimit -n`, with the writer preempted
                    // right after the count: a CI run of 2026-12-03 lost a
                    // subtree to "Too many open files").
                    jobs = []
                    complete(written)
                }
            })
        }
    }

    /// Shares out `spare` descriptors between these threads' files and
    /// directories and the extractor's directory stack (before the first
    /// file), keeps to the writers' part; the shares, for the stack's.
    func share(spare: Int) -> ExtractionDescriptors {
        let descriptors = ExtractionDescriptors(spare: spare, writerThreads: threads.count)
        maximumDirectoriesHeld = descriptors.directoriesHeld
        writesInline = !descriptors.writersInParallel
        return descriptors
    }

    /// Queues a file; if a file of the same name is still queued, waits for it first.
    func submit(_ job: Job) {
        waitFor(job.key)
        if writesInline {
            let problems = run(job)
            if !problems.isEmpty {
                monitor.withLock { for problem in problems { shared.problems.append(problem, order: job.order) } }
            }
            return
        }
        if batch.last?.parent !== job.parent {
            if monitor.withLock({ shared.directoriesHeld }) + batchDirectories + 1 > maximumDirectoriesHeld {
                handOver()
                monitor.withLock {
                    while shared.directoriesHeld > 0 && shared.directoriesHeld + 1 > maximumDirectoriesHeld {
                        monitor.wait(idle)
                    }
                }
            }
            batchDirectories += 1
        }
        batchKeys.insert(job.key)
        let directoryKey = Self.directoryKey(of: job.path, reusing: lastDirectoryKey)
        lastDirectoryKey = directoryKey
        batchDirectoryKeys[directoryKey, default: 0] += 1
        batchSize += job.content.count
        if job.content.isLent {
            monitor.withLock { job.content.forEachOwner { shared.lenders[$0, default: 0] += 1 } }
        }
        batch.append(job)
        if batch.count >= Self.batchFiles || batchSize >= Self.batchBytes { handOver() }
    }

    /// Sends the files queued so far to the threads, however few: the
    /// extractor's input paused (`TarReader.Handler.inputPauses`).
    func handOverQueued() { handOver() }

    /// Sends the batch being filled to the threads.
    private func handOver() {
        guard !batch.isEmpty else { return }
        monitor.withLock {
            shared.directoriesHeld += batchDirectories
            shared.submitted += batch.count
            shared.pending.formUnion(batchKeys)
            shared.pendingDirectories.merge(batchDirectoryKeys, uniquingKeysWith: +)
        }
        queue.push(batch)
        batch = []
        batchKeys = []
        batchDirectoryKeys = [:]
        batchSize = 0
        batchDirectories = 0
    }

    /// Whether a file's bytes lent by `owner` may be kept lent (held until
    /// written), or must be copied: the files submitted hold no more than
    /// `maximumLendersHeld` lenders. (The file being gathered may hold one
    /// or two more until it is submitted.)
    func mayHold(_ owner: AnyObject) -> Bool {
        let key = ObjectIdentifier(owner)
        return monitor.withLock { shared.lenders[key] != nil || shared.lenders.count < Self.maximumLendersHeld }
    }

    /// Waits for the queue if `path` is one of its files (not yet written);
    /// whether it waited.
    @discardableResult
    func waitFor(_ path: [UInt8]) -> Bool {
        waitFor(PathKey(bytes: path))
    }

    /// Whether any file is queued, not yet written: when none is, no
    /// name needs to be looked up (`DirectoryStack` asks at every
    /// directory it opens).
    var hasQueuedFiles: Bool {
        !batchKeys.isEmpty || monitor.withLock { !shared.pending.isEmpty }
    }

    /// `waitFor(_:)` with the path's key made already.
    @discardableResult
    private func waitFor(_ key: PathKey) -> Bool {
        guard batchKeys.contains(key) || monitor.withLock({ shared.pending.contains(key) }) else { return false }
        drain()
        return true
    }

    /// Waits for the queue if one of its files goes in the directory
    /// `path` (relative to the destination, as the files' paths are).
    func waitForFiles(in path: [UInt8]) {
        let key = PathKey(bytes: path)
        if batchDirectoryKeys[key] != nil || monitor.withLock({ shared.pendingDirectories[key] != nil }) { drain() }
    }

    /// The directory part of a file's `path` (empty for a file at the
    /// top), as a key: `previous` again when it is the same.
    private static func directoryKey(of path: [UInt8], reusing previous: PathKey?) -> PathKey {
        let end = path.lastIndex(of: UInt8(ascii: "/")) ?? path.startIndex
        if let previous, previous.bytes.count == end, path[..<end].elementsEqual(previous.bytes) { return previous }
        return PathKey(bytes: Array(path[..<end]))
    }

    /// Waits until every queued file is written.
    func drain() {
        handOver()
        monitor.withLock {
            while shared.completed < shared.submitted { monitor.wait(idle) }
        }
    }

    /// Writes what is queued, stops the threads, returns the problems met
    /// (each with its file's `Job.order`).
    func finish() -> CollectedDiagnostics {
        handOver()
        queue.close()
        for thread in threads { thread.join() }
        threads = []
        return monitor.withLock { shared.problems }
    }

    /// The directories `jobs` hold, counted as `submit` counts them (a
    /// change of directory from one file to the next).
    private static func directories(of jobs: [Job]) -> Int {
        var count = 0
        for index in jobs.indices where index == 0 || jobs[index - 1].parent !== jobs[index].parent { count += 1 }
        return count
    }

    /// What a batch written leaves to report: its files' keys and
    /// directories, the lenders its files held, the problems met.
    private struct Written {
        var keys: [PathKey] = []
        var directoryKeys: [PathKey] = []
        var directories = 0
        var lenders: [ObjectIdentifier] = []
        var problems: [(Diagnostic, order: Int)] = []
    }

    /// Writes a batch; what to report of it (`complete`).
    private func write(_ jobs: [Job]) -> Written {
        var written = Written()
        for job in jobs {
            written.problems += run(job).map { ($0, order: job.order) }
        }
        written.directories = Self.directories(of: jobs)
        var last: PathKey?
        for job in jobs {
            written.keys.append(job.key)
            let directory = Self.directoryKey(of: job.path, reusing: last)
            last = directory
            written.directoryKeys.append(directory)
            job.content.forEachOwner { written.lenders.append($0) }
        }
        return written
    }

    /// Reports a batch written, under one lock.
    private func complete(_ written: Written) {
        monitor.withLock {
            shared.directoriesHeld -= written.directories
            for owner in written.lenders { Self.countDown(owner, in: &shared.lenders) }
            shared.completed += written.keys.count
            for key in written.keys { shared.pending.remove(key) }
            for directory in written.directoryKeys { Self.countDown(directory, in: &shared.pendingDirectories) }
            for (problem, order) in written.problems { shared.problems.append(problem, order: order) }
            idle.broadcast()
        }
    }

    /// Takes one from `key`'s count, removing the key at none.
    private static func countDown<Key: Hashable>(_ key: Key, in counts: inout [Key: Int]) {
        if let count = counts[key], count > 1 { counts[key] = count - 1 } else { counts[key] = nil }
    }

    /// Creates and writes one file; returns the problems met.
    ///
    /// A new file is written under its own name, and is registered with
    /// the signal handler from its create until it is whole
    /// (`bale_create_new_file_at`): a signal that ends bale removes it, as
    /// it removes a staged one. Unregistered, an `unpack` interrupted by
    /// SIGINT or SIGTERM left the files being written cut short under
    /// their names, which a second run with --skip-old-files or
    /// --keep-newer-files then kept, exit 0.
    private func run(_ job: Job) -> [Diagnostic] {
        let parent = job.parent.fd
        var slot: Int32 = -1
        defer { bale_unregister_temporary(slot) }
        func createNew(mode: UInt32) -> Int32 {
            withCString(job.leaf) { bale_create_new_file_at(parent, $0, mode, &slot) }
        }
        // Created with its final mode where the umask allows, saving a chmod;
        // writable by its owner while it has attributes to get (the kernel
        // asks that of `user.*` ones), the mode set after them.
        // Never setuid or setgid while it is written: as root, a file of
        // the archive's, before its owner is given and its content whole,
        // would be a root-owned setuid file (GNU tar too gives those bits
        // last); the final mode comes after the owner (below).
        var created = (job.attributes.isEmpty ? job.mode : job.mode | 0o200) & ~ProcessUmask.bits & ~0o6000
        var fd = createNew(mode: created)
        var staged: StagedFile?
        if fd < 0 && errno == EEXIST {
            switch policy.makeRoom(at: job.leaf, in: parent, forEntryNamed: job.displayName,
                                   modified: (job.seconds, job.nanoseconds), refusal: "Cannot open") {
            case .refused(let problem):
                return problem.map { [$0] } ?? []
            case .taken:
                guard let replacement = StagedFile(directory: job.parent, leaf: job.leaf) else {
                    return [.error(path: job.displayName, "\(SystemError.current("open").reason); not extracted")]
                }
                staged = replacement
                fd = replacement.fd
                created = 0o600 & ~ProcessUmask.bits
            case .free:
                fd = createNew(mode: created)
            }
        }
        if fd < 0 {
            return [.error(path: job.displayName, "\(SystemError.current("open").reason); not extracted")]
        }
        do { try job.content.write(to: fd) } catch {
            // No partial file stays behind (a full disk, a file-size limit).
            if let staged { staged.discard() } else {
                close(fd)
                _ = withCString(job.leaf) { unlinkat(parent, $0, 0) }
            }
            return [.error(path: job.displayName, "write error: \(error.reason); not extracted")]
        }
        var problems: [Diagnostic] = []
        // chown clears setuid/setgid bits: the mode comes after.
        if let owner = job.owner, fchown(fd, owner.user, owner.group) != 0 {
            problems.append(TarExtractor.cannotChangeOwnership(job.displayName, to: owner))
        }
        if let restorer, !job.attributes.isEmpty {
            // After the owner (chown clears a capability); sets the mode too.
            problems += restorer.restore(job.attributes, mode: job.mode, to: fd, displayName: job.displayName)
        } else if created != job.mode || (job.owner != nil && job.mode & 0o6000 != 0) {
            fchmod(fd, job.mode)
        }
        if policy.restoresTimes {
            var times = OpenDirectory.times(seconds: job.seconds, nanoseconds: job.nanoseconds)
            futimens(fd, &times)
        }
        if let staged {
            if let problem = staged.commit() { problems.append(.error(path: job.displayName, "\(problem); not extracted")) }
        } else {
            do throws(SystemError) { try FileIO.closeChecked(fd) } catch {
                // A write the kernel held back and refused at the close (NFS,
                // FUSE, a quota): the file, new, may lack data; it goes, and
                // is named, as GNU tar's "Cannot close" (which keeps it).
                _ = withCString(job.leaf) { unlinkat(parent, $0, 0) }
                problems.append(.error(path: job.displayName, "write error: \(error.reason); not extracted"))
            }
        }
        return problems
    }
}
