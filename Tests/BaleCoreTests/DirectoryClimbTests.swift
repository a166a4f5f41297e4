import Foundation
import Testing
@testable import BaleCore

/// The extractor's open directories (`DirectoryStack`) go back up a deep
/// path by `..` from the shallowest one still open (`climb`), each step
/// held to the device and inode the directory had when its descriptor was
/// given up. A `..` leads to wherever the directory is now: a part of the
/// path moved elsewhere meanwhile (by anyone who can write there) must not
/// be climbed out of into the place it was moved to, taken for the
/// directories above it.
@Suite struct DirectoryClimbTests {
    /// A chain 40 deep, 4 descriptors kept (levels 36–39 open), level 32
    /// moved out of the destination to `outside/moved`; then the directory
    /// at level 30 is asked for. The climb from level 36 passes 35 to 32
    /// (the moved part, still the directories given up), then `..` of 32
    /// is `outside`, not level 31: it stops, and level 30 is opened by
    /// name in the destination. Without the check, `outside` was taken for
    /// level 31 and the scratch directory above it for level 30.
    @Test func aPartMovedAwayIsNotClimbedOutOf() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let destination = scratch.appendingPathComponent("destination")
        let outside = scratch.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let (root, parts) = try Self.chain(in: destination)
        defer { close(root) }
        var stack = DirectoryStack(root: root)
        stack.keepOpen(atMost: 4)
        guard case .success = stack.open(parts[...]) else {
            Issue.record("the chain was not made")
            return
        }
        let level32 = parts[0...32].map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        try FileManager.default.moveItem(at: destination.appendingPathComponent(level32),
                                         to: outside.appendingPathComponent("moved"))
        guard case .success(let directory) = stack.open(parts[0...30]) else {
            Issue.record("level 30 was not opened")
            return
        }
        let made = openat(directory.fd, "probe", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        try #require(made >= 0)
        close(made)
        let level30 = parts[0...30].map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        #expect(FileManager.default.fileExists(atPath: destination.appendingPathComponent(level30 + "/probe").path))
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("probe").path))
    }

    /// The same chain unmoved: the climb reopens the levels it passes, and
    /// the directory it gives is the one at that path.
    @Test func aClimbGivesTheDirectoryAtThePath() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (root, parts) = try Self.chain(in: scratch)
        defer { close(root) }
        var stack = DirectoryStack(root: root)
        stack.keepOpen(atMost: 4)
        for depth in stride(from: 40, through: 1, by: -1) {
            guard case .success(let directory) = stack.open(parts[0..<depth]) else {
                Issue.record("level \(depth - 1) was not opened")
                return
            }
            let path = parts[0..<depth].map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
            var info = stat()
            #expect(fstat(directory.fd, &info) == 0)
            #expect(FileIdentity(info) == FileIdentity(try FileManager.default.attributesOfItem(
                atPath: scratch.appendingPathComponent(path).path)), "level \(depth - 1)")
        }
    }
}

extension DirectoryClimbTests {
    /// A new directory for one test.
    static func scratch() throws -> URL {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bale-climb-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        return scratch
    }

    /// `directory`, made and opened, and the 40 names of the chain to make below it.
    static func chain(in directory: URL) throws -> (root: Int32, parts: [[UInt8]]) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let root = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(root >= 0)
        return (root, (0..<40).map { Array("d\($0)".utf8) })
    }
}

private extension FileIdentity {
    init(_ attributes: [FileAttributeKey: Any]) {
        self.init(device: (attributes[.systemNumber] as? NSNumber)?.uint64Value ?? 0,
                  inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0)
    }
}
