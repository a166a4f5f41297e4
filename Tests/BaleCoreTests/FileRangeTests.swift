import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// A chunk of a regular file as a range (`FileRange`, `compressFileRange`):
/// the frame the feeder sends for it (its header, the region, then the
/// file's bytes spliced into the pipe) is the frame a worker decodes as
/// `compressToArena` or `compress`, holding the file's bytes; a range the
/// file no longer holds all of is reported, and the frame finished with
/// zeros so the worker still reads whole frames.
@Suite struct FileRangeTests {
    init() { _ = ignoreBrokenPipes }

    /// Sends `request` (a file range) as chunk 7 of a job doing `kind`,
    /// as `WorkerLink` does, its frame finished with zeros if the file
    /// ends early; returns what splicing gave and the frame as the worker
    /// reads it. (Also `MemberRangeTests`'.)
    static func sendAndReceive(
        _ request: WorkRequest, kind: WorkKind = .compress(Compression(codec: .isal, level: 1))
    ) throws -> (FrameChannel.SplicedRange, WireFrame, [UInt8]) {
        let pipe = try Pipe()
        defer {
            close(pipe.readEnd)
            close(pipe.writeEnd)
        }
        let channel = FrameChannel(fd: pipe.writeEnd)
        let range = try #require(request.fileRange)
        let header = request.header(sequence: 7, kind: kind)
        try channel.sendHeader(header, prefix: request.payload)
        let spliced = try channel.splice(range)
        switch spliced {
        case .whole: break
        case .fileEnded(let moved), .unreadable(_, let moved): try channel.sendZeros(range.length - moved)
        }
        let received = try #require(try FrameChannel(fd: pipe.readEnd).receive())
        return (spliced, received.0, received.1)
    }

    @Test func aRangeWithAnOutputRegionIsACompressToArenaFrameOfTheFilesBytes() throws {
        let data = sampleText(300_000, seed: 3)
        let file = try TemporaryFile("file-range", containing: data)
        defer { file.remove() }
        let region = ArenaRegion(inputOffset: 4096, inputLength: 0, outputOffset: 8192, outputCapacity: 70_000)
        let request = WorkRequest.compressFileRange(FileRange(fd: file.fd, offset: 1000, length: 65_536), output: region)
        #expect(request.inputLength == 65_536 && request.payloadLength == ArenaRegion.encodedLength + 65_536)
        let (spliced, frame, payload) = try Self.sendAndReceive(request)
        #expect(spliced == .whole)
        #expect(frame.kind == .compressToArena && frame.sequence == 7 && frame.level == 1)
        #expect(frame.codec == Codec.isal.rawValue)
        let (decoded, kind) = try WorkRequest.decode(frame, payload: payload)
        guard case .compressToArena(let bytes, let output) = decoded else { Issue.record("decoded as \(decoded)"); return }
        #expect(Array(bytes) == Array(data[1000..<(1000 + 65_536)]))
        #expect(output == region && kind == .compress(Compression(codec: .isal, level: 1)))
        #expect(decoded.inputLength == 65_536)
        // Answered in the arena or, too large for it, in the frame.
        #expect(WorkReply.frame(answering: decoded, inArena: true, sequence: 7, workerNanoseconds: 0,
                                payloadLength: 8).kind == .compressedInArena)
        #expect(WorkReply.compressed(member: [1]).answers(request))
    }

    @Test func aRangeWithoutAnOutputRegionIsAPlainCompressFrame() throws {
        let data = sampleText(100_000, seed: 4)
        let file = try TemporaryFile("file-range", containing: data)
        defer { file.remove() }
        let request = WorkRequest.compressFileRange(FileRange(fd: file.fd, offset: 0, length: data.count), output: nil)
        let (spliced, frame, payload) = try Self.sendAndReceive(request)
        #expect(spliced == .whole && frame.kind == .compress && payload == data)
        guard case .compress(let bytes) = try WorkRequest.decode(frame, payload: payload).0 else {
            Issue.record("not decoded as compress")
            return
        }
        #expect(bytes == data)
    }

    @Test func aRangePastTheEndOfTheFileIsReportedAndTheFrameStaysWhole() throws {
        let data = sampleText(10_000, seed: 5)
        let file = try TemporaryFile("file-range", containing: data)
        defer { file.remove() }
        let request = WorkRequest.compressFileRange(FileRange(fd: file.fd, offset: 6_000, length: 8_000), output: nil)
        let (spliced, frame, payload) = try Self.sendAndReceive(request)
        #expect(spliced == .fileEnded(moved: 4_000))
        #expect(frame.payloadLength == 8_000)
        #expect(payload == Array(data[6_000...]) + [UInt8](repeating: 0, count: 4_000))
    }

    @Test func aCompressToArenaPayloadShorterThanItsRegionIsRefused() {
        let frame = WireFrame(kind: .compressToArena, codec: Codec.zlib.rawValue, sequence: 1, level: 6, payloadLength: 5)
        #expect(throws: CodecError.self) { try WorkRequest.decode(frame, payload: [1, 2, 3, 4, 5]) }
    }
}
