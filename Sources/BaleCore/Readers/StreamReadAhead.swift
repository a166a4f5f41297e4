#if canImport(Glibc)
import Glibc
#endif
import DequeModule

/// Reads a stream ahead on a thread of its own, into a ring of buffers the
/// consumer takes in order: the input side of the streaming decoder, as
/// `SinkWriterThread` is its output side.
///
/// A gzip stream bale did not write is inflated in one pass on one thread
/// (`GzipStreamDecoder`): nothing else can share that work. Reading its
/// input there cost that thread the copy of every compressed byte from the
/// page cache or the pipe: `bale gunzip -c` of the bench's `text` file
/// (GNU gzip -6, 86 MB) spent 10% of its samples in that `read`, on the
/// thread that bounds the run. Here the reads happen on the other core,
/// ahead of the inflate, and the buffers are handed over, not copied.
///
/// Each buffer keeps room in front of what is read into it (`headroom`):
/// the decoder's unconsumed bytes of the buffer before (a member's header
/// cut by the end of a read, the last bytes an inflater did not take) are
/// copied there, so the next buffer continues them contiguously, as the
/// decoder's one buffer did when it moved them to its front. That copy is
/// of a few bytes, rarely of a header's worth.
///
/// Memory is bounded by the ring: `bufferCount` buffers of `headroom +
/// readSize` bytes; the thread waits while all are filled and not taken.
/// A read that fails ends the thread, and the consumer's next `next`
/// throws it after the bytes read before it; end of input is nil. The
/// thread reads exactly as the decoder would have (sequential `read`s of
/// the descriptor from its offset to its end), only sooner.
final class StreamReadAhead: @unchecked Sendable {  // state only under `monitor`
    /// A buffer taken by the consumer: the stream's bytes are
    /// `buffer[start..<end]`.
    struct Block {
        var buffer: UnsafeMutableRawBufferPointer
        var start: Int
        var end: Int
    }

    /// The most bytes `next` carries over into a buffer's front.
    let headroom: Int
    private let readSize: Int
    private let storage: UnsafeMutableRawBufferPointer
    private let monitor = Monitor()
    private let bufferFreed: Monitor.Condition
    private let bufferFilled: Monitor.Condition
    private var state: State
    private var thread: JoinableThread? = nil
    /// The buffer the consumer holds, returned to the ring by the next `next`.
    private var held: UnsafeMutableRawBufferPointer? = nil

    private struct State {
        /// Buffers the thread may read into.
        var free: [UnsafeMutableRawBufferPointer]
        /// Buffers read, with the count read into each (after the headroom), oldest first.
        var filled: Deque<(UnsafeMutableRawBufferPointer, Int)> = []
        var phase = Phase.reading
    }

    private enum Phase {
        /// The thread reads on.
        case reading
        /// The input ended: what is filled is all there is.
        case ended
        /// A read failed: after what is filled, this error.
        case failed(SystemError)
        /// The consumer stopped taking buffers: the thread ends.
        case abandoned
    }

    /// Starts reading `fd` from its current offset on a thread of its own.
    init(fd: Int32, readSize: Int, headroom: Int, bufferCount: Int = 4) {
        precondition(readSize > 0 && headroom >= 0 && bufferCount > 1)
        self.readSize = readSize
        self.headroom = headroom
        let size = headroom + readSize
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: size * bufferCount, alignment: 64)
        self.storage = storage
        state = State(free: (0..<bufferCount).map {
            UnsafeMutableRawBufferPointer(rebasing: storage[$0 * size..<($0 + 1) * size])
        })
        bufferFreed = monitor.makeCondition()
        bufferFilled = monitor.makeCondition()
        // Started once every field is set (the thread reads them).
        thread = JoinableThread(name: "bale-stream-in") { [unowned self] in self.readAll(fd) }
    }

    deinit {
        stop()
        storage.deallocate()
    }

    /// Ends the thread and waits for it: after its read in progress, if
    /// any, it reads no more. The consumer calls it when it is done with
    /// the stream, at its end or before (damage, a failed write): the
    /// thread holds this object while it runs, so `deinit` alone would
    /// never come, and the thread would go on reading a descriptor its
    /// owner may close and reuse. Only the first call does anything.
    func stop() {
        monitor.withLock {
            if case .reading = state.phase { state.phase = .abandoned }
            bufferFreed.broadcast()
        }
        thread?.join()
        thread = nil
    }

    /// The next bytes of the stream, after `carry` (at most `headroom`
    /// bytes, which may lie in the block `next` returned before: it is
    /// given back to the ring only now). Waits for the thread; nil at the
    /// end of the input (with nothing carried); throws the error of a read
    /// that failed, once the bytes read before it were taken.
    func next(carrying carry: UnsafeRawBufferPointer) throws(SystemError) -> Block? {
        precondition(carry.count <= headroom, "more bytes to carry than a buffer has room for")
        let taken: Result<(UnsafeMutableRawBufferPointer, Int)?, SystemError> = monitor.withLock {
            while true {
                if let first = state.filled.popFirst() { return .success(first) }
                switch state.phase {
                case .reading: monitor.wait(bufferFilled)
                case .ended, .abandoned: return .success(nil)
                case .failed(let error): return .failure(error)
                }
            }
        }
        guard let (buffer, count) = try taken.get() else { return nil }
        let start = headroom - carry.count
        if carry.count > 0 { (buffer.baseAddress! + start).copyMemory(from: carry.baseAddress!, byteCount: carry.count) }
        // The buffer before is free once its carried bytes are copied out.
        if let previous = held {
            monitor.withLock {
                state.free.append(previous)
                bufferFreed.signal()
            }
        }
        held = buffer
        return Block(buffer: buffer, start: start, end: headroom + count)
    }

    /// The thread: fills free buffers with `read`s until the end of the
    /// input, a failed read, or the consumer abandons the stream.
    private func readAll(_ fd: Int32) {
        while true {
            let free: UnsafeMutableRawBufferPointer? = monitor.withLock {
                while true {
                    guard case .reading = state.phase else { return nil }
                    if let buffer = state.free.popLast() { return buffer }
                    monitor.wait(bufferFreed)
                }
            }
            guard let buffer = free else { return }
            // One read a buffer, as the decoder's own reads were: a file
            // fills it, a pipe gives what it holds.
            var n: Int
            var failure: SystemError?
            do { n = try FileIO.readSome(fd, into: buffer.baseAddress! + headroom, count: readSize) } catch {
                n = -1
                failure = error
            }
            let done: Bool = monitor.withLock {
                if n > 0 { state.filled.append((buffer, n)) } else { state.free.append(buffer) }
                if case .reading = state.phase {
                    if let failure { state.phase = .failed(failure) } else if n == 0 { state.phase = .ended }
                }
                bufferFilled.signal()
                if case .reading = state.phase { return false }
                return true
            }
            if done { return }
        }
    }
}
