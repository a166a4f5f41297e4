import Foundation
import Testing
@testable import BaleCore

/// The fuzz target `frames` starts from the seeds in Fuzz/corpus/frames: a
/// seed of an older protocol version is refused at its first header, so
/// the fuzzer never reached the payloads from it (they were at version 3
/// while the protocol was at 7). Every seed frame must be read by this
/// version's `FrameChannel`, and its payload decoded as the request or
/// reply its kind names.
struct FuzzSeedTests {
    @Test(arguments: ["requests", "answers", "one-piece-table"])
    func frameSeedsAreOfTheCurrentProtocol(seed: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let bytes = try Data(contentsOf: root.appendingPathComponent("Fuzz/corpus/frames/\(seed)"))
        let file = URL(fileURLWithPath: NSTemporaryDirectory() + "bale-seed-" + UUID().uuidString)
        try bytes.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fd = open(file.path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let channel = FrameChannel(fd: fd)
        var frames = 0
        while let (frame, payload) = try channel.receive() {
            frames += 1
            if frame.kind.rawValue < 0x80 {
                #expect(throws: Never.self, "\(seed): frame \(frames), a \(frame.kind)") {
                    _ = try WorkRequest.decode(frame, payload: payload)
                }
            } else {
                #expect(throws: Never.self, "\(seed): frame \(frames), a \(frame.kind)") {
                    _ = try WorkReply.decode(frame, payload: payload)
                }
            }
        }
        #expect(frames > 0)
    }
}
