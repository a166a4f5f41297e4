#if canImport(Glibc)
import Glibc
#endif

/// Connects one worker process to one job: a feeder thread that takes
/// chunks from the bounded queue and writes them down the worker's pipe,
/// and a receiver thread that reads the worker's results and hands them to
/// the collector.
///
/// Two threads per worker, because both ends block: the feeder when the
/// pipe is full (the worker is busy), the receiver until a result arrives.
/// Between them, `InFlightChunks`: the chunks the worker holds, in the
/// order sent. A worker answers in that order, so the receiver knows which
/// chunk each result must be. At most `PipelineOptions.inFlightPerWorker`
/// chunks are in flight per worker: one being worked on and one waiting in the pipe keeps a worker
/// busy without hoarding chunks (one for the jobs whose chunks hold arena
/// slots: `PipelineOptions.inFlightPerWorker` names them). Because the link holds the chunk it
/// sent, it attaches the chunk's context to the result (the sink needs no
/// one to tell it what the chunk was), and decodes each reply
/// (`WorkReply`) and checks it answers the request (and, for a chunk in
/// the shared arena, names no byte past the chunk's slot) before the
/// collector sees it.
///
/// A worker that fails does not fail the job. When the receiver finds its
/// worker dead (its result pipe ends), hung (no result within the timeout,
/// or a result begun and not finished within it) or talking nonsense (a
/// frame for the wrong chunk, a frame cut short), it kills that worker,
/// has the pool start another in its place, and sends the new one every
/// chunk still in flight, in the same order. The bytes
/// each chunk becomes do not depend on which process made them, so the
/// output is the same as an undisturbed run's. The chunk the worker was on
/// (the oldest in flight) takes a strike; a chunk that ends two workers is
/// a poison chunk, and the job stops with a message naming the input and
/// the chunk's offset, rather than feed it to worker after worker.
///
/// The send lock keeps the two threads from crossing during a restart: the
/// feeder appends and sends under it, and the receiver swaps the worker
/// under it, then resends on a thread of its own while `resending` holds
/// the feeder back, so every chunk reaches the new worker once, in
/// order. The receiver kills the old worker before taking the lock: a
/// feeder blocked writing to a hung worker's full pipe then gets EPIPE and
/// lets go.
final class WorkerLink<Context: Sendable> {
    private var feeder: JoinableThread?
    private var receiver: JoinableThread?
    private let current: Current
    /// Seconds the worker (and its replacements) spent on this link's
    /// chunks, as each reported it (for `--stats`).
    let working = SecondsCounter()

    /// Workers a poison chunk may end before the job stops.
    static var strikesAllowed: Int { 2 }

    /// The worker this link feeds now. Sends, and a restart, happen under
    /// `lock`; the reference itself is read and swapped under `swap`, so
    /// the receiver can learn it while the feeder sleeps in a send to a
    /// busy worker (waiting for `lock` there would deadlock: the worker
    /// waits for the receiver to take its result).
    ///
    /// After a restart, the chunks in flight are sent to the new worker by
    /// a thread of their own (`resender`), while the receiver goes back to
    /// reading: the new worker answers the first chunk before it reads the
    /// second, and its answer does not fit in the pipe, so one thread
    /// doing both would wait for itself. Until it is done, `resending`
    /// holds the feeder back, so the order of chunks in the pipe stays the
    /// order of `InFlightChunks`.
    private final class Current: @unchecked Sendable {  // `resending`, `resender`, `retired` under `lock`; `process` under `swap`
        let lock = Monitor()
        let resent: Monitor.Condition
        var resending = false
        /// The worker was shut down with no replacement (the job fails):
        /// nothing more may be sent, for its pipe's descriptor is closed
        /// and its number may be another file's by now.
        var retired = false
        var resender: JoinableThread?
        private let swap = Monitor()
        private var process: WorkerProcess
        init(_ worker: WorkerProcess) {
            process = worker
            resent = lock.makeCondition()
        }
        var worker: WorkerProcess {
            get { swap.withLock { process } }
            set { swap.withLock { process = newValue } }
        }

        /// Waits for the resender of the last restart, if any.
        func joinResender() {
            let thread = lock.withLock { () -> JoinableThread? in
                defer { resender = nil }
                return resender
            }
            thread?.join()
        }
    }

