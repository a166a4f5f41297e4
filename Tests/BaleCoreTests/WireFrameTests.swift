import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

@Suite struct WireFrameTests {
    @Test func headerRoundTrips() throws {
        let frame = WireFrame(kind: .inflate, codec: 2, sequence: 0x0102_0304_0506_0708, level: 9,
                              expectedLength: 4 << 20, workerNanoseconds: 0x1122_3344_5566_7788, payloadLength: 12345)
        let bytes = frame.encodedHeader()
        #expect(bytes.count == WireFrame.headerLength)
        #expect(bytes[0] == WireFrame.magic && bytes[1] == WireFrame.version)
        let decoded = try bytes.withUnsafeBytes { try WireFrame.decodeHeader($0) }
        #expect(decoded == frame)
        // Each field in its own place, little-endian (see `WireFrame`).
        #expect(bytes[16..<20] == [9, 0, 0, 0])
        #expect(bytes[20..<24] == [0, 0, 0x40, 0])
        #expect(bytes[24..<32] == [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11])
    }

    private func decode(_ bytes: [UInt8]) -> Result<WireFrame, WireError> {
        bytes.withUnsafeBytes { raw in
            do throws(WireError) { return .success(try WireFrame.decodeHeader(raw)) } catch { return .failure(error) }
        }
    }

    @Test func rejectsBadHeaders() {
        var good = WireFrame(kind: .compress, sequence: 1, level: 6, payloadLength: 10).encodedHeader()
        var badMagic = good; badMagic[0] = 0x00
        #expect(decode(badMagic) == .failure(.badMagic(0)))
        var badVersion = good; badVersion[1] = 9
        #expect(decode(badVersion) == .failure(.unsupportedVersion(9)))
        var badKind = good; badKind[2] = 0x33
        #expect(decode(badKind) == .failure(.unknownKind(0x33)))
        let oversized = WireFrame.maximumPayload + 1
        for index in 0..<4 { good[4 + index] = UInt8(truncatingIfNeeded: oversized >> (8 * index)) }
        #expect(decode(good) == .failure(.oversized(oversized)))
        #expect(decode(Array(good[0..<10])) == .failure(.truncated(expected: 32, received: 10)))
    }

    @Test func framesCrossARealPipe() throws {
        _ = ignoreBrokenPipes
        let pipe = try Pipe()
        defer { FileIO.close(pipe.readEnd) }
        let sender = FrameChannel(fd: pipe.writeEnd)
        let payloads: [[UInt8]] = [[], [1, 2, 3], Array(repeating: 0xAB, count: 300_000)]
        let writer = JoinableThread {
            for (index, payload) in payloads.enumerated() {
                try? sender.send(WireFrame(kind: .compressed, sequence: UInt64(index), payloadLength: payload.count),
                                 payload: payload)
            }
            FileIO.close(pipe.writeEnd)
        }
        let receiver = FrameChannel(fd: pipe.readEnd)
        for (index, payload) in payloads.enumerated() {
            let received = try receiver.receive()
            #expect(received?.0.sequence == UInt64(index))
            #expect(received?.1 == payload)
        }
        #expect(try receiver.receive() == nil)  // clean end between frames
        writer.join()
    }

    @Test func aFrameCutShortIsAnError() throws {
        let pipe = try Pipe()
        defer { FileIO.close(pipe.readEnd) }
        let header = WireFrame(kind: .compressed, sequence: 0, payloadLength: 100).encodedHeader()
        try FileIO.write(pipe.writeEnd, header + Array(repeating: 1, count: 40))
        FileIO.close(pipe.writeEnd)
        #expect(throws: WireError.truncated(expected: 100, received: 40)) {
            try FrameChannel(fd: pipe.readEnd).receive()
        }
    }

    @Test func aHeaderCutShortIsAnError() throws {
        let pipe = try Pipe()
        defer { FileIO.close(pipe.readEnd) }
        try FileIO.write(pipe.writeEnd, [WireFrame.magic, WireFrame.version, 1])
        FileIO.close(pipe.writeEnd)
        #expect(throws: WireError.truncated(expected: 32, received: 3)) {
            try FrameChannel(fd: pipe.readEnd).receive()
        }
    }
}
