import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// A bale member of a regular file as a range (`inflateFileRange`, cut by
/// `MemberChunkCutter` and `SelectedMemberCutter`): the frame the feeder
/// sends for it is the frame a worker decodes as `inflateToArena` (with an
/// output region) or `inflate`, holding the member's bytes as the file
/// has them, and the answers the parent accepts for it are the ones that
/// put the data where the request said.
@Suite struct MemberRangeTests {
    init() { _ = ignoreBrokenPipes }

    @Test func aMemberWithAnOutputRegionIsAnInflateToArenaFrameOfTheFilesBytes() throws {
        let data = sampleText(200_000, seed: 6)
        let file = try TemporaryFile("member-range", containing: data)
        defer { file.remove() }
        let region = ArenaRegion(inputOffset: 4096, inputLength: 0, outputOffset: 8192, outputCapacity: 1 << 20)
        let request = WorkRequest.inflateFileRange(FileRange(fd: file.fd, offset: 500, length: 70_000),
                                                   expectedLength: 300_000, output: region)
        #expect(request.inputLength == 70_000 && request.payloadLength == ArenaRegion.encodedLength + 70_000)
        let (spliced, frame, payload) = try FileRangeTests.sendAndReceive(request, kind: .inflate(.libdeflate))
        #expect(spliced == .whole)
        #expect(frame.kind == .inflateToArena && frame.sequence == 7 && frame.expectedLength == 300_000)
        #expect(frame.codec == Codec.libdeflate.rawValue)
        let (decoded, kind) = try WorkRequest.decode(frame, payload: payload)
        guard case .inflateToArena(let member, let expected, let output) = decoded else {
            Issue.record("decoded as \(decoded)")
            return
        }
        #expect(Array(member) == Array(data[500..<70_500]) && expected == 300_000)
        #expect(output == region && kind == .inflate(.libdeflate))
        // The data goes to the slot: an answer in the frame is refused.
        #expect(WorkReply.frame(answering: decoded, inArena: true, sequence: 7, workerNanoseconds: 0,
                                payloadLength: 8).kind == .inflatedInArena)
        #expect(!WorkReply.inflated(data: [1]).answers(request))
        #expect(WorkReply.failed(reason: "damaged").answers(request))
    }

    @Test func aMemberWithoutAnOutputRegionIsAPlainInflateFrame() throws {
        let data = sampleText(50_000, seed: 7)
        let file = try TemporaryFile("member-range", containing: data)
        defer { file.remove() }
        let request = WorkRequest.inflateFileRange(FileRange(fd: file.fd, offset: 0, length: data.count),
                                                   expectedLength: 123_456, output: nil)
        let (spliced, frame, payload) = try FileRangeTests.sendAndReceive(request, kind: .inflate(.zlib))
        #expect(spliced == .whole && frame.kind == .inflate && payload == data)
        guard case .inflate(let member, let expected) = try WorkRequest.decode(frame, payload: payload).0 else {
            Issue.record("not decoded as inflate")
            return
        }
        #expect(member == data && expected == 123_456)
        #expect(WorkReply.inflated(data: [1]).answers(request))
    }

    @Test func anInflateToArenaPayloadShorterThanItsRegionIsRefused() {
        let frame = WireFrame(kind: .inflateToArena, codec: Codec.zlib.rawValue, sequence: 1, expectedLength: 9,
                              payloadLength: 5)
        #expect(throws: CodecError.self) { try WorkRequest.decode(frame, payload: [1, 2, 3, 4, 5]) }
    }
}
