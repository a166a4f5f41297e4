/// The collector thread: takes worker results as they come, restores
/// sequence order through the reorder buffer, and writes the output.
///
/// There is one collector, so the output is written by one thread in one
/// order: the bytes cannot depend on how many workers or readers there
/// were, or on which finished first. Writing is I/O, so this is a thread.
final class Collector<Sink: ResultSink> {
    private var thread: JoinableThread?
    private let state: State

    final class State: @unchecked Sendable {  // written by the collector thread only, read after `join`
        var written: UInt64 = 0
        var bytesIn: Int64 = 0
        var bytesOut: Int64 = 0
        /// Seconds spent in the sink's write (for `--stats`).
        var writing = 0.0
    }

    /// Starts the collector: it runs until `results` is closed and drained.
    init(
        results: BoundedQueue<ChunkResult<Sink.Context>>, window: ReorderBuffer<Sink.Context>,
        failure: FailureLatch, sink: Sink, countsBytes: Bool, summary: RunSummary
    ) {
        let state = State()
        self.state = state
        thread = JoinableThread(name: "bale-collector") {
            // Once the run failed, results are still written only by a sink
            // whose results stand alone (`ResultSink.writesWhatCameBeforeAFailure`),
            // and only while its own writes succeed.
            var sinkFailed = false
            while let result = results.pop() {
                window.insert(result)
                while let ready = window.popNext() {
                    if failure.hasFailed && (sinkFailed || !sink.writesWhatCameBeforeAFailure) { continue }
                    let started = RunSummary.now()
                    do throws(BaleError) {
                        try sink.write(ready)
                    } catch {
                        sinkFailed = true
                        failure.fail(error)
                        continue
                    }
                    state.writing += RunSummary.now() - started
                    state.written += 1
                    state.bytesIn += Int64(ready.inputLength)
                    state.bytesOut += Int64(ready.reply.outputLength)
                    // As it goes, for the progress line.
                    if countsBytes { summary.addProgress(read: Int64(ready.inputLength)) }
                }
            }
        }
    }

    /// Waits for the collector to finish; returns what it wrote.
    func join() -> (chunks: UInt64, bytesIn: Int64, bytesOut: Int64, writing: Double) {
        thread?.join()
        return (state.written, state.bytesIn, state.bytesOut, state.writing)
    }
}
