import Foundation
import Testing
@testable import BaleCore

/// `AtomicOutputFile.commit` without replacing (gzip without -f): a file
/// that takes the target's name after the command checked it was free
/// (another process, between the check and the rename) is never replaced.
/// End to end that needs a file made at one exact moment of a run; here
/// the file is made between the output's creation and its commit, which
/// is that moment.
struct AtomicOutputCommitTests {
    /// A fresh directory (removed by the caller) and an output for its
    /// `out.gz`, holding "new" and not yet committed.
    static func pendingOutput() throws -> (directory: String, target: String, output: AtomicOutputFile) {
        let directory = NSTemporaryDirectory() + "bale-commit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let target = directory + "/out.gz"
        let output = try AtomicOutputFile(path: target)
        try output.write(Array("new".utf8))
        return (directory, target, output)
    }

    /// The names in `directory`, sorted.
    static func names(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test func aFileThatTookTheNameMeanwhileIsKept() throws {
        let (directory, target, output) = try Self.pendingOutput()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("someone else's".utf8).write(to: URL(fileURLWithPath: target))
        let outcome = try output.commit(attributes: nil, sync: true, replacing: false)
        #expect(outcome == .targetExists)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "someone else's")
        #expect(try Self.names(directory) == ["out.gz"], "the temporary file is removed")
    }

    @Test func aSymbolicLinkThatTookTheNameIsKept() throws {
        let (directory, target, output) = try Self.pendingOutput()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A dangling link: a check by stat() would find nothing there.
        try FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: "nowhere")
        #expect(try output.commit(attributes: nil, sync: false, replacing: false) == .targetExists)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: target) == "nowhere")
        #expect(try Self.names(directory) == ["out.gz"])
    }

    @Test func aFreeNameIsTakenAndReplacingStillReplaces() throws {
        let (directory, target, first) = try Self.pendingOutput()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try first.commit(attributes: nil, sync: false, replacing: false) == .committed)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
        // -f: what holds the name is replaced, as before.
        let second = try AtomicOutputFile(path: target)
        try second.write(Array("second".utf8))
        #expect(try second.commit(attributes: nil, sync: false, replacing: true) == .committed)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "second")
        #expect(try Self.names(directory) == ["out.gz"])
    }
}
