import Testing
import CZlib
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// Tests write into pipes whose readers may stop early (a decoder that
/// finds damage): as in bale itself, such a write must fail with EPIPE,
/// not kill the test process.
let ignoreBrokenPipes: Void = ProcessSignals.ignoreWriteSignals()

/// Collects a job's output in memory.
final class CollectingSink: OutputSink, @unchecked Sendable {
    private let monitor = Monitor()
    private var collected: [UInt8] = []
    var bytes: [UInt8] { monitor.withLock { collected } }
    func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        monitor.withLock { collected.append(contentsOf: bytes) }
    }
}

/// Sample data that compresses somewhat, like text.
func sampleText(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed
    let words = ["alpha ", "beta ", "gamma ", "delta\n", "epsilon ", "zeta ", "eta ", "theta\n"].map { Array($0.utf8) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 16)
    while bytes.count < count {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        bytes += words[Int(state >> 61)]
        if state & 0xFF == 0 { bytes.append(UInt8(truncatingIfNeeded: state >> 24)) }
    }
    return Array(bytes[0..<count])
}

/// Runs a worker's chunk work in-process on a request and returns the reply.
func work(
    _ kind: WireFrame.Kind, _ payload: [UInt8], level: UInt32 = 0, expectedLength: Int = 0,
    codec: UInt8 = Codec.libdeflate.rawValue
) throws -> (WireFrame, [UInt8]) {
    _ = ignoreBrokenPipes
    let requests = try Pipe(), replies = try Pipe()
    defer {
        for fd in [requests.readEnd, requests.writeEnd, replies.readEnd, replies.writeEnd] { FileIO.close(fd) }
    }
    let worker = ChunkWork()
    let reply = Mutex<(WireFrame, [UInt8])?>(nil)
    let reader = JoinableThread { reply.withLock { $0 = try? FrameChannel(fd: replies.readEnd).receive() } }
    try worker.handle(WireFrame(kind: kind, codec: codec, sequence: 9, level: level,
                                expectedLength: UInt32(expectedLength), payloadLength: payload.count),
                      payload: payload, replyingTo: FrameChannel(fd: replies.writeEnd))
    reader.join()
    return try #require(reply.withLock { $0 })
}

import Synchronization

extension Codec {
    /// `level` where this codec offers it, else its nearest level (ISA-L's
    /// stop at 3).
    func level(near level: UInt32) -> UInt32 { UInt32(min(max(Int32(level), levels.lowerBound), levels.upperBound)) }
}

@Suite struct GzipMemberTests {
    @Test(arguments: [0, 1, 1000, 300_000], Codec.allCases)
    func compressedMemberCarriesItsSizes(length: Int, codec: Codec) throws {
        let data = sampleText(length)
        let (frame, member) = try work(.compress, data, level: codec.level(near: 6), codec: codec.rawValue)
        #expect(frame.kind == .compressed && frame.sequence == 9)
        let parsed = member.withUnsafeBytes { GzipHeader.parse($0) }
        guard case .header(let header) = parsed else { Issue.record("no header: \(parsed)"); return }
        #expect(header.length == GzipMember.headerLength)
        #expect(header.recordedSizes == .init(memberLength: member.count, dataLength: length))
        // zlib's own gzip decoder (windowBits 31) reads the member: a standard gzip stream.
        #expect(try zlibGunzip(member) == data)
    }

    /// Either codec reads what either one wrote: both write standard deflate.
    @Test(arguments: Codec.allCases, Codec.allCases)
    func memberInflatesBackInAWorker(compressing: Codec, inflating: Codec) throws {
        let data = sampleText(200_000)
        let (_, member) = try work(.compress, data, level: compressing.level(near: 9), codec: compressing.rawValue)
        let (frame, inflated) = try work(.inflate, member, expectedLength: data.count, codec: inflating.rawValue)
        #expect(frame.kind == .inflated)
        #expect(inflated == data)
    }

