/// Runs one job through bale's four stages:
///
///     reader threads ──▶ bounded queue ──▶ worker processes ──▶ collector thread
///     (cut + read)        (memory bound)    (deflate/inflate)    (reorder + write)
///
/// 1. Readers (`ReaderPool`, `--io-threads` threads) take numbered chunks
///    from a `ChunkCutter` and read them (pread, so several threads can
///    read one file at once), or, for a regular file to compress or bale's
///    own gzip file to inflate, cut it into ranges the feeders splice and
///    have the kernel read them ahead.
/// 2. The `BoundedQueue` holds read chunks until a worker is free; when it
///    is full, readers wait.
/// 3. Each worker process (`-p/--jobs`) is fed by a `WorkerLink` (a feeder
///    and a receiver thread) over pipes, with the frames of `WireFrame`;
///    the bytes of most chunks and their results stay in the arena the
///    workers share with bale (`SharedArena`), and the frames only say
///    where. The CPU work (deflate, inflate, CRC-32, `sum`'s SHA-256)
///    happens in the workers; `--manifest`'s digests are taken as the
///    readers read.
/// 4. The `Collector` thread puts results back in sequence order through
///    the `ReorderBuffer` and writes them.
///
/// Threads for waiting on I/O, processes for CPU work.
///
/// Memory: every chunk anywhere in the job is inside the reorder window
/// (`PipelineOptions.window`), so the parent holds at most about
/// window × (chunk + output) bytes (the arena's slots, one per chunk of
/// the window and one more, or arrays for chunks that fit no slot), and
/// each worker two chunks' worth of its own, whatever the input's size.
///
/// Failure: the first error from any stage is kept (`FailureLatch`), the
/// queues are cancelled so nothing stays blocked, every thread is joined,
/// and `run` throws that error. The caller owns the output file and
/// discards it (see `AtomicOutputFile`).
public struct Pipeline {
    public var options: PipelineOptions
    public var workers: WorkerPool
    /// The run this pipeline works for: its figures (stage times, progress)
    /// and its diagnostics (a worker replaced) go there.
    public var context: RunContext

    /// A pipeline on `workers`, reporting to `context` (a context of its
    /// own by default: tests that run the pipeline alone).
    public init(options: PipelineOptions, workers: WorkerPool, context: RunContext = RunContext()) {
        self.options = options
        self.workers = workers
        self.context = context
    }

    /// What a finished job did.
    public struct Report: Sendable, Equatable {
        /// Chunks written.
        public var chunks: UInt64
        /// Bytes that went into the workers (plain data or members).
        public var bytesIn: Int64
        /// Bytes written to the output.
        public var bytesOut: Int64
    }

    /// Cuts the input with `cutter`, has the workers do `kind` to every
    /// chunk, and passes the results in order, each with its chunk's
    /// context, to `sink`. `inputName` names the input in messages.
    ///
    /// Generic over the cutter and the sink, which must agree on the
    /// chunks' context; one module, so every use is specialised.
    public func run<Cutter: ChunkCutter, Sink: ResultSink>(
        cutter: Cutter, kind: WorkKind, inputName: String, sink: Sink
    ) throws(BaleError) -> Report where Sink.Context == Cutter.Context {
        typealias Context = Cutter.Context
        let (processes, fewer) = try workers.workers()
        if let fewer { context.report(.notice(path: nil, fewer)) }
        let started = RunSummary.now()
        let window = ReorderBuffer<Context>(window: options.window(workers: processes.count))
        let queue = BoundedQueue<Chunk<Context>>(capacity: options.queueCapacity(workers: processes.count))
        // Never full: the window already bounds what can be in it, and a
        // receiver that blocked here could stall the worker it reads from.
        let results = BoundedQueue<ChunkResult<Context>>(capacity: window.window + processes.count + 1)
        let failure = FailureLatch()
        failure.whenFailed {
            queue.cancel()
            window.cancel()
            cutter.jobFailed()
        }

        let collector = Collector(results: results, window: window, failure: failure, sink: sink,
                                  countsBytes: kind != .digest, summary: context.summary)
        let links = processes.enumerated().map {
            WorkerLink<Context>(number: $0.offset, worker: $0.element, pool: workers, kind: kind, options: options,
                                inputName: inputName, queue: queue, results: results, failure: failure,
                                context: context)
        }
        let readers = ReaderPool(count: options.ioThreads, cutter: cutter, queue: queue,
                                 window: window, failure: failure)

        readers.join()
        queue.close()
        for link in links { link.join() }
        results.close()
        let written = collector.join()
        let waits = queue.waits
        context.summary.addStages { stages in
            stages.seconds += RunSummary.now() - started
            stages.readerThreads = max(stages.readerThreads, options.ioThreads)
            stages.readersBusy += readers.reading.seconds
            stages.readersWaiting += waits.push
            stages.workersWaiting += waits.pop
            if stages.workerBusy.count < links.count {
                stages.workerBusy += Array(repeating: 0, count: links.count - stages.workerBusy.count)
            }
            for (slot, link) in links.enumerated() { stages.workerBusy[slot] += link.working.seconds }
            stages.collectorWriting += written.writing
        }

        if let error = failure.firstError { throw error }
        guard written.chunks == cutter.chunkCount else {
            throw .workerFailed("wrote \(written.chunks) of \(cutter.chunkCount) chunks")
        }
        return Report(chunks: written.chunks, bytesIn: written.bytesIn, bytesOut: written.bytesOut)
    }

    /// Runs the job as `run(cutter:kind:inputName:sink:)` does, writing
    /// only the results' bytes, in order, to `sink` (whatever the chunks'
    /// context).
    public func run<Cutter: ChunkCutter>(
        cutter: Cutter, kind: WorkKind, inputName: String, sink: any OutputSink
    ) throws(BaleError) -> Report {
        try run(cutter: cutter, kind: kind, inputName: inputName, sink: OutputBytes<Cutter.Context>(sink))
    }
}
