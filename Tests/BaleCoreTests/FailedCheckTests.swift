import Testing
import CZlib
@testable import BaleCore

/// A member whose trailer fails is told apart from damaged data by its
/// type (`BaleError.failedCheck`), not by its message: `unpack` and
/// `verify` name every entry of such a member as possibly wrong, and a
/// change of wording must not silently stop them.
@Suite struct FailedCheckTests {
    /// One gzip member of `data`, made by zlib (header, data, trailer).
    private func gzipMember(_ data: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        let ready = deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                  ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        try #require(ready == Z_OK)
        defer { deflateEnd(&stream) }
        var input = data
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 64)
        let result = input.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        try #require(result == Z_STREAM_END)
        return Array(output[0..<Int(stream.total_out)])
    }

    /// What zlib's member inflater makes of `member`, as the error a
    /// stream named "in.gz" would report (nil: it inflated whole).
    private func verdict(_ member: [UInt8]) throws -> BaleError? {
        let inflater = try ZlibMemberInflater()
        inflater.beginMember()
        var output = [UInt8](repeating: 0, count: 1 << 20)
        do {
            let step = try member.withUnsafeBytes { input in
                try output.withUnsafeMutableBytes { try inflater.inflate(input, into: $0) }
            }
            #expect(step.memberEnded)
            return nil
        } catch let failure as InflateFailure {
            return failure.error(path: "in.gz", offset: 0)
        }
    }

    @Test func aFailedCRCIsAFailedDataCheck() throws {
        var member = try gzipMember(sampleText(100_000, seed: 3))
        member[member.count - 8] ^= 0x01
        let error = try #require(try verdict(member))
        guard case .failedCheck(let path, let offset, let field) = error else {
            Issue.record("not a failed check: \(error)")
            return
        }
        #expect(path == "in.gz" && field == .dataCheck && offset == Int64(member.count - 4))
        #expect(error.isFailedCheck && error.isDamage)
        #expect(error.cause == "invalid compressed data at byte \(member.count - 4): incorrect data check")
    }

    @Test func aFailedLengthIsAFailedLengthCheck() throws {
        var member = try gzipMember(sampleText(100_000, seed: 4))
        member[member.count - 1] ^= 0x40
        let error = try #require(try verdict(member))
        guard case .failedCheck(_, _, let field) = error else {
            Issue.record("not a failed check: \(error)")
            return
        }
        #expect(field == .lengthCheck)
        #expect(error.cause.hasSuffix(": incorrect length check"))
    }

    @Test func damagedDataIsNoFailedCheck() throws {
        var member = try gzipMember(Array(repeating: 0x41, count: 10) + sampleText(100_000, seed: 5))
        // The first deflate block's header, just after the 10-byte gzip
        // header: 3 is BTYPE 11, reserved ("invalid block type").
        member[10] |= 0x06
        let error = try #require(try verdict(member))
        #expect(!error.isFailedCheck && error.isDamage)
        guard case .corrupt = error else {
            Issue.record("not damaged data: \(error)")
            return
        }
    }

    @Test func aWholeMemberInflates() throws {
        #expect(try verdict(gzipMember(sampleText(50_000, seed: 6))) == nil)
    }
}