    /// Links `worker`, number `number` in the pool (the slots of the arena
    /// it writes results in are chosen by it), to a job.
    init(
        number: Int, worker: WorkerProcess, pool: WorkerPool, kind: WorkKind, options: PipelineOptions,
        inputName: String, queue: BoundedQueue<Chunk<Context>>, results: BoundedQueue<ChunkResult<Context>>,
        failure: FailureLatch, context: RunContext
    ) {
        let inFlight = InFlightChunks<Context>(capacity: options.inFlightPerWorker)
        let current = Current(worker)
        self.current = current
        let working = working
        feeder = JoinableThread(name: "bale-feeder") {
            defer { inFlight.close() }
            // Room first, then a chunk: a chunk taken while the worker is
            // full would wait here, held from a worker that may be idle.
            while inFlight.waitForRoom(), var chunk = queue.pop() {
                if failure.hasFailed { return }
                Self.placeResult(of: &chunk, for: number)
                let sent = current.lock.withLock { () -> Bool in
                    while current.resending { current.lock.wait(current.resent) }
                    if current.retired { return false }
                    inFlight.append(chunk)
                    // A failed send means the worker died: the receiver
                    // sees its result pipe end, restarts it, and resends
                    // this chunk with the others in flight.
                    try? Self.send(chunk, kind: kind, to: current.worker, failure: failure, inputName: inputName)
                    return true
                }
                if !sent { return }
            }
        }
        receiver = JoinableThread(name: "bale-receiver") {
            var strikes: [UInt64: Int] = [:]
            // Reads one result for every chunk sent, even after a failure,
            // so that a worker never blocks writing to a pipe nobody reads.
            while let head = inFlight.first() {
                let worker = current.worker
                let fault: String
                let limit = head.request.timeLimit(seconds: options.workerTimeout)
                switch Self.receive(from: worker, timeout: limit) {
                case .result(let frame, _) where frame.sequence != head.sequence:
                    fault = "answered chunk \(frame.sequence) when chunk \(head.sequence) was due"
                case .result(let frame, let payload):
                    let reply: WorkReply
                    do throws(CodecError) { reply = try WorkReply.decode(frame, payload: payload, slot: head.slot) } catch {
                        fault = "sent a broken reply: \(error)"
                        break
                    }
                    guard reply.answers(head.request) else {
                        fault = "sent \(frame.kind) in answer to a \(head.request.name) request"
                        break
                    }
                    if case .failed(let reason, let isDamage) = reply {
                        let work = head.request.inflates ? "decompress" : head.request.hashes ? "hash" : "compress"
                        failure.fail(isDamage && head.request.inflates
                                     ? .corrupt(path: inputName, offset: head.offset, reason: reason)
                                     : .codecFailed(path: inputName, work: work, reason: reason))
                    } else {
                        working.add(Double(frame.workerNanoseconds) / 1e9)
                        _ = results.push(ChunkResult(sequence: head.sequence, reply: reply,
                                                     inputLength: head.request.inputLength, context: head.context))
                    }
                    inFlight.removeFirst()
                    continue
                case .broken(let reason):
                    fault = reason
                case .ended:
                    fault = "died"
                case .silent:
                    fault = "did not answer within \(limit) s"
                }
                worker.process.kill(SIGKILL)
                if failure.hasFailed {
                    inFlight.cancel()
                    return
                }
                // A stream it was hashing (standard input, a pipe) was read
                // once: a replacement would hash only what is left of it,
                // a wrong digest with exit 0. The run fails instead. Only the
                // chunk at the head was begun (a worker takes its requests in
                // order); a stream queued behind it was not read yet. Ended
                // under the lock, as a replacement is: the feeder must never
                // send on a descriptor that was closed.
                if head.request.readsStream {
                    current.joinResender()  // it ends quickly: the worker it writes to is dead
                    current.lock.withLock {
                        current.retired = true
                        _ = worker.shutdown()
                    }
                    failure.fail(.workerFailed("the worker hashing standard input, a pipe or a device "
                                               + "\(fault); what it read cannot be read again"))
                    inFlight.cancel()
                    return
                }
                current.joinResender()  // it ends quickly: the worker it writes to is dead
                strikes[head.sequence, default: 0] += 1
                let poisoned = strikes[head.sequence]! >= Self.strikesAllowed
                // Reap the old worker and start its replacement in one hold
                // of the lock: the feeder must never send on a descriptor
                // that was closed (its number may be reused meanwhile), so
                // a worker ended with none in its place is `retired` there
                // too, before the job's failure is set.
                let (status, restart) = current.lock.withLock { () -> (ExitStatus?, Result<Void, BaleError>) in
                    let status = worker.shutdown()
                    if poisoned {
                        current.retired = true
                        return (status, .success(()))
                    }
                    do {
                        current.worker = try pool.replace(worker)
                    } catch let error as BaleError {
                        current.retired = true
                        return (status, .failure(error))
                    } catch {
                        current.retired = true
                        return (status, .failure(.workerFailed("\(error)")))
                    }
                    let chunks = inFlight.all
                    let fresh = current.worker
                    current.resending = true
                    current.resender = JoinableThread(name: "bale-resender") {
                        for chunk in chunks {
                            // A failed send: the new worker died too, and the receiver will see it.
                            do {
                                try Self.send(chunk, kind: kind, to: fresh, failure: failure, inputName: inputName)
                            } catch { break }
                        }
                        current.lock.withLock {
                            current.resending = false
                            current.resent.broadcast()
                        }
                    }
                    return (status, .success(()))
                }
                let how = status.map { "\(fault) (\($0))" } ?? fault
                if poisoned {
                    // A batch of files is named by its files, not by the
                    // job's name for them ("files") and a byte offset.
                    if let paths = head.request.hashedPaths, let first = paths.first, let last = paths.last {
                        failure.fail(.poisonBatch(path: TerminalText.name(first), last: TerminalText.name(last),
                                                  files: paths.count, workers: Self.strikesAllowed, how: how))
                    } else {
                        failure.fail(.poisonChunk(path: inputName, offset: head.offset, workers: Self.strikesAllowed,
                                                  how: how))
                    }
                    inFlight.cancel()
                    return
                }
                if case .failure(let error) = restart {
                    failure.fail(error)
                    inFlight.cancel()
                    return
                }
                context.report(.workerReplaced(worker.process.pid, how: how, by: current.worker.process.pid))
            }
        }
    }

