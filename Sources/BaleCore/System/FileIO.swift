#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whole-buffer reads and writes on a raw file descriptor.
///
/// The pipeline moves large buffers through files and pipes; these loops
/// turn the kernel's partial transfers into "all of it, or an error".
public enum FileIO {
    /// Reads until `count` bytes are in `buffer` or the input ends.
    /// Returns how many bytes were read (less than `count` only at end of input).
    public static func read(
        _ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int
    ) throws(SystemError) -> Int {
        var done = 0
        while done < count {
            let n = try readSome(fd, into: buffer + done, count: count - done)
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// One read of up to `count` bytes (a pipe gives what it holds): 0 only
    /// at the end of the input. Interrupted, it is made again; on a
    /// descriptor set non-blocking by whoever handed it over (a pipe from
    /// a program that set O_NONBLOCK on its end, a socket), it waits for
    /// something to read, as GNU gzip waits: it was "read error: Resource
    /// temporarily unavailable", exit 1, part of the output written (a
    /// probe helper).
    public static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) throws(SystemError) -> Int {
        while true {
            do {
                return try retryingOnInterrupt("read") { Glibc.read(fd, buffer, count) }
            } catch where error.code == EAGAIN {
                try awaitReadable(fd)
            }
        }
    }

    /// Waits until `fd` has something to read (or its end, or an error,
    /// which the read then meets).
    static func awaitReadable(_ fd: Int32) throws(SystemError) {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = try retryingOnInterrupt("poll") { poll(&poller, 1, -1) }
    }

    /// Reads at `offset` until `count` bytes are in `buffer` or the file ends.
    /// Several threads may call this on one descriptor: pread moves no shared offset.
    public static func read(
        _ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int64
    ) throws(SystemError) -> Int {
        var done = 0
        while done < count {
            let n = try retryingOnInterrupt("read") {
                pread(fd, buffer + done, count - done, off_t(offset) + off_t(done))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Up to `count` bytes of the file open on `fd`, from `offset`, in an
    /// array of their own: fewer only where the file ends.
    public static func bytes(_ fd: Int32, upTo count: Int, at offset: Int64) throws(SystemError) -> [UInt8] {
        try readBytes(count: count) { (buffer) throws(SystemError) in try read(fd, into: buffer, count: count, at: offset) }
    }

    /// Reads everything left on `fd` (meant for small inputs, such as a list of names).
    public static func readAll(_ fd: Int32) throws(SystemError) -> [UInt8] {
        let piece = 1 << 16
        var bytes: [UInt8] = []
        while true {
            let start = bytes.count
            bytes += repeatElement(0, count: piece)
            let got = try typedThrows(SystemError.self) {
                try bytes.withUnsafeMutableBytes { try read(fd, into: $0.baseAddress! + start, count: piece) }
            }
            bytes.removeLast(piece - got)
            if got < piece { return bytes }
        }
    }

    /// Writes all of `count` bytes from `buffer`.
    public static func write(
        _ fd: Int32, from buffer: UnsafeRawPointer, count: Int
    ) throws(SystemError) {
        var done = 0
        while done < count {
            let n = try retryingOnInterrupt("write") {
                Glibc.write(fd, buffer + done, count - done)
            }
            done += n
        }
    }

    /// Writes all of `bytes`.
    public static func write(_ fd: Int32, _ bytes: [UInt8]) throws(SystemError) {
        try typedThrows(SystemError.self) {
            try bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                try write(fd, from: base, count: raw.count)
            }
        }
    }

    /// Writes two buffers back to back with as few system calls as possible
    /// (a frame header and its payload go out in one writev, without a copy).
    public static func write(
        _ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer
    ) throws(SystemError) {
        var skip = 0
        let total = first.count + second.count
        while skip < total {
            var vectors: [iovec] = []
            if skip < first.count {
                vectors.append(iovec(
                    iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress! + skip),
                    iov_len: first.count - skip))
                if second.count > 0 {
                    vectors.append(iovec(
                        iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress!),
                        iov_len: second.count))
                }
            } else {
                let into = skip - first.count
                vectors.append(iovec(
                    iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress! + into),
                    iov_len: second.count - into))
            }
            let n = try retryingOnInterrupt("write") {
                vectors.withUnsafeBufferPointer { writev(fd, $0.baseAddress, Int32($0.count)) }
            }
            skip += n
        }
    }

    /// Closes `fd`, ignoring EINTR (on Linux the descriptor is gone either way).
    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Flushes the directory open on `fd` (read-only: fsync needs that,
    /// which O_PATH's descriptor is not), and with it the names renamed or
    /// made in it. EINVAL is a file system that cannot sync a directory
    /// (some network and FUSE ones): its names are as durable as they can
    /// be made, no failure.
    public static func syncDirectory(_ fd: Int32) throws(SystemError) {
        if fsync(fd) != 0 && errno != EINVAL { throw .current("fsync its directory") }
    }

    /// Closes `fd` and says why the close failed, if it did: where NFS,
    /// FUSE or a quota refuse a write they held back (EINTR is no failure:
    /// on Linux the descriptor is gone either way).
    public static func closeChecked(_ fd: Int32) throws(SystemError) {
        if Glibc.close(fd) != 0 && errno != EINTR { throw .current("close") }
    }

    /// True when the file open on `fd` has a byte at `offset`: a file that
    /// holds more than its size says, or a splice that stopped short of
    /// the file's end, is told from the file's real end by a one-byte read.
    public static func holdsData(_ fd: Int32, at offset: Int64) -> Bool {
        var byte: UInt8 = 0
        return (try? read(fd, into: &byte, count: 1, at: offset)) == 1
    }
}
