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
    /// in its pipe, so it never waits for the parent between chunks
    /// (`GunzipJob` sets one for a file's members, which hold arena slots).
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

    /// The bounded queue's capacity: enough that each worker's next chunk
    /// is ready when it asks.
    public func queueCapacity(workers: Int) -> Int { queuedPerWorker * workers }

    /// The reorder window: every chunk the job holds, in any stage. It must
    /// cover what the queue, the workers and the readers can hold at once,
    /// plus slack for results waiting on a slower earlier chunk.
    public func window(workers: Int) -> Int {
        queueCapacity(workers: workers) + inFlightPerWorker * workers + ioThreads + 2
    }

    /// The most bytes of chunk data the parent process holds for a job:
    /// each chunk in the window with its output (at most the chunk size
    /// plus deflate's small worst-case growth).
    public func memoryBound(workers: Int) -> Int {
        window(workers: workers) * (2 * chunkSize + 1024)
    }
}
