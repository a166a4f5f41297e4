import DequeModule

/// Writes a producer's buffers to a sink on a thread of its own, in order,
/// so that the producer (the streaming decoder, inflating on the calling
/// thread) works on the next buffer while this one is written: on two
/// cores, inflating runs on one while writing the output, or creating the
/// files of a tar stream (`TarStreamSink`), runs on the other.
///
/// A thread, not a worker process: a stream's inflate is one long-lived
/// state that cannot be cut into independent chunks, so a worker would get
/// no parallelism from it, only two more copies of every output byte
/// through pipes (the cost the parallel path pays for using many cores).
/// Here the buffers are handed over, not copied: a fixed ring of
/// `bufferCount` buffers of `bufferSize` bytes, which also bounds memory;
/// the producer waits while all are queued for writing.
///
/// The first write that fails ends the thread; the producer's next
/// `emptyBuffer` (or `finish`) throws that error, so the run stops there
/// as it would have stopped writing on its own thread. `finish` writes
/// whatever was sent before it and joins the thread: what was decoded
/// before an error in the input is written, as when one thread did both.
public final class SinkWriterThread: @unchecked Sendable {  // state only under `monitor`
    /// The ring of buffers lives in one allocation.
    private let storage: UnsafeMutableRawBufferPointer
    private let monitor = Monitor()
    private let bufferFreed: Monitor.Condition
    private let bufferSent: Monitor.Condition
    private var state: State
    private var thread: JoinableThread? = nil

    private struct State {
        /// Buffers the producer may fill.
        var free: [UnsafeMutableRawBufferPointer]
        /// Filled buffers and their byte counts, oldest first, to be
        /// written; and whether the input paused after them (`send`).
        var sent: Deque<(UnsafeMutableRawBufferPointer, Int, pauses: Bool)> = []
        var phase = Phase.open
    }

    private enum Phase {
        /// The producer may send more.
        case open
        /// The producer sent its last buffer; the thread writes what is
        /// queued and ends.
        case closed
        /// A write failed; the thread ended, later sends are dropped.
        case failed(BaleError)
    }

    /// Starts the thread writing to `sink`.
    public init(sink: any OutputSink, bufferSize: Int = 1 << 20, bufferCount: Int = 4) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize * bufferCount, alignment: 64)
        self.storage = storage
        let buffers = (0..<bufferCount).map {
            UnsafeMutableRawBufferPointer(rebasing: storage[$0 * bufferSize..<($0 + 1) * bufferSize])
        }
        state = State(free: buffers)
        bufferFreed = monitor.makeCondition()
        bufferSent = monitor.makeCondition()
        // Started once every field is set (the thread reads them).
        thread = JoinableThread(name: "bale-stream-out") { [unowned self] in self.writeAll(to: sink) }
    }

    deinit {
        // Without `finish` (a producer that stopped early), the thread is
        // told to end rather than waited for forever.
        monitor.withLock {
            if case .open = state.phase { state.phase = .closed }
            bufferSent.signal()
        }
        thread?.join()
        storage.deallocate()
    }

    /// A buffer to fill, waiting while every buffer is queued for writing.
    /// Throws the error of a write that failed.
    public func emptyBuffer() throws(BaleError) -> UnsafeMutableRawBufferPointer {
        let taken: Result<UnsafeMutableRawBufferPointer, BaleError> = monitor.withLock {
            while true {
                if case .failed(let error) = state.phase { return .failure(error) }
                if let buffer = state.free.popLast() { return .success(buffer) }
                monitor.wait(bufferFreed)
            }
        }
        return try taken.get()
    }

    /// Queues the first `count` bytes of `buffer` (from `emptyBuffer`) for
    /// writing; the buffer comes back to the ring once written. A buffer
    /// with nothing in it goes straight back. `thenPause`: the producer's
    /// input has nothing more for now, and the sink is told so once these
    /// bytes are written (`OutputSink.inputPauses`).
    public func send(_ buffer: UnsafeMutableRawBufferPointer, count: Int, thenPause: Bool = false) {
        monitor.withLock {
            guard count > 0 || thenPause, case .open = state.phase else {
                state.free.append(buffer)
                return
            }
            state.sent.append((buffer, count, thenPause))
            bufferSent.signal()
        }
    }

    /// Writes everything sent and ends the thread; throws the error of a
    /// write that failed.
    public func finish() throws(BaleError) {
        monitor.withLock {
            if case .open = state.phase { state.phase = .closed }
            bufferSent.signal()
        }
        thread?.join()
        thread = nil
        if case .failed(let error) = monitor.withLock({ state.phase }) { throw error }
    }

    /// The thread: writes each buffer sent, in order, until closed or a write fails.
    private func writeAll(to sink: any OutputSink) {
        while true {
            let next: (UnsafeMutableRawBufferPointer, Int, pauses: Bool)? = monitor.withLock {
                while state.sent.isEmpty, case .open = state.phase { monitor.wait(bufferSent) }
                return state.sent.popFirst()
            }
            guard let (buffer, count, pauses) = next else { return }
            do throws(BaleError) {
                try sink.write(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                if pauses { sink.inputPauses() }
            } catch {
                monitor.withLock {
                    state.phase = .failed(error)
                    bufferFreed.broadcast()
                }
                return
            }
            monitor.withLock {
                state.free.append(buffer)
                bufferFreed.signal()
            }
        }
    }
}
