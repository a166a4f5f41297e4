import Testing
@testable import BaleCore

/// The worker protocol's typed payloads (`WorkRequest`, `WorkReply`,
/// `PieceTable`): what the parent encodes, the worker decodes to the same
/// request, and back; and every malformed payload is refused with an
/// error, never misread.
@Suite struct WorkPayloadTests {
    /// The request as a worker decodes it from the frame the parent sends.
    private func roundTrip(_ request: WorkRequest, kind: WorkKind) throws -> (WireFrame, WorkRequest, WorkKind) {
        let frame = request.header(sequence: 42, kind: kind)
        let header = frame.encodedHeader()
        let received = try header.withUnsafeBytes { try WireFrame.decodeHeader($0) }
        #expect(received == frame && received.payloadLength == request.payload.count)
        let (decoded, decodedKind) = try WorkRequest.decode(received, payload: request.payload)
        return (received, decoded, decodedKind)
    }

    @Test func compressRequestsRoundTrip() throws {
        let data = sampleText(5000)
        let compression = Compression(codec: .zlib, level: 9)
        let (frame, request, kind) = try roundTrip(.compress(data: data), kind: .compress(compression))
        #expect(frame.kind == .compress && frame.level == 9 && frame.expectedLength == 0 && frame.sequence == 42)
        guard case .compress(let decoded) = request else { Issue.record("decoded as \(request)"); return }
        #expect(decoded == data)
        #expect(kind == .compress(compression))
    }

    @Test func piecesRoundTripWithTheirLengths() throws {
        let pieces = [sampleText(0), sampleText(10, seed: 2), sampleText(70_000, seed: 3)]
        let table = PieceTable(pieces)
        #expect(table.count == 3 && table.piecesLength == 70_010)
        #expect(table.pieces == pieces)
        let (frame, request, kind) = try roundTrip(.compressPieces(table), kind: .compress(Compression(level: 1)))
        #expect(frame.kind == .compressPieces && frame.level == 1)
        guard case .compressPieces(let decoded) = request else { Issue.record("decoded as \(request)"); return }
        #expect(decoded.pieces == pieces && decoded.ranges == table.ranges)
        #expect(kind == .compress(Compression(level: 1)))
        #expect(WorkRequest.compressPieces(table).inputLength == 70_010)
    }

    @Test func inflateRequestsCarryTheirExpectedLength() throws {
        let member = sampleText(300)
        let (frame, request, kind) = try roundTrip(.inflate(member: member, expectedLength: 1 << 20), kind: .inflate(.libdeflate))
        #expect(frame.kind == .inflate && frame.expectedLength == 1 << 20 && frame.level == 0)
        guard case .inflate(let decoded, let expected) = request else { Issue.record("decoded as \(request)"); return }
        #expect(decoded == member && expected == 1 << 20)
        #expect(kind == .inflate(.libdeflate))
    }

    @Test func digestRequestsListTheirPaths() throws {
        let paths: [[UInt8]] = [Array("a".utf8), Array("dir/b\nc".utf8), [0xFF, 0xFE]]
        let (frame, request, kind) = try roundTrip(.digestFiles(files: PieceTable(paths)), kind: .digest)
        #expect(frame.kind == .digestFiles && frame.codec == 0)
        guard case .digestFiles(let decoded) = request else { Issue.record("decoded as \(request)"); return }
        #expect(decoded.pieces == paths)
        #expect(kind == .digest)
    }

    @Test func digestRecordsRoundTrip() throws {
        let digests: [WorkReply.FileDigest] = [.digest(Array(0..<32), bytes: 5), .unreadable(errno: 13), .digest([UInt8](repeating: 0xEE, count: 32), bytes: 1 << 40),
                                               .handedBack(size: nil), .handedBack(size: 9 << 20), .changedWhileRead]
        var payload = [UInt8](repeating: 0xAA, count: WorkReply.digestRecordLength * digests.count)
        payload.withUnsafeMutableBytes { buffer in
            for (index, digest) in digests.enumerated() {
                let start = WorkReply.digestRecordLength * index
                WorkReply.storeDigest(digest, into: UnsafeMutableRawBufferPointer(rebasing: buffer[start..<(start + WorkReply.digestRecordLength)]))
            }
        }
        let request = WorkRequest.digestFiles(files: PieceTable([[1], [2], [3], [4], [5], [6]]))
        let frame = WorkReply.frame(answering: request, sequence: 7, workerNanoseconds: 1234, payloadLength: payload.count)
        #expect(frame.kind == .digested && frame.workerNanoseconds == 1234)
        let reply = try WorkReply.decode(frame, payload: payload)
        guard case .digested(let decoded) = reply else { Issue.record("decoded as \(reply)"); return }
        #expect(decoded == digests)
        #expect(reply.answers(request))
        #expect(!reply.answers(.digestFiles(files: PieceTable([[1], [2]]))))
    }

