#if canImport(Glibc)
import Glibc
#endif

/// Opens small files ahead of the tar stream, on several threads, and asks
/// the kernel to read their content ahead.
///
/// A tree of many small files is bound by the latency of open, read and
/// close, one file at a time, not by bandwidth. The tar stream must still
/// be assembled in order, so the prefetcher's threads (`--io-threads`)
/// open the next small files in parallel, ahead of the cutter, read their
/// extended attributes when the entry asks for them, and ask the kernel
/// to read each one's content into the page cache (`ReadAhead`: posix_fadvise
/// WILLNEED, which starts the reads and returns); the cutter takes each
/// open file when its turn comes and reads it straight into the chunk
/// (`TarChunkCutter`), as it reads a large file. Large files are left to
/// the cutter, which opens them itself.
///
/// Why the content is not read here: the threads used to read each file
/// into an array of its own, which the cutter then copied into the
/// chunk: two copies of every byte, and a working set of up to the whole
/// budget (32 MiB) of fresh heap pages, whose first touches (page faults,
/// each page zeroed) were 4% of a pack's CPU on a tree of 12,000 files,
/// more than the copy itself. The kernel's read-ahead into the page cache
/// hides the disk's latency as well, and the one copy left is the read
/// into the chunk.
///
/// Bounds: at most `budget` bytes of content are asked for ahead of the
/// cutter, and at most `maximumOpen` files are open at once; a thread
/// waits when opening the next file would exceed either, and is woken
/// only once the cutter has taken half of what was ahead, so the threads
/// open files in runs: woken for every file taken, they cost the cutter a
/// futex wake-up (an inter-processor interrupt) per file, 4% of a pack's
/// CPU on a tree of 12,000 files.
///
/// Short of descriptors (a low `ulimit -n`), it stops opening files for
/// good (`givenUp`): the first open that finds none, or the cutter finding
/// none for the file it is at (`giveUpDescriptors`), ends the opening
/// ahead, every file already opened ahead is closed, and each entry from
/// then on is left to the cutter, which opens its files one at a time.
/// Before, the read-ahead gave back what it held and went on opening: its
/// next open, racing the cutter's for the descriptor just freed, took it
/// now and then, and the cutter's file was left out with a warning (3
/// runs in 30 of `pack -p 2` under `ulimit -n 16`, exit 2).
///
/// `@unchecked Sendable`: the claims (`nextIndex`, `held`, `ahead`,
/// `done`, `opening`, `givenUp`, `stopped`) are touched only under
/// `monitor`; `threads` only by the owner, in `init` and `stop`.
final class FilePrefetcher: @unchecked Sendable {
    /// What opening one file gave.
    enum Outcome {
        /// The file, open for reading (the taker reads and closes it), and
        /// its extended attributes when the entry reads them with its
        /// content (`PackEntry.readsAttributesWithContent`).
        case opened(OpenedSource, attributes: Result<ExtendedAttributes, SystemError>?)
        /// It could not be opened: leave the entry out.
        case failed(Diagnostic)
        /// The process had no descriptor to spare (EMFILE, ENFILE: a low
        /// `ulimit -n`, a deep walk holding its directories open): the
        /// taker opens it itself when its turn comes, once the files
        /// ahead of it are closed, as it opens a large file.
        case leftToTaker
    }

    /// Files larger than this are opened and streamed by the cutter instead.
    static let smallFileLimit: Int64 = 1 << 20
    /// The most files open ahead of the cutter: 256, or half of what the
    /// process's limit on descriptors leaves once the walk's directories
    /// (`TreeWalk.maximumOpenDirectories`) and 32 more (the pipeline's
    /// pipes and arena, the output, the cutter's own file) are set aside,
    /// if that is less; at least one; fewer when the job has fewer to
    /// spare (`share(filesAhead:)`). A file the read-ahead still cannot
    /// open for want of a descriptor is left to the cutter (`leftToTaker`),
    /// never dropped.
    static let maximumOpen = max(1, min(256, (DescriptorLimit.current - TreeWalk.maximumOpenDirectories - 32) / 2))