    /// A batch of small files: one member per piece, one after another.
    @Test(arguments: Codec.allCases)
    func piecesBecomeOneMemberEach(codec: Codec) throws {
        let pieces = [sampleText(0), sampleText(1000, seed: 2), sampleText(50_000, seed: 3)]
        var payload: [UInt8] = []
        for value in [UInt32(pieces.count)] + pieces.map({ UInt32($0.count) }) {
            payload += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        for piece in pieces { payload += piece }
        let (frame, reply) = try work(.compressPieces, payload, level: codec.level(near: 6), codec: codec.rawValue)
        #expect(frame.kind == .compressedPieces)
        // The reply's table says where each member ends; each member's
        // header says the same.
        let members = try PieceTable(decoding: reply).pieces
        #expect(members.count == pieces.count)
        for (piece, member) in zip(pieces, members) {
            guard case .header(let header) = member.withUnsafeBytes({ GzipHeader.parse($0) }),
                  let sizes = header.recordedSizes else { Issue.record("no member for a piece"); return }
            #expect(sizes == .init(memberLength: member.count, dataLength: piece.count))
            #expect(try zlibGunzip(member) == piece)
        }
        // A table that does not add up is refused, and the worker goes on.
        var broken = payload
        broken[4] ^= 0x01
        #expect(try work(.compressPieces, broken, level: 6).0.kind == .failed)
    }

    @Test func requestsForAnUnknownCodecOrLevelFail() throws {
        let data = sampleText(1000)
        for (codec, level) in [(UInt8(0), UInt32(6)), (UInt8(9), 6), (Codec.zlib.rawValue, 10),
                               (Codec.libdeflate.rawValue, 13), (Codec.libdeflate.rawValue, 0)] {
            let (frame, reason) = try work(.compress, data, level: level, codec: codec)
            #expect(frame.kind == .failed, "codec \(codec) level \(level)")
            #expect(!reason.isEmpty)
        }
    }

    @Test(arguments: Codec.allCases)
    func damagedMembersAreRefused(codec: Codec) throws {
        let data = sampleText(100_000)
        let (_, member) = try work(.compress, data, level: 6)
        var badCRC = member
        badCRC[member.count - 8] ^= 0xFF
        var badData = member
        badData[member.count / 2] ^= 0x55
        for damaged in [badCRC, badData] {
            let (frame, reason) = try work(.inflate, damaged, expectedLength: data.count, codec: codec.rawValue)
            #expect(frame.kind == .failed, "reason: \(String(decoding: reason, as: UTF8.self))")
        }
        // The length the parent expects is checked against the data (ISIZE,
        // and the room it gives): one byte more or less is refused.
        for wrong in [data.count - 1, data.count + 1] {
            let (frame, _) = try work(.inflate, member, expectedLength: wrong, codec: codec.rawValue)
            #expect(frame.kind == .failed, "expected \(wrong)")
        }
        // The header's own sizes and mark are the framer's business, not
        // the worker's (no CRC covers them; `GzipMember.inflate`): a member
        // whose recorded data length or "BL" identifier was damaged still
        // inflates to the length the parent expects, checked by its CRC.
        var lyingSize = member
        lyingSize[22] ^= 0x01   // the recorded data length
        var unmarked = member
        unmarked[12] ^= 0x01    // "BL" -> "CL"
        for changed in [lyingSize, unmarked] {
            let (frame, inflated) = try work(.inflate, changed, expectedLength: data.count, codec: codec.rawValue)
            #expect(frame.kind == .inflated && inflated == data)
        }
    }

    @Test func parsesForeignHeaders() {
        // FNAME "a.txt", FCOMMENT "hi", FHCRC, as gzip -N or other tools write them.
        let fields: [UInt8] = [0x1f, 0x8b, 8, 8 | 16 | 2, 0, 0, 0, 0, 0, 3] + Array("a.txt".utf8) + [0]
            + Array("hi".utf8) + [0]
        let crc = CRC32.checksum(fields)
        let header = fields + [UInt8(crc & 0xff), UInt8(crc >> 8 & 0xff)]
        let parsed = header.withUnsafeBytes { GzipHeader.parse($0) }
        #expect(parsed == .header(GzipHeader(length: header.count, recordedSizes: nil, nameRange: 10..<15)))
        // A header CRC that does not match is refused, as zlib and gzip refuse it.
        let wrong = fields + [UInt8(crc & 0xff) ^ 1, UInt8(crc >> 8 & 0xff)]
        #expect(wrong.withUnsafeBytes { GzipHeader.parse($0) } == .invalid("header crc mismatch"))
        #expect(zlibRefuses(wrong + [3, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
        let cut = Array(header[0..<12])
        #expect(cut.withUnsafeBytes { GzipHeader.parse($0) } == .needMoreBytes)
        let notGzip: [UInt8] = Array("hello world".utf8)
        #expect(notGzip.withUnsafeBytes { GzipHeader.parse($0) } == .invalid("not in gzip format"))
    }

    @Test func streamingDecoderHandlesMembersZerosAndGarbage() throws {
        let first = sampleText(50_000, seed: 2), second = sampleText(70_000, seed: 3)
        let one = try work(.compress, first, level: 6).1
        let two = try work(.compress, second, level: 1).1
        let endOfOne = endMember(one), endOfBoth = endMember(one + two)
        #expect(try decodeStream(one + two + endOfBoth) == (first + second, .clean))
        #expect(try decodeStream(one + endOfOne + [0, 0, 0, 0]) == (first, .trailingZeros))
        #expect(try decodeStream(one + endOfOne + Array("junk".utf8)) == (first, .trailingGarbage))
        #expect(try decodeStream(one + endOfOne + two + endMember(two)) == (first + second, .clean))
        #expect(throws: BaleError.self) { try decodeStream(Array(one.dropLast(3))) }
        // Without the end member, or with one that records another stream: truncated.
        for cut in [one + two, one + endOfBoth, one + [0, 0, 0, 0], one + Array("junk".utf8), two + endOfOne,
                    one + endOfOne + two] {
            #expect(performing: { try decodeStream(cut) }, throws: { error in
                if case BaleError.truncatedStream = error { return true }
                return false
            })
        }
        #expect(throws: BaleError.self) { try decodeStream([]) }
        #expect(throws: BaleError.self) { try decodeStream(Array("junk".utf8)) }
    }

    /// The end member that closes `members`.
    private func endMember(_ members: [UInt8]) -> [UInt8] {
        var tally = MemberTally()
        members.withUnsafeBytes { tally.add(members: $0) }
        #expect(tally.record.streamLength == UInt64(members.count))
        return tally.endMember
    }

    private func decodeStream(_ bytes: [UInt8]) throws -> ([UInt8], GzipStreamDecoder.Ending) {
        _ = ignoreBrokenPipes
        let pipe = try Pipe()
        defer { FileIO.close(pipe.readEnd) }
        let writer = JoinableThread {
            try? FileIO.write(pipe.writeEnd, bytes)
            FileIO.close(pipe.writeEnd)
        }
        defer { writer.join() }
        let sink = CollectingSink()
        let ending = try GzipStreamDecoder.decode(fd: pipe.readEnd, path: "test", sink: sink)
        return (sink.bytes, ending)
    }
}

/// True when zlib's own gzip reader refuses `member`.
func zlibRefuses(_ member: [UInt8]) -> Bool {
    zlibInflate(member, capacity: 64).status == Z_DATA_ERROR
}

/// Runs zlib's own gzip reader over `member` into `capacity` bytes.
func zlibInflate(_ member: [UInt8], capacity: Int) -> (status: Int32, output: [UInt8]) {
    var stream = z_stream()
    #expect(inflateInit2_(&stream, 31, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { inflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: capacity)
    var input = member
    let status = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            stream.next_out = outBuffer.baseAddress
            stream.avail_out = uInt(outBuffer.count)
            return inflate(&stream, Z_FINISH)
        }
    }
    return (status, Array(output[0..<Int(stream.total_out)]))
}

/// Decompresses with zlib's own gzip reader, independent of bale's parser.
func zlibGunzip(_ member: [UInt8]) throws -> [UInt8] {
    let (status, output) = zlibInflate(member, capacity: 1 << 20)
    #expect(status == Z_STREAM_END)
    return output
}
