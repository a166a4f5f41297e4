#if canImport(Glibc)
import Glibc
#endif

/// Reads small files ahead of the tar stream, on several threads.
///
/// A tree of many small files is bound by the latency of open, read and
/// close, one file at a time, not by bandwidth. The tar stream must still
/// be assembled in order, so the prefetcher's threads (`--io-threads`)
/// read the next small files in parallel into memory, ahead of the
/// cutter, which takes each one when its turn comes. Large files are left
/// to the cutter, which streams them chunk by chunk.
///
/// Memory: at most `budget` bytes of file content are held at once; a
/// thread waits when reading the next file would exceed it.
/// `@unchecked Sendable`: the claims (`nextIndex`, `held`, `done`,
/// `stopped`) are touched only under `monitor`; `threads` only by the
/// owner, in `init` and `stop`.
final class FilePrefetcher: @unchecked Sendable {
    /// What reading one file gave.
    enum Outcome {
        /// The file's first `entry.header.size` bytes (zero-padded if it shrank),
        /// any problem to report ("file changed as we read it"), and its
        /// extended attributes when the entry reads them with its content
        /// (`PackEntry.readsAttributesWithContent`). When a manifest is
        /// made, their SHA-256 is in the `FileDigests` given.
        case content([UInt8], problem: Diagnostic?, attributes: Result<ExtendedAttributes, SystemError>?)
        /// It could not be opened or read: leave the entry out.
        case failed(Diagnostic)
    }

    /// Files larger than this are streamed by the cutter instead.
    static let smallFileLimit: Int64 = 1 << 20

    private let feed: EntryFeed
    private let budget: Int
    private let monitor = Monitor()
    private let changed: Monitor.Condition
    private var nextIndex = 0
    private var held = 0
    private var done: [Int: Outcome] = [:]
    private var stopped = false
    private var threads: [JoinableThread] = []

    /// Where each file it reads is hashed to (for `pack --manifest`), on its own threads.
    private let digests: FileDigests?

    /// The directory the entries' sources are relative to (see `PackEntry.source`).
    private let base: Int32

    /// Reads ahead the small files of `feed`, as the walk finds them,
    /// opening them relative to the directory open on `base`.
    init(feed: EntryFeed, relativeTo base: Int32, threads count: Int, budget: Int, digests: FileDigests? = nil) {
        self.feed = feed
        self.base = base
        self.budget = budget
        self.digests = digests
        changed = monitor.makeCondition()
        for _ in 0..<max(1, count) {
            threads.append(JoinableThread(name: "bale-prefetch") { [unowned self] in self.work() })
        }
    }

    deinit { stop() }

    static func isPrefetched(_ entry: PackEntry) -> Bool {
        entry.header.kind == .file && entry.header.size <= smallFileLimit
    }

    /// Stops the threads (the job ended or failed) and waits for them.
    /// A thread waiting for the walk wakes only when the feed grows, ends
    /// or is cancelled: cancel the feed first when the walk may still run.
    func stop() {
        monitor.withLock {
            stopped = true
            changed.broadcast()
        }
        for thread in threads { thread.join() }
        threads = []
    }

    /// Waits for `entry`, number `index` of the feed (which must be a
    /// prefetched kind), and takes it.
    func take(_ index: Int, entry: PackEntry) -> Outcome {
        monitor.withLock {
            while done[index] == nil && !stopped { monitor.wait(changed) }
            let outcome = done.removeValue(forKey: index) ?? .failed(.warning(path: entry.header.displayName, "not read"))
            if case .content(let bytes, _, _) = outcome { held -= bytes.count }
            changed.broadcast()
            return outcome
        }
    }

    private func work() {
        // One hasher per thread, reused for every file it reads.
        let hasher = digests != nil ? SHA256() : nil
        enum Claim {
            case file(Int, PackEntry)
            case walkNotThere(Int)
            case over
        }
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
                        if held == 0 || held + size <= budget {
                            held += size
                            defer {
                                nextIndex += 1
                                feed.passed(nextIndex, by: .readAhead)
                            }
                            return .file(nextIndex, entry)
                        }
                        monitor.wait(changed)
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
            let outcome = read(entry)
            if case .content(let bytes, _, _) = outcome, let hasher, let digests {
                bytes.withUnsafeBytes { hasher.update($0) }
                digests.store(index, from: hasher)
            }
            monitor.withLock {
                if case .failed = outcome { held -= Int(entry.header.size) }
                done[index] = outcome
                changed.broadcast()
            }
        }
    }

    /// Reads one file whole and checks it did not change meanwhile.
    private func read(_ entry: PackEntry) -> Outcome {
        let fd: Int32
        switch entry.openSource(relativeTo: base) {
        case .success(let opened): fd = opened
        case .failure(let error): return .failed(.warning(path: entry.header.displayName, "Cannot open: \(error.reason)"))
        }
        defer { FileIO.close(fd) }
        let size = Int(entry.header.size)
        var got = 0
        var failure: SystemError?
        // Not zeroed first: the bytes read, then zeros for any the file lost.
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            if size > 0 {
                do throws(SystemError) {
                    got = try FileIO.read(fd, into: UnsafeMutableRawPointer(buffer.baseAddress!), count: size)
                } catch {
                    failure = error
                }
            }
            (buffer.baseAddress! + got).initialize(repeating: 0, count: size - got)
            count = size
        }
        if let failure { return .failed(.warning(path: entry.header.displayName, "Read error: \(failure.reason)")) }
        return .content(bytes, problem: entry.problemAfterReading(from: fd, shortBy: Int64(size - got)),
                        attributes: entry.attributesWithContent(from: fd))
    }
}
