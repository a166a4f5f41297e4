#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Sends and receives frames on one file descriptor (one end of a pipe).
///
/// A frame is read in two reads or more (header, payload, and as many
/// more as the pipe hands over). The parent reads its workers' results
/// with a time limit (`receive(within:)`, a `WaitBudget`): a worker that stops half-way
/// through a frame (stopped, stuck in the kernel, swapped out for good)
/// is caught as surely as one that never starts its answer, because every
/// read of the frame first polls with the time left. Without that, the
/// `--worker-timeout` would only cover the wait for a frame's first byte,
/// and a worker stalled mid-frame would hang the job forever.
public struct FrameChannel: Sendable {
    /// The descriptor frames are read from or written to.
    public let fd: Int32

    public init(fd: Int32) { self.fd = fd }

    /// Writes `frame` and its payload, header and payload in one writev.
    public func send(_ frame: WireFrame, payload: UnsafeRawBufferPointer) throws(SystemError) {
        precondition(frame.payloadLength == payload.count)
        let header = frame.encodedHeader()
        try typedThrows(SystemError.self) {
            try header.withUnsafeBytes { try FileIO.write(fd, $0, payload) }
        }
    }

    /// Writes `frame` with `payload`.
    public func send(_ frame: WireFrame, payload: [UInt8]) throws(SystemError) {
        try typedThrows(SystemError.self) { try payload.withUnsafeBytes { try send(frame, payload: $0) } }
    }

    /// Writes `frame`'s header and `prefix`, the first bytes of its
    /// payload; the rest follows from `splice` (and `sendZeros`).
    public func sendHeader(_ frame: WireFrame, prefix: [UInt8]) throws(SystemError) {
        try FileIO.write(fd, frame.encodedHeader() + prefix)
    }

    /// What moving a file range into a frame's payload gave.
    public enum SplicedRange: Equatable, Sendable {
        /// All of it.
        case whole
        /// The file ended after `moved` bytes of the range: it shrank since
        /// it was cut.
        case fileEnded(moved: Int)
        /// The file could not be read after `moved` bytes of the range.
        case unreadable(SystemError, moved: Int)
    }

    /// Moves the bytes of `range` into the pipe with splice(2): the file's
    /// page-cache pages go into the pipe by reference, and the worker's one
    /// read copies them into its buffer, where a pread into the arena
    /// copied them once and then paid for the arena's pages in the reader
    /// and the worker (docs/performance-history.md, "Fewer copies"). A file system that cannot
    /// splice (EINVAL), or whose splice stops before the file's end, has
    /// the rest read and written through a buffer.
    /// Throws when the pipe cannot be written (its worker went away); a
    /// file that ends early or cannot be read is the outcome, so the
    /// caller can decide before the frame is finished (`sendZeros`).
    ///
    /// A file on FUSE is never spliced, always read and written (`copy`):
    /// with `direct_io` and a file system that answers short reads, two
    /// feeders splicing from one file while the machine was busy got a
    /// range whose first KiB was the file's and the rest zeros up to the
    /// 128 KiB mark, with no error: `gzip -c -p 2` of a 9 MB file there
    /// wrote a wrong member and exited 0 in 2 of 80 runs beside a busy
    /// disk and CPU (0 of 100 in the next minutes; FuseFileSystemTests
    /// caught it once in a fresh-clone CI), where the same runs reading
    /// the ranges with pread (`BALE_TEST_NO_SPLICE`) gave the file's
    /// bytes every time (0 of 180). The splice's zeros are not an error
    /// bale can see, so FUSE is read the way that gave the bytes (a FUSE
    /// file is slow to read anyway: the copy costs little beside it).
    public func splice(_ range: FileRange) throws(SystemError) -> SplicedRange {
        if Self.spliceRefusedForTests || FileSystemKind.of(range.fd) == .fuse { return try copy(range, after: 0) }
        var offset = range.offset
        var moved = 0
        while moved < range.length {
            let n = bale_splice_to_pipe(range.fd, &offset, fd, range.length - moved)
            if n > 0 {
                moved += n
            } else if n == 0 {
                // Nothing moved before the range's end: the file ended
                // (it shrank since it was cut), or its file system's splice
                // stops short (FUSE with direct_io moves one short read,
                // then nothing: every `gzip FILE` there failed, "file
                // changed as we read it"). A pread of one byte tells them
                // apart; the second gets the rest read and written.
                if FileIO.holdsData(range.fd, at: offset) {
                    return try copy(FileRange(fd: range.fd, offset: offset, length: range.length - moved), after: moved)
                }
                return .fileEnded(moved: moved)
            } else if errno == EINTR {
                continue
            } else if errno == EINVAL {
                return try copy(FileRange(fd: range.fd, offset: offset, length: range.length - moved), after: moved)
            } else if errno == EPIPE {
                throw SystemError.current("splice")
            } else {
                return .unreadable(SystemError.current("splice"), moved: moved)
            }
        }
        return .whole
    }

