#if canImport(Glibc)
import Glibc
#endif

/// Whether a gzip file decompresses to exactly the bytes of a plain file:
/// how a re-run of `bale gzip -r` recognises the work of a run that was
/// killed after an output was renamed into place but before its input was
/// removed, so that it can finish the job instead of stopping at "already
/// exists".
///
/// The pair is compared, and the input removed, while both files are held
/// open and locked (`Pair`): a `gzip -r` and a `gunzip -r` of one tree at
/// once each took the other's input for its finished output, and each
/// removed its own input, so both `f` and `f.gz` were lost (a probe: 1 to 3
/// files of 1,202 in every run). Locked, the second finds the pair taken
/// and leaves it ("already exists").
enum GzipEquality {
    /// A gzip file and a plain file held open, each checked to be the file
    /// examined before, and locked (`flock`, exclusive, the gzip file
    /// first, without waiting) until released: by another bale that finds
    /// the same pair, as one run's input and the other's output, the pair
    /// is left alone. The locks go with the descriptors.
    final class Pair {
        fileprivate let gzip: Int32
        fileprivate let plain: Int32
        fileprivate let gzipName: String

        /// Opens and locks `gzipPath` and `plainPath`, which must still be
        /// the files `gzipIdentity` and `plainIdentity`; nil when either is
        /// not, cannot be opened, or is locked by another.
        init?(gzip gzipPath: [UInt8], _ gzipIdentity: FileIdentity, plain plainPath: [UInt8], _ plainIdentity: FileIdentity) {
            // O_NONBLOCK: a name given to a FIFO since must not hold the walk.
            guard let gzip = Self.openLocked(gzipPath, gzipIdentity) else { return nil }
            guard let plain = Self.openLocked(plainPath, plainIdentity) else {
                FileIO.close(gzip)
                return nil
            }
            self.gzip = gzip
            self.plain = plain
            gzipName = TerminalText.name(gzipPath)
        }

        deinit {
            FileIO.close(gzip)
            FileIO.close(plain)
        }

        private static func openLocked(_ path: [UInt8], _ identity: FileIdentity) -> Int32? {
            let fd = withCString(path) { open($0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY) }
            guard fd >= 0 else { return nil }
            // And, locked, still under its name: another run may have
            // removed it between the open and the lock (as `InputRemoval`
            // checks its output).
            guard FileIdentity(ofOpen: fd) == identity, AdvisoryLock.takeExclusive(fd),
                  FileIdentity(ofPath: path, following: false) == identity else {
                FileIO.close(fd)
                return nil
            }
            return fd
        }

        /// Makes the pair's plain file (`plain`) or gzip file durable under
        /// its name, before its other is removed: an interrupted run's
        /// output may be in the page cache only. An fsync of the file,
        /// then of the directory `directory` that holds its name
        /// (`FileIO.syncDirectory`). nil, or what failed.
        func flush(plain isPlain: Bool, directory: [UInt8]) -> SystemError? {
            if fsync(isPlain ? plain : gzip) != 0 { return .current("fsync") }
            let fd = withCString(directory) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if fd < 0 { return .current("open its directory") }
            defer { FileIO.close(fd) }
            do throws(SystemError) { try FileIO.syncDirectory(fd) } catch { return error }
            return nil
        }

        /// True while `path` still names the file open as this pair's plain
        /// file (`plain`) or gzip file.
        func stillNamed(_ path: [UInt8], plain isPlain: Bool) -> Bool {
            guard let named = FileIdentity(ofPath: path, following: false) else { return false }
            return FileIdentity(ofOpen: isPlain ? plain : gzip) == named
        }
    }

    /// True when the pair's gzip file is a whole, valid gzip of exactly
    /// its plain file's bytes. With `hasher`, the plain bytes compared are
    /// hashed too (`gzip -r --manifest` lists such a file, as if
    /// compressed now).
    ///
    /// Inflated by zlib, which refuses what GNU gzip refuses: the plain
    /// file is removed on this verdict, and ISA-L takes a Huffman code
    /// that does not fill its code space (a probe helper's 44-byte member
    /// of "hello, world", its CRC-32 right), which gzip, pigz and python
    /// cannot read: the original went, leaving a .gz only bale and igzip
    /// could open.
    static func holds(_ pair: Pair, hashing hasher: SHA256? = nil) -> Bool {
        let sink = ComparingSink(fd: pair.plain, hasher: hasher)
        guard let ending = try? GzipStreamDecoder.decode(fd: pair.gzip, path: pair.gzipName, zlibOnly: true, sink: sink),
              ending != .trailingGarbage else { return false }
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