    private let feed: EntryFeed
    private let budget: Int
    private let monitor = Monitor()
    /// A file was opened (or failed to), or the prefetcher stopped: the cutter waits on it.
    private let opened: Monitor.Condition
    /// Half of what was ahead was taken, or the prefetcher stopped: the threads wait on it.
    private let room: Monitor.Condition
    private var nextIndex = 0
    /// Bytes of the files claimed and not yet taken, and how many they are.
    private var held = 0
    private var ahead = 0
    private var done: [Int: Outcome] = [:]
    /// Files claimed and being opened now (outside the lock).
    private var opening = 0
    /// No more files are opened ahead: descriptors ran short, or the job
    /// had too few to spare (`share(filesAhead:)`).
    private var givenUp = false
    /// Files open ahead at most: `maximumOpen`, or the job's share.
    private var openAtMost = FilePrefetcher.maximumOpen
    /// See `readersHoldDirectories`.
    private var holdsDirectories = true
    /// No file is being opened any more (`opening` fell to 0), or the
    /// prefetcher stopped: `giveUpDescriptors` waits on it.
    private let settled: Monitor.Condition
    private var stopped = false
    private var threads: [JoinableThread] = []

    /// The directory the entries' sources are relative to (see `PackEntry.source`).
    private let base: Int32

    /// Opens ahead the small files of `feed`, as the walk finds them,
    /// relative to the directory open on `base`.
    init(feed: EntryFeed, relativeTo base: Int32, threads count: Int, budget: Int) {
        self.feed = feed
        self.base = base
        self.budget = budget
        opened = monitor.makeCondition()
        room = monitor.makeCondition()
        settled = monitor.makeCondition()
        for _ in 0..<max(1, count) {
            threads.append(JoinableThread(name: "bale-prefetch") { [unowned self] in self.work() })
        }
    }

    deinit { stop() }

    static func isPrefetched(_ entry: PackEntry) -> Bool {
        entry.header.kind == .file && entry.header.size <= smallFileLimit
    }

    /// Stops the threads (the job ended or failed), waits for them, and
    /// closes the files no one took.
    /// A thread waiting for the walk wakes only when the feed grows, ends
    /// or is cancelled: cancel the feed first when the walk may still run.
    func stop() {
        monitor.withLock {
            stopped = true
            opened.broadcast()
            room.broadcast()
            settled.broadcast()
        }
        for thread in threads { thread.join() }
        threads = []
        let untaken = monitor.withLock { () -> [Outcome] in
            defer { done = [:] }
            return Array(done.values)
        }
        for case .opened(let source, _) in untaken { FileIO.close(source.fd) }
    }

    /// Opens at most `filesAhead` files ahead (`PackDescriptors`), none
    /// if 0: called before the walk finds its first entry.
    func share(filesAhead: Int, holdingDirectories: Bool) {
        monitor.withLock {
            openAtMost = max(1, min(openAtMost, filesAhead))
            if filesAhead < 1 { givenUp = true }
            holdsDirectories = holdingDirectories
        }
    }

    /// Whether the reading threads keep the directory of their last file
    /// open (`PackDescriptors.readersHoldDirectories`).
    var readersHoldDirectories: Bool { monitor.withLock { holdsDirectories } }

    /// Ends the opening ahead for the rest of the job (`givenUp`), waits
    /// for the opens under way, and closes the files opened ahead and not
    /// yet taken, each then left to the cutter (`leftToTaker`), which
    /// opens it when it gets there: for a cutter that found no descriptor
    /// for the file it is at.
    func giveUpDescriptors() {
        let given = monitor.withLock { () -> [Int32] in
            givenUp = true
            while opening > 0 && !stopped { monitor.wait(settled) }
            var fds: [Int32] = []
            for (index, outcome) in done {
                if case .opened(let source, _) = outcome {
                    fds.append(source.fd)
                    done[index] = .leftToTaker
                }
            }
            return fds
        }
        for fd in given { FileIO.close(fd) }
    }

