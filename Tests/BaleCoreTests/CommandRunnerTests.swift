import Synchronization
import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// The runner's promise to a command with a producer (a walk feeding the
/// cutter from a thread of its own): when the job fails, the producer is
/// cancelled and joined before `run` returns, `whenFailed` comes after,
/// and the error is in the run's diagnostics. A producer that never ends
/// on its own makes the first two visible: without the cancellation the
/// run never returns, and without the join the producer is still going
/// when the run (or `whenFailed`) looks.
@Suite struct CommandRunnerTests {
    /// The pipeline writes into worker pipes: as in bale, SIGPIPE is
    /// ignored by the process (the executable's job, so the tests' here).
    init() { _ = ignoreBrokenPipes }

    /// What the producer did, as the test reads it: how many items it
    /// queued and whether it has returned.
    final class ProducerRecord: Sendable {
        private let state = Mutex((produced: 0, ended: false))
        func producedOne() { state.withLock { $0.produced += 1 } }
        func end() { state.withLock { $0.ended = true } }
        var produced: Int { state.withLock { $0.produced } }
        var ended: Bool { state.withLock { $0.ended } }
    }

    /// A cutter that makes one small compress chunk per item the producer
    /// queued, and fails, as a reader that cannot read, at chunk `failingAt`.
    final class QueueCutter: ChunkCutter, Sendable {
        let items: BoundedQueue<Int>
        let failingAt: UInt64?
        private let next = Mutex<UInt64>(0)

        init(items: BoundedQueue<Int>, failingAt: UInt64?) {
            self.items = items
            self.failingAt = failingAt
        }

        var chunkCount: UInt64 { next.withLock { $0 } }

        func nextChunk(admit: (UInt64) -> Bool) throws(BaleError) -> Chunk<Void>? {
            let sequence = next.withLock { $0 }
            guard admit(sequence), let item = items.pop() else { return nil }
            if sequence == failingAt {
                throw .readFailed(path: "item \(item)", SystemError(code: EIO, operation: "read"))
            }
            next.withLock { $0 += 1 }
            return Chunk(sequence: sequence, offset: Int64(sequence) * 100,
                         request: .compress(data: sampleText(100, seed: UInt64(item) + 1)))
        }
    }

    /// A runner whose workers are the built bale, one reader thread.
    static func runner(_ context: RunContext) -> CommandRunner {
        var engine = EngineSettings()
        engine.jobs = 2
        engine.workerExecutable = builtBale
        engine.pipeline.ioThreads = 1
        return CommandRunner(context: context, engine: engine)
    }

    @Test func aFailedJobStopsItsProducerBeforeWhenFailed() throws {
        #expect(access(builtBale, X_OK) == 0, "build bale first: \(builtBale)")
        let capacity = 4
        let items = BoundedQueue<Int>(capacity: capacity)
        let record = ProducerRecord()
        let failingAt: UInt64 = 3
        let seenByWhenFailed = Mutex<(ended: Bool, produced: Int)?>(nil)
        let context = RunContext(quiet: true)
        let runner = Self.runner(context)
        let job = CommandRunner.Job(
            cutter: QueueCutter(items: items, failingAt: failingAt), kind: .compress(Compression(level: 1)),
            inputName: "the produced items", output: CollectingSink(),
            producer: { cancellation in
                // Never ends on its own: only the cancellation stops it (and
                // wakes it, blocked on the full queue, by cancelling the queue).
                cancellation.whenCancelled { items.cancel() }
                var item = 0
                while !cancellation.isCancelled {
                    guard items.push(item) else { break }
                    record.producedOne()
                    item += 1
                }
                record.end()
            },
            whenFailed: { _ in seenByWhenFailed.withLock { $0 = (record.ended, record.produced) } })

        let result = runner.withPipeline { runner.run(job, on: $0) }

        guard case .failure(let error) = result else {
            Issue.record("the job succeeded: \(result)")
            return
        }
        #expect(error.path == "item \(failingAt)")
        // The producer had returned when `run` did, and `whenFailed` saw it
        // ended, with every item it would ever make.
        #expect(record.ended)
        let produced = record.produced
        let seen = try #require(seenByWhenFailed.withLock { $0 })
        #expect(seen.ended)
        #expect(seen.produced == produced)
        // It stopped where the cutter stopped taking: no more than what the
        // cutter took (the failing item too) and what the queue held.
        #expect(produced >= Int(failingAt) + 1)
        #expect(produced <= Int(failingAt) + 1 + capacity)
        #expect(context.diagnostics.contains { $0.severity == .error && $0.path == "item \(failingAt)" })
    }

    @Test func aProducerThatEndsLetsTheJobSucceedQuietly() throws {
        #expect(access(builtBale, X_OK) == 0, "build bale first: \(builtBale)")
        let items = BoundedQueue<Int>(capacity: 4)
        let record = ProducerRecord()
        let failed = Mutex(false)
        let sink = CollectingSink()
        let context = RunContext(quiet: true)
        let runner = Self.runner(context)
        let job = CommandRunner.Job(
            cutter: QueueCutter(items: items, failingAt: nil), kind: .compress(Compression(level: 1)),
            inputName: "the produced items", output: sink,
            producer: { cancellation in
                cancellation.whenCancelled { items.cancel() }
                for item in 0..<20 {
                    guard items.push(item) else { break }
                    record.producedOne()
                }
                items.close()
                record.end()
            },
            whenFailed: { _ in failed.withLock { $0 = true } })

        let result = runner.withPipeline { runner.run(job, on: $0) }

        let report = try result.get()
        #expect(report.chunks == 20)
        #expect(record.ended && record.produced == 20)
        #expect(!failed.withLock { $0 })
        #expect(context.diagnostics.isEmpty)
        // Twenty members in order: zlib's own reader reads the first, item 0's.
        #expect(try zlibGunzip(sink.bytes) == sampleText(100, seed: 1))
    }
}
