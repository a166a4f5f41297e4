import CSystem
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import BaleCore

/// Two files hashed side by side (`FilePairHasher`, the SHA-NI pair
/// block by block) give libcrypto's digests of each, whatever their
/// lengths: around a block (55, 56, 63, 64 bytes past whole windows), one
/// much longer than the other, one empty, both the same.
@Suite struct FilePairHasherTests {
    /// A file of `count` bytes of a pattern seeded by `seed`, at a new
    /// path; returns the path (bytes, no NUL) and the bytes.
    private func file(_ count: Int, seed: UInt32) throws -> ([UInt8], [UInt8]) {
        let bytes = patternBytes(count, seed: Int(seed))
        let path = "/tmp/bale-pair-\(getpid())-\(seed)-\(count)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        try #require(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == count)
        close(fd)
        return (Array(path.utf8), bytes)
    }

    @Test(.enabled(if: bale_sha256_pair_available() != 0, "needs a CPU with the SHA instructions"),
          arguments: [
            (0, 0), (1, 55), (56, 63), (64, 65), (119, 120), (1 << 20, 1 << 20),
            ((1 << 20) + 55, (3 << 20) + 56), ((5 << 20) + 63, (1 << 20) + 64), (0, (2 << 20) + 1),
          ])
    func digestsAreLibcryptos(sizes: (Int, Int)) throws {
        let (firstPath, firstBytes) = try file(sizes.0, seed: 1)
        let (secondPath, secondBytes) = try file(sizes.1, seed: 2)
        defer {
            unlink(String(decoding: firstPath, as: UTF8.self))
            unlink(String(decoding: secondPath, as: UTF8.self))
        }
        let buffers = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * FilePairHasher.window, alignment: 4096)
        defer { buffers.deallocate() }
        let hasher = FilePairHasher(buffers: buffers)
        let one = open(String(decoding: firstPath, as: UTF8.self), O_RDONLY)
        let two = open(String(decoding: secondPath, as: UTF8.self), O_RDONLY)
        defer { close(one); close(two) }
        try #require(one >= 0 && two >= 0)
        let digests = hasher.digests((one, HashedFileStamp(one)), (two, HashedFileStamp(two)))
        #expect(digests.0 == .digest(SHA256().hash(firstBytes), bytes: Int64(firstBytes.count)))
        #expect(digests.1 == .digest(SHA256().hash(secondBytes), bytes: Int64(secondBytes.count)))
    }
}
