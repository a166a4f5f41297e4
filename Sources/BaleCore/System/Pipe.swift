#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// A Unix pipe: bytes written to `writeEnd` come out of `readEnd`.
public struct Pipe: Sendable {
    public let readEnd: Int32
    public let writeEnd: Int32

    /// The pipe buffer bale asks for. The default 64 KiB moves about
    /// 0.9 GB/s on this machine kind; 1 MiB, the usual system maximum
    /// (/proc/sys/fs/pipe-max-size), about 3.3 GB/s, and it lets a whole
    /// chunk sit in the pipe while the worker is still busy with the last one.
    public static let preferredBufferSize = 1 << 20

    /// Creates a pipe with close-on-exec set on both ends, so no worker
    /// inherits another worker's pipes, and tries to enlarge its buffer.
    public init(bufferSize: Int = Pipe.preferredBufferSize) throws(SystemError) {
        var fds: [Int32] = [-1, -1]
        let result = fds.withUnsafeMutableBufferPointer { bale_pipe_cloexec($0.baseAddress!) }
        if result != 0 { throw SystemError.current("pipe") }
        readEnd = fds[0]
        writeEnd = fds[1]
        // Allowed to fail (an unprivileged user over the per-user pipe quota):
        // the pipe then just works at the default size.
        _ = bale_set_pipe_size(writeEnd, Int32(bufferSize))
    }
}
