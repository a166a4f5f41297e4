/// The sizes that shape a job: chunk size, threads, and the bounds that
/// follow from them.
public struct PipelineOptions: Sendable, Equatable {
    /// Bytes of input per chunk (and so per gzip member).
    ///
    /// 4 MiB by default. Smaller chunks cost ratio (each member starts
    /// with an empty dictionary and ends its deflate block early) and
    /// per-chunk overhead (a frame, a header, two pipe transfers); larger
    /// ones cost memory and start-up latency, and leave a core idle at the
    /// end of small inputs. The README ("Choices behind the figures",
    /// "4 MiB chunks") has the measurements behind the choice.
    public var chunkSize: Int = 4 << 20

    /// Reader threads (`--io-threads`).
    public var ioThreads: Int = 2

    /// Chunks a worker may hold at once: one being worked on, one waiting
    /// in its pipe, so it never waits for the parent between chunks.
    /// Two jobs whose every chunk holds an arena slot set one, and keep
    /// fewer slots touched: `GunzipJob` for a file's members
    /// (`membersInFlightToArena`), and `pack` (with one chunk queued per
    /// worker, `PackCommand`: its tar stream is made far faster than it
    /// is compressed). This is the one place that says so.
    public var inFlightPerWorker: Int = 2

    /// Seconds a worker may take to answer before it is taken for hung,
    /// killed and replaced (`--worker-timeout`; 0 waits for ever). Long
    /// enough for a 4 MiB chunk at level 12 on a worker sharing its core
    /// with several others, or a batch of files on a slow disk.
    public var workerTimeout: Int = 120

    /// Chunks the bounded queue holds for each worker, read and waiting
    /// for a worker to take them.
    public var queuedPerWorker: Int = 2

    public init() {}

    /// What one worker's chunks may take of bale's address space where
    /// they cannot go through the arena (under `ulimit -v` its slots may
    /// not be mapped, and the chunks travel in frames): those queued for
    /// it and in flight to it, and as many results (32 MiB by default).
    /// What `WorkerPool` counts against the limit.
    public var addressSpacePerWorker: Int { 2 * (queuedPerWorker + inFlightPerWorker) * chunkSize }

    /// The bounded queue's capacity: enough that each worker's next chunk
    /// is ready when it asks.
    public func queueCapacity(workers: Int) -> Int { queuedPerWorker * workers }

    /// Whether the job's window is only what keeps its workers busy
    /// (`window`): for a job whose every result holds an arena slot until
    /// it is written (a file's members, inflated into the arena:
    /// `GunzipJob`).
    public var holdsOnlyWhatWorkersNeed = false

    /// The reorder window: every chunk the job holds, in any stage. It must
    /// cover what the queue, the workers and the readers can hold at once,
    /// plus slack for results waiting on a slower earlier chunk.
    ///
    /// With `holdsOnlyWhatWorkersNeed`, the chunks in flight and two more:
    /// the result being written and the next one, ready when it is done.
    /// A worker's next member is then cut when its last answer is written,
    /// not queued ahead: members wait in the file, not in slots. Where the
    /// writing is slower than the workers (`unpack` of many small files),
    /// the full window filled with inflated members waiting their turn,
    /// and each slot a run touches costs it its pages (allocated, mapped
    /// in a worker and in bale, freed at the end): `unpack` of the `text`
    /// corpus touched 11 slots, and took 750 ms of CPU with 4 against 790
    /// with 10; wall 422 -> 407 ms with the window set by hand (medians of
    /// 15, alternated), 417 -> 412 ms as built (21); `gunzip` of the same
    /// data 145 -> 142 ms; the `packed` corpus, whose inflating is the
    /// slower part, 582 ms either way.
    public func window(workers: Int) -> Int {
        if holdsOnlyWhatWorkersNeed { return inFlightPerWorker * workers + 2 }
        return queueCapacity(workers: workers) + inFlightPerWorker * workers + ioThreads + 2
    }
}
