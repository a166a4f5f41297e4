#if canImport(Glibc)
import Glibc
#endif
import BaleCore
import FuzzSupport

/// Feeds the input as the byte stream of a worker pipe to
/// `FrameChannel.receive` (a memfd in place of the pipe), reading frames
/// until the end or an error; each frame's header goes through
/// `WireFrame.decodeHeader`, and each payload through the typed payloads
/// of the protocol: `WorkRequest.decode` (what a worker does with it) or
/// `WorkReply.decode` (what bale does with it), and `PieceTable`.
///
/// Must hold: no crash, no allocation past `WireFrame.maximumPayload`
/// (-rss_limit_mb), no hang; a frame read re-encodes to the header bytes it
/// came from, with a payload of the length it names; a piece table that is
/// accepted has pieces that fill the payload exactly, in order; an
/// accepted request sends again the payload it came in, and an accepted
/// reply holds one digest record per `WorkReply.digestRecordLength` bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrames(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let fd = memoryFile(holding: input)
    defer { close(fd) }
    let channel = FrameChannel(fd: fd)
    var offset = 0
    while true {
        let received: (WireFrame, [UInt8])?
        do throws(WireError) { received = try channel.receive() } catch { break }
        guard let (frame, payload) = received else {
            require(offset == input.count, "a clean end at \(offset) of \(input.count) bytes")
            break
        }
        let header = Array(input[offset..<(offset + WireFrame.headerLength)])
        require(frame.encodedHeader() == header, "a frame does not re-encode to its header")
        require(payload.count == frame.payloadLength, "payload of \(payload.count), not \(frame.payloadLength)")
        offset += WireFrame.headerLength + payload.count

        if let (request, _) = try? WorkRequest.decode(frame, payload: payload) {
            require(request.payload == payload, "a request does not send the payload it came in")
        }
        if let reply = try? WorkReply.decode(frame, payload: payload), case .digested(let digests) = reply {
            require(digests.count * WorkReply.digestRecordLength == payload.count, "digest records do not fill the payload")
        }
        guard let table = try? PieceTable(decoding: payload) else { continue }
        let pieces = table.pieces
        let tableLength = 4 + 4 * pieces.count
        require(tableLength + pieces.reduce(0) { $0 + $1.count } == payload.count, "pieces do not fill the payload")
        require(Array(pieces.joined()) == Array(payload[tableLength...]), "pieces are not the payload's bytes")
    }
    return 0
}

runFuzzer(fuzzFrames)
