import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import BaleCore

/// The SIGBUS guard under the hashing of a mapped file (CSystem's
/// MappingGuard.c, through `SHA256.update(mapped:)`): a file truncated
/// after it was mapped makes the guarded hash return false instead of
/// killing the process, the guard serves again afterwards, and an intact
/// mapping hashes as its bytes do. Also the worker's record for a file
/// that changed while hashed, which must come back as that and not as an
/// errno or a digest.
@Suite struct MappingGuardTests {
    /// A scratch file of `count` bytes (a repeating pattern), open for
    /// reading and writing, already unlinked.
    private func scratchFile(bytes count: Int) throws -> (fd: Int32, bytes: [UInt8]) {
        var template = Array("/tmp/bale-mapping-guard-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(fd >= 0)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        try #require(written == count)
        return (fd, bytes)
    }

    /// Maps `count` bytes of `fd` read-only and shared, as `FileHasher` does.
    private func mapping(of fd: Int32, count: Int) throws -> UnsafeRawBufferPointer {
        let start = mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0)
        try #require(start != nil && start != MAP_FAILED)
        return UnsafeRawBufferPointer(start: start, count: count)
    }

    @Test func aMappingTruncatedUnderTheHashFailsInsteadOfKillingTheProcess() throws {
        let size = 4 << 20
        let (fd, _) = try scratchFile(bytes: size)
        defer { close(fd) }
        let mapped = try mapping(of: fd, count: size)
        defer { munmap(UnsafeMutableRawPointer(mutating: mapped.baseAddress), size) }
        try #require(ftruncate(fd, 4096) == 0)
        let hasher = SHA256()
        #expect(hasher.update(mapped: mapped) == false)
        // Again: the handler stays installed and the guard re-arms.
        hasher.restart()
        #expect(hasher.update(mapped: UnsafeRawBufferPointer(rebasing: mapped[(1 << 20)...])) == false)
    }

    @Test func anIntactMappingHashesAsItsBytes() throws {
        let size = (1 << 20) + 12_345
        let (fd, bytes) = try scratchFile(bytes: size)
        defer { close(fd) }
        let mapped = try mapping(of: fd, count: size)
        defer { munmap(UnsafeMutableRawPointer(mutating: mapped.baseAddress), size) }
        let hasher = SHA256()
        #expect(hasher.update(mapped: mapped))
        #expect(hasher.finish() == SHA256.hash(bytes))
    }

    @Test func aFileThatChangedWhileHashedComesBackAsThat() throws {
        let record = WorkReply.digestRecordLength
        let digests: [WorkReply.FileDigest] = [.changedWhileRead, .unreadable(errno: ENOENT), .digest(SHA256.hash([1, 2, 3]), bytes: 3)]
        var payload = [UInt8](repeating: 0xAA, count: record * digests.count)
        payload.withUnsafeMutableBytes { bytes in
            for (index, digest) in digests.enumerated() {
                WorkReply.storeDigest(digest, into: UnsafeMutableRawBufferPointer(rebasing: bytes[(record * index)..<(record * (index + 1))]))
            }
        }
        let frame = WireFrame(kind: .digested, sequence: 1, payloadLength: payload.count)
        guard case .digested(let back) = try WorkReply.decode(frame, payload: payload) else {
            Issue.record("not a digest reply")
            return
        }
        #expect(back == digests)
    }
}
