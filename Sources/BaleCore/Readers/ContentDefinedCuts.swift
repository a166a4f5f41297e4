/// Where `gzip --rsyncable` ends a member: at a place the content chooses,
/// not every 4 MiB, so that a change in the input changes only the
/// members around it and rsync sends little more than the change.
///
/// bale's members are independent (each starts with an empty dictionary),
/// so a member whose bytes are the same compresses to the same bytes. Cut
/// at fixed sizes, an insertion near the start of a file shifts every
/// later cut and changes every later member; cut where the content says,
/// the cuts after the change fall where they fell before, and only the
/// members that hold the change differ. GNU gzip and pigz make their
/// single stream rsyncable by resetting their compressor where a rolling
/// sum of the last 4 KiB says (a few KiB apart); bale's members are
/// larger, so the same idea costs it far less (below).
///
/// The rule: a gear hash of the bytes (`hash = hash << 1 + gear[byte]`,
/// which depends on the last 64 bytes only) is computed from the chunk's
/// start, and the chunk ends after the first byte at least `minimum`
/// bytes in where its top `maskBits` bits are all zero: on average
/// 1 MiB past the minimum, never past the chunk size (the arena's slots).
/// The cut depends on nothing but the bytes from the chunk's start, so
/// the output is the same for any `-p`, as always. With the default 4 MiB
/// chunks: a cut 1 MiB to 4 MiB in, 1.9 MiB on average.
enum ContentDefinedCuts {
    /// A cut comes where these many top bits of the hash are zero: one
    /// place in 2^20 bytes on data of any kind.
    static let maskBits = 20

    /// The least a chunk holds before it may end: a quarter of the chunk
    /// size (1 MiB of 4), so that members stay large (fewer of them, each
    /// costing a header and a fresh dictionary).
    static func minimum(chunkSize: Int) -> Int { chunkSize / 4 }

    /// The length of the chunk that starts at `bytes`'s start: just past
    /// the first cut at or after `minimum`, or nil when `bytes` holds none
    /// (the chunk then takes all the bytes it may).
    static func cut(in bytes: UnsafeRawBufferPointer, minimum: Int) -> Int? {
        guard bytes.count > minimum else { return nil }
        let mask = ~UInt64(0) << UInt64(64 - maskBits)
        // The hash at `minimum` depends on the 64 bytes before it only.
        var hash: UInt64 = 0
        var index = max(0, minimum - 64)
        return gear.withUnsafeBufferPointer { gear in
            while index < minimum {
                hash = (hash << 1) &+ gear[Int(bytes[index])]
                index += 1
            }
            while index < bytes.count {
                hash = (hash << 1) &+ gear[Int(bytes[index])]
                index += 1
                if hash & mask == 0 { return index }
            }
            return nil
        }
    }

    /// For a stream cut as it is read (`StreamChunkCutter`, `pack`'s tar
    /// stream): the length of the chunk made of `bytes`, up to its first
    /// cut; the bytes past the cut are appended to `carry`, to begin the
    /// next chunk (`takeCarried`).
    static func chunkLength(of bytes: UnsafeRawBufferPointer, chunkSize: Int, carryingInto carry: inout [UInt8]) -> Int {
        guard let cut = cut(in: bytes, minimum: minimum(chunkSize: chunkSize)), cut < bytes.count else {
            return bytes.count
        }
        carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[cut...]))
        return cut
    }

    /// Moves the bytes `carry` holds to the front of the next chunk at
    /// `buffer`; returns how many.
    static func takeCarried(_ carry: inout [UInt8], into buffer: UnsafeMutableRawPointer) -> Int {
        let count = carry.count
        guard count > 0 else { return 0 }
        carry.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: count) }
        carry.removeAll(keepingCapacity: true)
        return count
    }

    /// The length of the chunk at `offset` of the open file `fd`, whose
    /// size is `size`: up to the first cut in its bytes, else as far as a
    /// chunk of `chunkSize` may go. The bytes are read into `scan` (kept by
    /// the caller from chunk to chunk). Bytes the file no longer holds (it
    /// shrank, or cannot be read) leave the fixed length, for whoever reads
    /// the chunk to find the file short or unreadable and say so.
    static func length(ofChunkAt offset: Int64, in fd: Int32, size: Int64, chunkSize: Int,
                       scan: inout [UInt8]) -> Int {
        let most = Int(min(Int64(chunkSize), size - offset))
        if scan.count < most { scan = [UInt8](repeating: 0, count: chunkSize) }
        let read = scan.withUnsafeMutableBytes { buffer in
            (try? FileIO.read(fd, into: buffer.baseAddress!, count: most, at: offset)) ?? 0
        }
        guard read == most else { return most }
        return scan.withUnsafeBytes { buffer in
            cut(in: UnsafeRawBufferPointer(rebasing: buffer[..<read]), minimum: minimum(chunkSize: chunkSize)) ?? most
        }
    }

    /// 256 fixed pseudo-random words (splitmix64 from a fixed seed): part
    /// of the output's definition, never to change.
    private static let gear: [UInt64] = {
        var state: UInt64 = 0x6261_6c65_7273_796e  // "balersyn"
        return (0..<256).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }()
}