    @Test func membersOfABatchComeWithTheirTable() throws {
        let members = PieceTable([[1, 2, 3], [4], []])
        let request = WorkRequest.compressPieces(PieceTable([[9], [9], [9]]))
        let frame = WorkReply.frame(answering: request, sequence: 1, workerNanoseconds: 0, payloadLength: members.payload.count)
        #expect(frame.kind == .compressedPieces)
        let reply = try WorkReply.decode(frame, payload: members.payload)
        guard case .compressedPieces(let decoded) = reply else { Issue.record("decoded as \(reply)"); return }
        #expect(decoded.pieces == [[1, 2, 3], [4], []])
        #expect(reply.outputLength == 4)
        #expect(reply.answers(request))
        #expect(!reply.answers(.compress(data: [9])))
        #expect(!WorkReply.compressed(member: [1]).answers(request))
    }

    @Test func failuresCarryTheirReasonAndAnswerAnything() throws {
        let (frame, payload) = WorkReply.failure(sequence: 3, reason: "crc mismatch")
        let reply = try WorkReply.decode(frame, payload: payload)
        guard case .failed(let reason, let isDamage) = reply else { Issue.record("decoded as \(reply)"); return }
        #expect(reason == "crc mismatch" && isDamage)
        let (otherFrame, otherPayload) = WorkReply.failure(sequence: 4, reason: "no memory", isDamage: false)
        guard case .failed(let otherReason, false) = try WorkReply.decode(otherFrame, payload: otherPayload) else {
            Issue.record("a failure that is not damage decoded as damage"); return
        }
        #expect(otherReason == "no memory")
        #expect(reply.answers(.inflate(member: [], expectedLength: 0)))
    }

    private func refusesTable(_ payload: [UInt8]) -> Bool {
        (try? PieceTable(decoding: payload)) == nil
    }

    @Test func malformedPieceTablesAreRefused() {
        let good = PieceTable([[1, 2], [3]]).payload
        #expect(!refusesTable(good))
        #expect(refusesTable([]))                                  // no count
        #expect(refusesTable([0, 0, 0, 0]))                        // no pieces
        #expect(refusesTable([0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0]))  // a count the payload cannot hold
        #expect(refusesTable(good + [7]))                          // bytes past the pieces
        #expect(refusesTable(Array(good.dropLast())))              // pieces cut short
        var overlong = good
        overlong[4] = 0xFF                                         // a length past the end
        #expect(refusesTable(overlong))
    }

    @Test func malformedRepliesAreRefused() {
        func refused(_ kind: WireFrame.Kind, _ payload: [UInt8]) -> Bool {
            (try? WorkReply.decode(WireFrame(kind: kind, sequence: 0, payloadLength: payload.count), payload: payload)) == nil
        }
        #expect(refused(.digested, [UInt8](repeating: 0, count: WorkReply.digestRecordLength - 1)))   // not whole records
        #expect(!refused(.digested, [UInt8](repeating: 0, count: 2 * WorkReply.digestRecordLength)))
        #expect(refused(.compressedPieces, [1, 0, 0, 0, 5, 0, 0, 0, 1]))  // a table that does not fill it
        for request in [WireFrame.Kind.compress, .compressPieces, .inflate, .digestFiles] {
            #expect(refused(request, []), "a \(request) frame is no reply")
        }
    }

    @Test func malformedRequestsAreRefused() {
        func refused(_ frame: WireFrame, _ payload: [UInt8]) -> Bool {
            (try? WorkRequest.decode(frame, payload: payload)) == nil
        }
        #expect(refused(WireFrame(kind: .compress, codec: 0, sequence: 0, level: 6, payloadLength: 1), [1]))  // no codec
        #expect(refused(WireFrame(kind: .inflate, codec: 7, sequence: 0, payloadLength: 1), [1]))
        #expect(refused(WireFrame(kind: .digestFiles, sequence: 0, payloadLength: 4), [0, 0, 0, 0]))
        #expect(refused(WireFrame(kind: .compressPieces, codec: 1, sequence: 0, level: 6, payloadLength: 3), [1, 0, 0]))
        for reply in [WireFrame.Kind.compressed, .compressedPieces, .inflated, .digested, .failed] {
            #expect(refused(WireFrame(kind: reply, sequence: 0, payloadLength: 0), []), "a \(reply) frame is no request")
        }
    }

    @Test func aFileKeepsItsWorstProblemAcrossParts() {
        #expect(FileProblem.adding(nil, to: nil) == nil)
        #expect(FileProblem.adding(.grew, to: nil) == .grew)
        #expect(FileProblem.adding(.changed, to: .grew) == .changed)
        #expect(FileProblem.adding(nil, to: .grew) == .grew)
        #expect(FileProblem.adding(.changed, to: .unreadable("gone")) == .unreadable("gone"))
        #expect(FileProblem.adding(.grew, to: .changed) == .changed)
    }
}
