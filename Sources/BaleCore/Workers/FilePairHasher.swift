#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Hashes two large files side by side in one worker (`bale sum`): each
/// read a window at a time, their blocks hashed together, the rounds of
/// one interleaved with the other's on the CPU's SHA instructions
/// (`bale_sha256_blocks_pair`, Sources/CSystem/SHA256Pair.c), the longer
/// one's rest alone.
///
/// Why: one file's SHA-256 is a chain, and on one file the SHA
/// instructions mostly wait for their own results (OpenSSL: 1.57 GB/s a
/// core here). Two chains fill each other's waits: 2.6–3.0 GB/s a core for
/// the two. Files larger than a batch used to go one to a worker, so four
/// on two workers took two files' time; paired (`PathBatchCutter` pairs
/// them when there are enough for every worker to get a pair), they take
/// about 1.2 files' time.
///
/// What is hashed is what `FileHasher` hashes with read(): each file to
/// the read that returns nothing, and a file written meanwhile is changed
/// while read, with no digest (`HashedFileStamp`; one truncated 0.3 s
/// into its hash was given the digest of the bytes read by then). The
/// caller opens both (`FileBatchHasher`, where the walk listed them); a
/// file that cannot be opened, or a CPU without SHA instructions, leaves
/// both files to `FileHasher`, one after the other.
final class FilePairHasher {
    /// How much of each file is read at a time: a multiple of 64, so that
    /// a full window is whole blocks.
    static let window = 1 << 20

    /// One of the two files: its descriptor, its window, its SHA-256 state.
    private final class Stream {
        let fd: Int32
        let buffer: UnsafeMutableRawPointer
        /// Bytes in `buffer` not hashed yet (at its start).
        var filled = 0
        /// Bytes read from the file so far.
        var total: UInt64 = 0
        /// read() returned nothing: what `buffer` holds is the file's end.
        var ended = false
        var state = [UInt32](repeating: 0, count: 8)
        /// The file's digest, or the errno of a failed read; nil while it is hashed.
        var outcome: WorkReply.FileDigest?
        /// What the file was as its hashing began (its open's), to judge its end by.
        let stamp: HashedFileStamp?

        init(fd: Int32, stamp: HashedFileStamp?, buffer: UnsafeMutableRawPointer) {
            self.fd = fd
            self.buffer = buffer
            self.stamp = stamp
            bale_sha256_start(&state)
        }

        var isHashing: Bool { outcome == nil }

        /// Reads until the window is full or the file ends.
        func fill() {
            while isHashing && !ended && filled < FilePairHasher.window {
                let got = read(fd, buffer + filled, FilePairHasher.window - filled)
                if got < 0 {
                    if errno == EINTR { continue }
                    outcome = .unreadable(errno: errno)
                } else if got == 0 {
                    ended = true
                } else {
                    filled += got
                    total += UInt64(got)
                }
            }
        }

        /// Whole blocks waiting in the window.
        var blocks: Int { isHashing ? filled / 64 : 0 }

        /// Drops the first `blocks` blocks (hashed) from the window.
        func consume(_ blocks: Int) {
            let used = 64 * blocks
            if used < filled { memmove(buffer, buffer + used, filled - used) }
            filled -= used
        }

        /// At the file's end, with less than a block left: its digest.
        func finishIfEnded() {
            guard isHashing && ended && filled < 64 else { return }
            if let stamp, !stamp.stillHolds(fd, hashed: Int64(total)) {
                outcome = .changedWhileRead
                return
            }
            var digest = [UInt8](repeating: 0, count: 32)
            bale_sha256_finish(&state, buffer.assumingMemoryBound(to: UInt8.self), filled, total, &digest)
            outcome = .digest(digest, bytes: Int64(total))
        }
    }

    /// Room for the two windows, lent by the owner (`FileBatchHasher`'s
    /// buffer, idle while a pair is hashed: fresh pages are dear here).
    private let buffers: UnsafeMutableRawPointer

    /// A hasher reading into `buffers`, which holds two windows at least
    /// and outlives it.
    init(buffers: UnsafeMutableRawBufferPointer) {
        precondition(buffers.count >= 2 * Self.window)
        self.buffers = buffers.baseAddress!
    }

    /// The digests of the files open on `one` and `two` (regular files,
    /// opened at their start by `DigestTarget.open`, with what it saw of
    /// each; the caller's to close).
    func digests(_ one: (fd: Int32, stamp: HashedFileStamp?),
                 _ two: (fd: Int32, stamp: HashedFileStamp?)) -> (WorkReply.FileDigest, WorkReply.FileDigest) {
        let a = Stream(fd: one.fd, stamp: one.stamp, buffer: buffers)
        let b = Stream(fd: two.fd, stamp: two.stamp, buffer: buffers + Self.window)
        while a.isHashing || b.isHashing {
            a.fill()
            b.fill()
            let pair = min(a.blocks, b.blocks)
            if pair > 0 {
                a.buffer.withMemoryRebound(to: UInt8.self, capacity: a.filled) { da in
                    b.buffer.withMemoryRebound(to: UInt8.self, capacity: b.filled) { db in
                        bale_sha256_blocks_pair(&a.state, da, &b.state, db, pair)
                    }
                }
                a.consume(pair)
                b.consume(pair)
            } else {
                // One of them has no whole block: at its end (or failed);
                // the other goes on alone.
                for stream in [a, b] where stream.blocks > 0 {
                    let blocks = stream.blocks
                    stream.buffer.withMemoryRebound(to: UInt8.self, capacity: stream.filled) {
                        bale_sha256_blocks(&stream.state, $0, blocks)
                    }
                    stream.consume(blocks)
                }
            }
            a.finishIfEnded()
            b.finishIfEnded()
        }
        return (a.outcome!, b.outcome!)
    }
}