    /// Claims a slot of `chunk.resultArena` for its result, as the feeder
    /// of worker `number` is about to send it (`SharedArena.claimSlot(for:)`);
    /// with no slot free, the result comes back in the reply frame. The
    /// chunk keeps the slot, and a replacement worker writes there too.
    private static func placeResult(of chunk: inout Chunk<Context>, for number: Int) {
        guard let arena = chunk.resultArena, chunk.slot == nil, let slot = arena.claimSlot(for: number),
              let request = chunk.request.placingResult(in: slot) else { return }
        chunk.request = request
        chunk.slot = slot
    }

    /// Sends `chunk`'s request to `worker`, its payload straight from the
    /// request's bytes, or, for a range of the input file, spliced from
    /// the file into the pipe (`FrameChannel.splice`). Throws when the
    /// worker cannot be written to (it died).
    ///
    /// The feeder, not a reader, moves a file range's bytes: splicing
    /// only hands the pipe references to page-cache pages, which the
    /// readers have asked the kernel to fill ahead (`FileChunkCutter`), so
    /// the feeder does no disk reading of its own in the usual case. It is
    /// done again on every send: a chunk resent to a replacement worker is
    /// spliced again from the same range, nothing of it kept in bale.
    ///
    /// A range the file no longer holds all of (it shrank since it was cut)
    /// or cannot be read fails the job, for the file `inputName`, as a
    /// short pread did (`changedWhileReading`, `readFailed`), before the
    /// frame is finished: the worker's answer to it cannot come before,
    /// and the collector writes nothing once a job has failed, so the
    /// chunk never comes out as data. The frame is then finished with
    /// zeros, so the worker still reads whole frames and answers it,
    /// and the receiver, which reads an answer for every chunk sent, is
    /// not left waiting.
    private static func send(
        _ chunk: Chunk<Context>, kind: WorkKind, to worker: WorkerProcess, failure: FailureLatch, inputName: String
    ) throws(SystemError) {
        let request = chunk.request
        let header = request.header(sequence: chunk.sequence, kind: kind)
        guard let range = request.fileRange else {
            try worker.requests.send(header, payload: request.payload)
            return
        }
        try worker.requests.sendHeader(header, prefix: request.payload)
        let moved: Int
        switch try worker.requests.splice(range) {
        case .whole:
            return
        case .fileEnded(let count):
            failure.fail(.changedWhileReading(path: inputName))
            moved = count
        case .unreadable(let error, let count):
            failure.fail(.readFailed(path: inputName, error))
            moved = count
        }
        try worker.requests.sendZeros(range.length - moved)
    }

    /// What waiting for a worker's next result gave.
    private enum Received {
        case result(WireFrame, [UInt8])
        /// The result pipe ended between frames: the worker exited.
        case ended
        /// A frame cut short or malformed.
        case broken(String)
        /// Nothing within the timeout.
        case silent
    }

    /// Waits up to `timeout` seconds for the next frame to start, then
    /// reads it, giving the rest of the frame `timeout` seconds from its
    /// start (the worker did its work before it began to answer, so the
    /// rest is only a copy through the pipe): a worker that stalls in the
    /// middle of a frame is caught as one that never answers is.
    private static func receive(from worker: WorkerProcess, timeout: Int) -> Received {
        // Counted while bale runs and the worker is not kept waiting for
        // a CPU (`WaitBudget`): a job stopped and continued, or a machine
        // with more work than cores, is no silence of its workers.
        if timeout > 0 {
            var budget = WaitBudget(seconds: timeout, worker: worker.process.pid)
            do throws(SystemError) {
                if try !budget.waitForInput(on: worker.results.fd) { return .silent }
            } catch {
                return .broken("cannot be waited for: \(error.reason)")
            }
        }
        do throws(WireError) {
            guard let (frame, payload) = try worker.results.receive(within: timeout, from: worker.process.pid) else { return .ended }
            return .result(frame, payload)
        } catch .truncated {
            return .broken("died while sending a result")  // its pipe ended mid-frame
        } catch .timedOut(let received, let expected) {
            let part = expected.map { "\(received) of \($0) bytes" } ?? "\(received) bytes"
            return .broken("stalled in the middle of a result (\(part) in \(timeout) s)")
        } catch {
            return .broken("sent a broken frame: \(error)")
        }
    }

    /// Waits for the link's threads.
    func join() {
        feeder?.join()
        receiver?.join()
        current.joinResender()
    }
}
