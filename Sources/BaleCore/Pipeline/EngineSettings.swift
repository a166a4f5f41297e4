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
    /// The library the workers compress and inflate bale's members with (`--codec`).
    public var codec = Codec.libdeflate
    /// The executable workers run; nil for this one (tests pass the built `bale`).
    public var workerExecutable: String?

    public init() {}

    /// The number of workers `jobs` asks for.
    public var workerCount: Int {
        jobs > 0 ? jobs : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The work of compressing chunks at `level` with this codec.
    public func compression(level: Int32) -> WorkKind {
        .compress(Compression(codec: codec, level: level))
    }

    /// A pool of workers for these settings, started on first use.
    public func makePool() -> WorkerPool {
        WorkerPool(executable: workerExecutable ?? WorkerPool.currentExecutable, count: workerCount)
    }
}