    /// `BALE_TEST_NO_SPLICE` set: every range goes the way of a file
    /// system that cannot splice (`copy`), which no file system on a test
    /// machine takes otherwise.
    private static let spliceRefusedForTests = getenv("BALE_TEST_NO_SPLICE") != nil

    /// `splice`'s way for a file system that cannot splice: `range` read
    /// (pread) and written through a buffer, `moved` bytes of the frame's
    /// range already sent.
    private func copy(_ range: FileRange, after moved: Int) throws(SystemError) -> SplicedRange {
        let piece = min(range.length, 1 << 20)
        var done = 0
        var buffer = [UInt8](repeating: 0, count: piece)
        while done < range.length {
            let count = min(piece, range.length - done)
            let got: Int
            do throws(SystemError) {
                got = try typedThrows(SystemError.self) { try buffer.withUnsafeMutableBytes {
                    try FileIO.read(range.fd, into: $0.baseAddress!, count: count, at: range.offset + Int64(done))
                } }
            } catch {
                return .unreadable(error, moved: moved + done)
            }
            try typedThrows(SystemError.self) {
                try buffer.withUnsafeBytes { try FileIO.write(fd, from: $0.baseAddress!, count: got) }
            }
            done += got
            if got < count { return .fileEnded(moved: moved + done) }
        }
        return .whole
    }

    /// Writes `count` zero bytes: the rest of a frame whose file range
    /// ended early, so that the worker still reads whole frames.
    public func sendZeros(_ count: Int) throws(SystemError) {
        let zeros = [UInt8](repeating: 0, count: min(count, 1 << 16))
        var left = count
        while left > 0 {
            let piece = min(left, zeros.count)
            try typedThrows(SystemError.self) {
                try zeros.withUnsafeBytes { try FileIO.write(fd, from: $0.baseAddress!, count: piece) }
            }
            left -= piece
        }
    }

    /// Reads the next frame, waiting as long as it takes. Returns nil at a
    /// clean end of input (between frames); a frame cut short or malformed
    /// is an error.
    public func receive() throws(WireError) -> (WireFrame, [UInt8])? {
        var none: WaitBudget?
        return try receive(deadline: &none)
    }

    /// Reads the next frame, all of which must have arrived within
    /// `seconds` (0: no limit) from the call. Nil at a clean end of input;
    /// `WireError.timedOut` when the time ran out, with how many bytes of
    /// the frame had come (0: the frame had not started). `sender`: the
    /// process writing the frames, whose waits for a CPU do not count.
    public func receive(within seconds: Int, from sender: pid_t? = nil) throws(WireError) -> (WireFrame, [UInt8])? {
        var budget = seconds > 0 ? WaitBudget(seconds: seconds, worker: sender) : nil
        return try receive(deadline: &budget)
    }

    private func receive(deadline: inout WaitBudget?) throws(WireError) -> (WireFrame, [UInt8])? {
        let header = try read(count: WireFrame.headerLength, deadline: &deadline, before: 0, frameLength: nil)
        if header.isEmpty { return nil }
        if header.count < WireFrame.headerLength {
            throw .truncated(expected: WireFrame.headerLength, received: header.count)
        }
        let frame = try typedThrows(WireError.self) {
            try header.withUnsafeBytes { try WireFrame.decodeHeader($0) }
        }
        let payload = try read(count: frame.payloadLength, deadline: &deadline, before: WireFrame.headerLength,
                               frameLength: WireFrame.headerLength + frame.payloadLength)
        if payload.count < frame.payloadLength {
            throw .truncated(expected: frame.payloadLength, received: payload.count)
        }
        return (frame, payload)
    }

    /// Reads until `count` bytes have come or the input ends; with a
    /// deadline, each read waits (poll) only for the time left. `before`
    /// and `frameLength` say where in the frame this read is, for the error.
    private func read(count: Int, deadline: inout WaitBudget?, before: Int, frameLength: Int?) throws(WireError) -> [UInt8] {
        if count == 0 { return [] }
        var failure: WireError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            while initialized < count {
                do throws(SystemError) {
                    if deadline != nil, try !deadline!.waitForInput(on: fd) {
                        failure = .timedOut(received: before + initialized, expected: frameLength)
                        return
                    }
                    let n = try retryingOnInterrupt("read") { Glibc.read(fd, base + initialized, count - initialized) }
                    if n == 0 { return }
                    initialized += n
                } catch {
                    failure = .io(error)
                    return
                }
            }
        }
        if let failure { throw failure }
        return bytes
    }
}