    /// Waits for `entry`, number `index` of the feed (which must be a
    /// prefetched kind), and takes it: an open file is the caller's to close.
    func take(_ index: Int, entry: PackEntry) -> Outcome {
        monitor.withLock {
            while done[index] == nil && !stopped { monitor.wait(opened) }
            guard let outcome = done.removeValue(forKey: index) else {
                return .failed(.warning(path: entry.header.displayName, "not read"))
            }
            held -= Int(entry.header.size)
            ahead -= 1
            // A broadcast no one waits for makes no system call.
            if held <= budget / 2 && ahead <= openAtMost / 2 { room.broadcast() }
            return outcome
        }
    }

    private func work() {
        enum Claim {
            case file(Int, PackEntry)
            case walkNotThere(Int)
            case over
        }
        // This thread's opener of the files walked (`PackEntry.openSource`).
        let opener = DirectoryOfPaths()
        while true {
            // Claim the next small file, waiting while the budget is spent.
            // Files are claimed in order, each with its budget, so the
            // budget never waits on a file the cutter has not reached.
            let claim: Claim = monitor.withLock {
                while !stopped {
                    switch feed.peek(nextIndex) {
                    case .end: return .over
                    case .notYet: return .walkNotThere(nextIndex)
                    case .entry(let entry):
                        guard Self.isPrefetched(entry) else {
                            nextIndex += 1
                            feed.passed(nextIndex, by: .readAhead)
                            continue
                        }
                        let size = Int(entry.header.size)
                        if ahead == 0 || (held + size <= budget && ahead < openAtMost) {
                            held += size
                            ahead += 1
                            defer {
                                nextIndex += 1
                                feed.passed(nextIndex, by: .readAhead)
                            }
                            if givenUp {
                                // Short of descriptors: the cutter opens it.
                                done[nextIndex] = .leftToTaker
                                opened.broadcast()
                                continue
                            }
                            opening += 1
                            return .file(nextIndex, entry)
                        }
                        monitor.wait(room)
                    }
                }
                return .over
            }
            let index: Int, entry: PackEntry
            switch claim {
            case .over: return
            case .walkNotThere(let next):
                // Wait for the walk outside this lock, which the cutter needs.
                feed.waitForWalk(to: next)
                continue
            case .file(let claimed, let claimedEntry): (index, entry) = (claimed, claimedEntry)
            }
            let outcome = open(entry, through: opener)
            let unwanted: Int32? = monitor.withLock {
                opening -= 1
                if opening == 0 { settled.broadcast() }
                // This open found no descriptor: no more are opened ahead.
                if case .leftToTaker = outcome { givenUp = true }
                // Short of descriptors: its directory is not held either.
                if givenUp { opener.close() }
                // Stopped meanwhile: no one will take it.
                if stopped, case .opened(let source, _) = outcome { return source.fd }
                defer { opened.broadcast() }
                // Given up meanwhile: closed, and left to the cutter.
                if givenUp, case .opened(let source, _) = outcome {
                    done[index] = .leftToTaker
                    return source.fd
                }
                done[index] = outcome
                return nil
            }
            if let unwanted { FileIO.close(unwanted) }
        }
    }

    /// Opens one file, asks for its content ahead, and reads its
    /// attributes if its entry stores them.
    private func open(_ entry: PackEntry, through opener: DirectoryOfPaths) -> Outcome {
        switch entry.openSource(relativeTo: base, through: opener, holdingDirectory: readersHoldDirectories) {
        case .success(let source):
            // Advice, not a read: where the kernel takes none, the cutter's read does the work.
            ReadAhead.ask(source.fd, offset: 0, length: entry.header.size)
            return .opened(source, attributes: entry.attributesWithContent(from: source.fd))
        case .failure(let failure):
            if failure.isOutOfDescriptors { return .leftToTaker }
            return .failed(failure.diagnostic(for: entry.header.displayName, wasGiven: entry.wasGiven))
        }
    }
}
