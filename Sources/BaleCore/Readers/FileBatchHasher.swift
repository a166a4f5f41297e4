#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Hashes the files of one `digestFiles` request (`bale sum`), what a
/// worker does with a batch: the small regular files read whole, one after
/// another, into one buffer, then hashed together, their SHA-256 rounds
/// interleaved on the CPU's SHA instructions (`bale_sha256_lanes_hash`,
/// Sources/CSystem/SHA256Lanes.c); every other file (one too large for the
/// buffer, one listed without a size, one that grew or shrank since it was
/// listed) read and hashed by itself (`FileHasher`).
///
/// Why: one file's SHA-256 is a chain of blocks, each waiting for the one
/// before, and the SHA instructions spend most of one chain waiting for
/// their own results; two files at once fill those waits. On the text
/// corpus's tree (12,103 files) the hashing was 41% of `bale sum`'s CPU
/// (the workers' libcrypto samples); a C loop over files of 2-20 KB hashed
/// 1.3-1.5 GB/s a core with OpenSSL and 2.3-2.7 GB/s two at a time. A
/// batch of small files holds at most `PathBatchCutter`'s 4 MiB (and 64
/// files), so one buffer of that size takes all of it; a file alone in a
/// batch gains nothing from lanes and goes to `FileHasher`.
///
/// What is hashed is what `FileHasher` would hash: each file is read with
/// read() asking one byte more than its listed size, so the read that
/// returns the listed size is short and ends the file (a regular file
/// reads short only at its end); a file that returns more or less is read
/// again, from its start, by `FileHasher`, to the read that returns nothing.
/// On a CPU without SHA instructions there are no lanes, and every file
/// goes to `FileHasher`.
final class FileBatchHasher {
    /// The buffer's size: a batch of small files (4 MiB), with room for
    /// the byte more that each read asks for.
    static let bufferSize = (4 << 20) + (64 << 10)

    /// One file of a request: where its path lies in the request, and the
    /// size it was listed with (`DigestTarget`).
    typealias Target = (listedSize: Int64?, path: UnsafeRawBufferPointer)

    private let single = FileHasher()
    /// For a file held alone (or if the lanes failed): OpenSSL, one at a time.
    private let hasher = SHA256()
    /// The interleaved hasher's state, or nil on a CPU without SHA instructions.
    private let lanes: UnsafeMutableRawPointer? = bale_sha256_lanes_create()
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)

    /// A file read whole into `buffer`, waiting to be hashed.
    private struct Held {
        var index: Int
        var offset: Int
        var length: Int
    }

    init() {}

    deinit {
        bale_sha256_lanes_destroy(lanes)
        buffer.deallocate()
    }

    /// Hashes `targets`, and gives each one's outcome to `deliver` with
    /// its index (in any order).
    func digests(of targets: [Target], deliver: (Int, WorkReply.FileDigest) -> Void) {
        var held: [Held] = []
        var used = 0
        for (index, target) in targets.enumerated() {
            guard lanes != nil, targets.count > 1, let size = target.listedSize,
                  size <= Int64(BALE_SHA256_LANES_MAXIMUM_LENGTH) else {
                deliver(index, single.digest(ofFileAt: target.path, listedSize: target.listedSize))
                continue
            }
            let length = Int(size)
            if used + length + 1 > buffer.count {
                hash(held, deliver: deliver)
                held = []
                used = 0
            }
            switch readWhole(target.path, length: length, into: used) {
            case .read:
                held.append(Held(index: index, offset: used, length: length))
                used += length
            case .changed:
                deliver(index, single.digest(ofFileAt: target.path, listedSize: nil))
            case .failed(let errno):
                deliver(index, .unreadable(errno: errno))
            }
        }
        hash(held, deliver: deliver)
    }

    private enum ReadOutcome {
        /// The file held its listed size, now at the offset asked.
        case read
        /// It did not end at its listed size.
        case changed
        /// Opening or reading it failed with this errno.
        case failed(Int32)
    }

    /// Reads the file at `path` into `buffer` at `offset`, asking one byte
    /// more than `length`.
    private func readWhole(_ path: UnsafeRawBufferPointer, length: Int, into offset: Int) -> ReadOutcome {
        let fd = withCString(Array(path)) { open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY) }
        if fd < 0 { return .failed(errno) }
        defer { FileIO.close(fd) }
        var got = 0
        while true {
            let wanted = length + 1 - got
            let count = read(fd, buffer.baseAddress! + offset + got, wanted)
            if count < 0 {
                if errno == EINTR { continue }
                return .failed(errno == 0 ? EIO : errno)
            }
            got += count
            // A short read of a regular file is its end; a full one that
            // reaches the byte more, a file longer than listed.
            if count < wanted || got == length + 1 { break }
        }
        return got == length ? .read : .changed
    }

    /// Hashes the files `held` in `buffer` together (one alone: by itself)
    /// and delivers their digests.
    private func hash(_ held: [Held], deliver: (Int, WorkReply.FileDigest) -> Void) {
        guard !held.isEmpty else { return }
        let base = UnsafePointer(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
        var digests = [UInt8](repeating: 0, count: 32 * held.count)
        let hashed: Bool
        if held.count > 1, let lanes {
            let messages: [UnsafePointer<UInt8>?] = held.map { base + $0.offset }
            let lengths = held.map { UInt64($0.length) }
            hashed = bale_sha256_lanes_hash(lanes, messages, lengths, Int32(held.count), &digests) == 0
        } else {
            hashed = false
        }
        for (position, file) in held.enumerated() {
            if hashed {
                deliver(file.index, .digest(Array(digests[(32 * position)..<(32 * position + 32)])))
            } else {
                hasher.update(UnsafeRawBufferPointer(start: base + file.offset, count: file.length))
                deliver(file.index, .digest(hasher.finish()))
            }
        }
    }
}
