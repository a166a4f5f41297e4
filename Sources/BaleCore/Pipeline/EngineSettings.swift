import CSystem
#if canImport(Glibc)
import Glibc
#endif

/// How a command runs its jobs: how many worker processes, which
/// executable they run, and the pipeline's sizes. Shared by every command.
public struct EngineSettings: Sendable {
    /// Worker processes (`-p`); 0 for one per online core.
    public var jobs = 0
    /// Chunk size, reader threads and the bounds that follow.
    public var pipeline = PipelineOptions()
    /// The libraries the workers compress bale's chunks with (`--codec`):
    /// by default each level's fastest (`CodecChoice.automatic`).
    public var codecChoice = CodecChoice.automatic
    /// The library the workers inflate bale's members with.
    public var codec: Codec { codecChoice.inflater }
    /// The executable workers run; nil for this one (tests pass the built `bale`).
    public var workerExecutable: String?

    public init() {}

    /// The number of workers `jobs` asks for; by default one per CPU this
    /// process may run on (`bale_usable_cpus`: under `taskset -c 0`, or a
    /// Slurm task bound to 4 cores, the online count started one worker
    /// per core of the whole node), and no more than its cgroup's CPU
    /// quota allows, rounded up (a container's `--cpus 2` on a 64-core
    /// host started 64 workers to share the time of 2).
    public var workerCount: Int {
        jobs > 0 ? jobs : Self.usableCPUs
    }

    /// The CPUs this process may run on (at least 1): asked once, as the
    /// answer reads /proc/self/cgroup and /proc/self/mountinfo (the quota)
    /// and a run asks it several times (the pool, its arena, the summary).
    public static let usableCPUs: Int = max(1, Int(bale_usable_cpus()))

    /// The work of compressing chunks at bale's `level` with the codec chosen.
    public func compression(level: Int32) -> WorkKind {
        .compress(codecChoice.compression(level: level))
    }

    /// A pool of workers for these settings, started on first use, with
    /// the arena they share with bale cut for these jobs.
    public func makePool() -> WorkerPool {
        let perWorker = pipeline.addressSpacePerWorker
        return WorkerPool(executable: workerExecutable ?? WorkerPool.currentExecutable, count: workerCount,
                          arena: .forJobs(pipeline, workers: WorkerPool.mostThatFit(workerCount, perWorker: perWorker)),
                          options: pipeline)
    }
}
