import Synchronization

/// The files of a batch job (`bale gzip -r`) taken from the walk and not
/// yet finished: the planner enters each file as it takes it, the sink
/// crosses it off when it is done with it (its output in place, or the
/// file failed and said so), and after a job that stopped, the runner
/// asks what is left (`unfinished`) to name the inputs it left as they
/// were. A registry both sides share, so the sink never asks the cutter.
///
/// Entries are crossed off as files finish, so it holds no more than the
/// files in flight, however many files the job has. They are reachable
/// only under its lock (a `Mutex` that owns them).
public final class FileLedger: Sendable {
    private let taken = Mutex<[Int: FileTask]>([:])

    public init() {}

    /// Enters file `index` of the walk, just taken.
    func take(_ task: FileTask, as index: Int) {
        taken.withLock { $0[index] = task }
    }

    /// Crosses off file `index`: the sink is done with it.
    public func finish(_ index: Int) {
        taken.withLock { $0[index] = nil }
    }

    /// The files taken and not finished, in walk order.
    public var unfinished: [FileTask] {
        taken.withLock { $0.sorted { $0.key < $1.key }.map(\.value) }
    }
}
