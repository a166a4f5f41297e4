/// Connects one worker process to one job: a feeder thread that takes
/// chunks from the bounded queue and writes them down the worker's pipe,
/// and a receiver thread that reads the worker's results and hands them to
/// the collector.
///
/// Two threads per worker, because both ends block: the feeder when the
/// pipe is full (the worker is busy), the receiver until a result arrives.
/// Between them, an in-flight list of the chunks the worker holds, in the
/// order sent; a worker answers in that order, so the receiver knows which
/// chunk each result must be, and can name it if the worker dies. At most
/// `depth` chunks are in flight per worker: one being worked on and one
/// waiting in the pipe keeps a worker busy without hoarding chunks.
final class WorkerLink {
    private var feeder: JoinableThread?
    private var receiver: JoinableThread?

    /// What the receiver knows of a chunk it is waiting for.
    struct Sent: Sendable {
        var sequence: UInt64
        var offset: Int64
        var inputLength: Int
    }

    init(
        worker: WorkerProcess, kind: WorkKind, depth: Int, inputName: String,
        queue: BoundedQueue<Chunk>, results: BoundedQueue<ChunkResult>, failure: FailureLatch
    ) {
        let inFlight = BoundedQueue<Sent>(capacity: depth)
        feeder = JoinableThread(name: "bale-feeder") {
            defer { inFlight.close() }
            while let chunk = queue.pop() {
                if failure.hasFailed { return }
                let frame: WireFrame
                switch kind {
                case .compress(let compression):
                    frame = WireFrame(kind: chunk.holdsPieces ? .compressPieces : .compress,
                                      codec: compression.codec.rawValue, sequence: chunk.sequence,
                                      argument: UInt64(compression.level), payloadLength: chunk.bytes.count)
                case .inflate(let codec):
                    frame = WireFrame(kind: .inflate, codec: codec.rawValue, sequence: chunk.sequence,
                                      argument: UInt64(chunk.expectedLength), payloadLength: chunk.bytes.count)
                case .digest:
                    frame = WireFrame(kind: .digestFiles, sequence: chunk.sequence, payloadLength: chunk.bytes.count)
                }
                guard inFlight.push(Sent(sequence: chunk.sequence, offset: chunk.offset,
                                         inputLength: chunk.bytes.count)) else { return }
                do {
                    try worker.requests.send(frame, payload: chunk.bytes)
                } catch let error as SystemError {
                    failure.fail(.workerFailed(
                        "cannot send work to worker \(worker.process.pid): \(error.reason)"))
                    return
                } catch {
                    return
                }
            }
        }
        receiver = JoinableThread(name: "bale-receiver") {
            // Reads one result for every chunk sent, even after a failure,
            // so that a worker never blocks writing to a pipe nobody reads.
            while let sent = inFlight.pop() {
                let received: (WireFrame, [UInt8])?
                do { received = try worker.results.receive() } catch {
                    failure.fail(.workerFailed("worker \(worker.process.pid): \(error)"))
                    inFlight.cancel()
                    return
                }
                guard let (frame, payload) = received else {
                    failure.fail(.workerFailed(
                        "worker \(worker.process.pid) ended while working on \(inputName) at byte \(sent.offset)"))
                    inFlight.cancel()
                    return
                }
                guard frame.sequence == sent.sequence else {
                    failure.fail(.workerFailed(
                        "worker \(worker.process.pid) answered chunk \(frame.sequence), expected \(sent.sequence)"))
                    inFlight.cancel()
                    return
                }
                switch frame.kind {
                case .compressed, .inflated, .digested:
                    _ = results.push(ChunkResult(sequence: frame.sequence, bytes: payload,
                                                 inputLength: sent.inputLength))
                case .failed:
                    let reason = String(decoding: payload, as: UTF8.self)
                    failure.fail(.corrupt(path: inputName, offset: sent.offset, reason: reason))
                default:
                    failure.fail(.workerFailed("worker \(worker.process.pid) sent a \(frame.kind) frame"))
                    inFlight.cancel()
                    return
                }
            }
        }
    }

    /// Waits for both threads.
    func join() {
        feeder?.join()
        receiver?.join()
    }
}
