/// The reader threads of one job: each takes the next chunk from the
/// cutter and pushes it into the bounded queue, until the input ends.
///
/// Reading is I/O: these are threads, which spend their time blocked in
/// read or pread, or blocked on the full queue when the workers are the
/// slower stage (the normal case: reading a cached file runs at several
/// GB/s, deflate at tens of MB/s per core). Several threads matter for a
/// cold disk or a network file system, where one read at a time leaves the
/// device idle; `--io-threads` sets how many.
final class ReaderPool<Cutter: ChunkCutter> {
    private var threads: [JoinableThread] = []
    /// Seconds the readers spent cutting and reading, summed over threads.
    let reading = SecondsCounter()

    /// Starts `count` readers cutting with `cutter` into `queue`.
    init(
        count: Int, cutter: Cutter, queue: BoundedQueue<Chunk<Cutter.Context>>,
        window: ReorderBuffer<Cutter.Context>, failure: FailureLatch
    ) {
        let reading = reading
        for index in 0..<count {
            threads.append(JoinableThread(name: "bale-reader-\(index)") {
                do {
                    var busy = 0.0
                    defer { reading.add(busy) }
                    while true {
                        let started = RunSummary.now()
                        guard let chunk = try cutter.nextChunk(admit: { window.admit($0) }) else { break }
                        busy += RunSummary.now() - started
                        if !queue.push(chunk) { return }
                    }
                } catch let error as BaleError {
                    failure.fail(error)
                } catch {
                    failure.fail(.workerFailed("\(error)"))
                }
            })
        }
    }

    /// Waits for every reader to finish.
    func join() {
        for thread in threads { thread.join() }
    }
}
