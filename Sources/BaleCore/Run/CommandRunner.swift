/// The one sequence every command runs its work through, so that each
/// command says only what to read, what the workers do and where the
/// results go, and every command starts, stops and fails the same way.
///
///     command ──▶ CommandRunner.withPipeline ──▶ run(job) / perform(job) ──▶ Pipeline.run
///                 (the pool's life, its end       (producer thread beside,
///                  reported as diagnostics)        cancelled on failure)
///
/// - The worker pool lives for the whole command (`withPipeline`): started
///   on the first job, shut down at the end, and a worker that did not
///   exit cleanly then is a notice (`Diagnostic.workerEnded`), for every
///   command alike; a worker replaced during a job is one too
///   (`Diagnostic.workerReplaced`, from `WorkerLink`).
/// - A job (`Job`) may have a producer: the walk that finds the files, on
///   a thread of its own beside the pipeline, feeding the cutter through a
///   queue. It gets a `Cancellation`; when the job fails the runner
///   cancels it, so the walk stops, and joins it; then the command's
///   `whenFailed` names what was left undone.
/// - Two steps with no producer run on the pipeline `withPipeline` gives
///   them directly (`Pipeline.run`: `perform` would add only a producer's
///   thread): gunzip's parallel pass over a file's members (`GunzipJob`,
///   which the streaming pass may take over) and the members an index
///   plans for named entries (`NamedEntries`, which may fall back to the
///   whole stream). An archive read to its end retires its workers early
///   (`ArchiveInput.read`: `WorkerPool.retire`, while the extractor
///   finishes); the pool's shutdown at the end is still `withPipeline`'s.
/// - Errors are reported into the run's `RunContext`; a reader of
///   standard output that went away is no message but exit 141
///   (`RunContext.fail`); the executable ends with the worse of the
///   command's status and what the diagnostics ask for
///   (`RunContext.exitStatus`).
public struct CommandRunner: Sendable {
    /// Where the run reports.
    public let context: RunContext
    /// The workers, the pipeline's sizes, the codec.
    public let engine: EngineSettings

    public init(context: RunContext, engine: EngineSettings) {
        self.context = context
        self.engine = engine
    }

    /// What one run of the pipeline is made of: what to read (`cutter`),
    /// what the workers do (`kind`), where the results go (`sink`, which
    /// understands the cutter's chunk context: the compiler checks it), and
    /// what feeds the cutter while the job runs (`producer`).
    public struct Job<Cutter: ChunkCutter, Sink: ResultSink> where Sink.Context == Cutter.Context {
        /// What to read: it cuts the input into numbered chunks.
        public var cutter: Cutter
        /// What the workers do to each chunk.
        public var kind: WorkKind
        /// Names the input in messages.
        public var inputName: String
        /// Where the results go, in order, each with its chunk's context.
        public var sink: Sink
        /// The work that feeds the cutter (a walk), run on its own thread
        /// beside the pipeline; it stops when the cancellation is set.
        public var producer: (@Sendable (Cancellation) -> Void)?
        /// Called when the job failed, with the error already reported and
        /// the producer cancelled (gzip -r names what it did not finish).
        public var whenFailed: ((BaleError) -> Void)?

        public init(cutter: Cutter, kind: WorkKind, inputName: String, sink: Sink,
                    producer: (@Sendable (Cancellation) -> Void)? = nil,
                    whenFailed: ((BaleError) -> Void)? = nil) {
            self.cutter = cutter
            self.kind = kind
            self.inputName = inputName
            self.sink = sink
            self.producer = producer
            self.whenFailed = whenFailed
        }
    }

    /// Starts the run's worker pool (lazily: on the first job), runs `body`
    /// with a pipeline on it, then shuts the pool down, reporting every
    /// worker that did not exit cleanly.
    public func withPipeline<T>(_ body: (Pipeline) -> T) -> T {
        let pool = engine.makePool()
        defer {
            for ended in pool.shutdown() { context.report(.workerEnded(ended.pid, ended.status)) }
        }
        return body(Pipeline(options: engine.pipeline, workers: pool, context: context))
    }

    /// Runs `job` through `pipeline`: its producer (if any) on a thread of
    /// its own, the pipeline on this one. When the job fails, its producer
    /// is cancelled at once (a walk must not go on through the rest of a
    /// tree for a job that has ended) and joined, and the error is thrown,
    /// unreported: for a job that is one step of a larger one (gunzip's
    /// parallel pass, which the streaming pass may take over).
    public func perform<Cutter, Sink>(_ job: Job<Cutter, Sink>, on pipeline: Pipeline) throws(BaleError) -> Pipeline.Report {
        // The workers first (their pipes and the arena), then the producer:
        // a walk started first could take the descriptors of a low `ulimit
        // -n` that the workers cannot do without ("cannot start ...: Too
        // many open files"), where the walk can make do with fewer.
        // Workers that cannot start fail the job before its producer runs;
        // the producer still runs, cancelled from the start, for its own
        // cleanup only (closing the queue it fills, which the sink and the
        // job's `whenFailed` read to its end: left open, `gzip -r` waited
        // on it for ever).
        if let produce = job.producer {
            do throws(BaleError) {
                if let fewer = try pipeline.workers.workers().fewer { context.report(.notice(path: nil, fewer)) }
            } catch {
                let stopped = Cancellation()
                stopped.cancel()
                produce(stopped)
                throw error
            }
        }
        let cancellation = Cancellation()
        let producer = job.producer.map { produce in
            JoinableThread(name: "bale-walk") { produce(cancellation) }
        }
        // After a success the producer has ended (the cutter read its last
        // item), and cancelling only wakes no one.
        defer {
            cancellation.cancel()
            producer?.join()
        }
        return try pipeline.run(cutter: job.cutter, kind: job.kind, inputName: job.inputName, sink: job.sink)
    }

    /// Runs `job` as `perform` does; when it fails, reports the error
    /// (nothing for a reader that went away: exit 141, see `RunContext.fail`),
    /// then calls the job's `whenFailed`. Returns the pipeline's report, or
    /// the error that stopped it.
    public func run<Cutter, Sink>(_ job: Job<Cutter, Sink>, on pipeline: Pipeline) -> Result<Pipeline.Report, BaleError> {
        do throws(BaleError) {
            return .success(try perform(job, on: pipeline))
        } catch {
            context.fail(error)
            job.whenFailed?(error)
            return .failure(error)
        }
    }
}

extension CommandRunner.Job where Sink == OutputBytes<Cutter.Context> {
    /// A job whose results go, as bytes in order, to `output` (a file,
    /// standard output, an archive reader): most commands' case.
    public init(cutter: Cutter, kind: WorkKind, inputName: String, output: any OutputSink,
                producer: (@Sendable (Cancellation) -> Void)? = nil,
                whenFailed: ((BaleError) -> Void)? = nil) {
        self.init(cutter: cutter, kind: kind, inputName: inputName, sink: OutputBytes(output),
                  producer: producer, whenFailed: whenFailed)
    }
}
