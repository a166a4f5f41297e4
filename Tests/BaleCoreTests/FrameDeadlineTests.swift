import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// `FrameChannel.receive(within:)`, the read the parent makes of a
/// worker's answer: every read of the frame waits only for the time left,
/// so a frame that stops coming half-way (its writer alive but silent, the
/// pipe still open) ends in `timedOut` with how far it got, instead of a
/// read that never returns. The writer end is kept open in each case, as
/// a stalled worker keeps it.
@Suite struct FrameDeadlineTests {
    @Test func aFrameStalledInItsPayloadTimesOut() throws {
        let pipe = try Pipe()
        defer { FileIO.close(pipe.readEnd); FileIO.close(pipe.writeEnd) }
        let header = WireFrame(kind: .compressed, sequence: 0, payloadLength: 100).encodedHeader()
        try FileIO.write(pipe.writeEnd, header + Array(repeating: 1, count: 40))
        #expect(throws: WireError.timedOut(received: WireFrame.headerLength + 40, expected: WireFrame.headerLength + 100)) {
            try FrameChannel(fd: pipe.readEnd).receive(within: 1)
        }
    }

    @Test func aFrameStalledInItsHeaderTimesOut() throws {
        let pipe = try Pipe()
        defer { FileIO.close(pipe.readEnd); FileIO.close(pipe.writeEnd) }
        try FileIO.write(pipe.writeEnd, [WireFrame.magic, WireFrame.version, 0x81])
        #expect(throws: WireError.timedOut(received: 3, expected: nil)) {
            try FrameChannel(fd: pipe.readEnd).receive(within: 1)
        }
    }

    @Test func noFrameAtAllTimesOut() throws {
        let pipe = try Pipe()
        defer { FileIO.close(pipe.readEnd); FileIO.close(pipe.writeEnd) }
        #expect(throws: WireError.timedOut(received: 0, expected: nil)) {
            try FrameChannel(fd: pipe.readEnd).receive(within: 1)
        }
    }

    /// Whole frames are read as without a deadline, and a clean end
    /// between frames is still nil.
    @Test func wholeFramesArriveAsUsual() throws {
        let pipe = try Pipe()
        defer { FileIO.close(pipe.readEnd) }
        let payload: [UInt8] = Array(0..<200).map { UInt8($0) }
        try FrameChannel(fd: pipe.writeEnd).send(WireFrame(kind: .inflated, sequence: 7, payloadLength: payload.count),
                                                 payload: payload)
        FileIO.close(pipe.writeEnd)
        let channel = FrameChannel(fd: pipe.readEnd)
        let received = try channel.receive(within: 1)
        #expect(received?.0.sequence == 7)
        #expect(received?.1 == payload)
        #expect(try channel.receive(within: 1) == nil)
    }
}
