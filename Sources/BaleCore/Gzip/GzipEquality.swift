#if canImport(Glibc)
import Glibc
#endif

/// Whether a gzip file decompresses to exactly the bytes of a plain file:
/// how a re-run of `bale gzip -r` recognises the work of a run that was
/// killed after an output was renamed into place but before its input was
/// removed, so that it can finish the job instead of stopping at "already
/// exists".
enum GzipEquality {
    /// True when `gzipPath` is a whole, valid gzip of exactly `plainPath`'s
    /// bytes. With `hasher`, the plain bytes compared are hashed too
    /// (`gzip -r --manifest` lists such a file, as if compressed now).
    static func holds(gzip gzipPath: [UInt8], plain plainPath: [UInt8], hashing hasher: SHA256? = nil) -> Bool {
        let gzip = withCString(gzipPath) { open($0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        guard gzip >= 0 else { return false }
        defer { FileIO.close(gzip) }
        let plain = withCString(plainPath) { open($0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        guard plain >= 0 else { return false }
        defer { FileIO.close(plain) }
        let sink = ComparingSink(fd: plain, hasher: hasher)
        guard let ending = try? GzipStreamDecoder.decode(fd: gzip, path: TerminalText.name(gzipPath), sink: sink),
              ending == .clean else { return false }
        return sink.reachedEnd()
    }

    /// Compares what it is given with the next bytes of a file.
    private final class ComparingSink: OutputSink, @unchecked Sendable {  // used only by the thread that decodes into it
        let fd: Int32
        let hasher: SHA256?
        private var buffer: [UInt8] = []
        init(fd: Int32, hasher: SHA256?) {
            self.fd = fd
            self.hasher = hasher
        }

        func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
            guard bytes.count > 0 else { return }
            if buffer.count < bytes.count { buffer = [UInt8](repeating: 0, count: bytes.count) }
            let got = buffer.withUnsafeMutableBytes { (try? FileIO.read(fd, into: $0.baseAddress!, count: bytes.count)) ?? -1 }
            guard got == bytes.count, buffer.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress!, got) == 0 }) else {
                throw .corrupt(path: "", offset: nil, reason: "differs")
            }
            hasher?.update(bytes)
        }

        /// True when the file has no bytes left.
        func reachedEnd() -> Bool {
            var probe: UInt8 = 0
            return (try? FileIO.read(fd, into: &probe, count: 1)) == 0
        }
    }
}
