import Foundation
import Testing
@testable import BaleCore

/// `InputRemoval`: an input is removed after its output is in place only
/// while its name still holds the file that was read, unchanged; a file
/// that took the name meanwhile (a log rotated again during a long run),
/// or the file read with a line appended since, is kept.
/// The swap is made here between the read (`lstat`) and the removal,
/// which is the moment it would come in a run.
struct InputRemovalTests {
    @Test func onlyTheFileThatWasReadIsRemoved() throws {
        let directory = NSTemporaryDirectory() + "bale-removal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/app.log", bytes = Array(input.utf8)
        func stamp() -> PackEntry.WalkedStamp {
            var info = stat()
            _ = lstat(input, &info)
            return PackEntry.WalkedStamp(info)
        }
        func names() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory).sorted()) ?? [] }

        // Read, then renamed away and a new file made under the name: kept.
        try Data("old".utf8).write(to: URL(fileURLWithPath: input))
        let read = stamp()
        try FileManager.default.moveItem(atPath: input, toPath: directory + "/app.log.1")
        try Data("new".utf8).write(to: URL(fileURLWithPath: input))
        #expect(InputRemoval.remove(bytes, ifStill: read) == .replaced)
        #expect(names() == ["app.log", "app.log.1"])
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "new")

        // Gone altogether: nothing removed, and said as gzip says it
        // ("No such file or directory"), not as a file kept.
        try FileManager.default.removeItem(atPath: input)
        #expect(InputRemoval.remove(bytes, ifStill: read) == .failed(SystemError(code: ENOENT, operation: "stat")))

        // The file read, grown since: kept.
        try FileManager.default.moveItem(atPath: directory + "/app.log.1", toPath: input)
        let moved = stamp()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(" and a line more".utf8))
        try handle.close()
        #expect(InputRemoval.remove(bytes, ifStill: moved) == .changed)
        #expect(names() == ["app.log"])

        // Still the file read, as it was: removed.
        #expect(InputRemoval.remove(bytes, ifStill: stamp()) == .removed)
        #expect(names() == [])
    }
}
