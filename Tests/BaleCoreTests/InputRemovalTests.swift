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
        #expect(InputRemoval().remove(bytes, ifStill: read) == .replaced)
        #expect(names() == ["app.log", "app.log.1"])
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "new")

        // Gone altogether: nothing removed, and said as gzip says it
        // ("No such file or directory"), not as a file kept.
        try FileManager.default.removeItem(atPath: input)
        #expect(InputRemoval().remove(bytes, ifStill: read) == .failed(SystemError(code: ENOENT, operation: "stat")))

        // The file read, grown since: kept.
        try FileManager.default.moveItem(atPath: directory + "/app.log.1", toPath: input)
        let moved = stamp()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(" and a line more".utf8))
        try handle.close()
        #expect(InputRemoval().remove(bytes, ifStill: moved) == .changed)
        #expect(names() == ["app.log"])

        // Still the file read, as it was: removed.
        #expect(InputRemoval().remove(bytes, ifStill: stamp()) == .removed)
        #expect(names() == [])
    }

    /// A file rewritten in place with its size and modification time kept
    /// (`rsync --inplace -t`) shows only in its change time: kept. A file
    /// with several names, each an input: removing one changes the
    /// others' change time, which is bale's own doing, so they are
    /// removed too (by the same run's remover), but not once changed after.
    @Test func theChangeTimeTellsARewriteFromBalesOwnRemovals() throws {
        let directory = NSTemporaryDirectory() + "bale-removal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func stamp(_ path: String) -> PackEntry.WalkedStamp {
            var info = stat()
            _ = stat(path, &info)
            return PackEntry.WalkedStamp(info)
        }
        let a = directory + "/a", b = directory + "/b", c = directory + "/c", d = directory + "/d"
        try Data("same size".utf8).write(to: URL(fileURLWithPath: a))
        let read = stamp(a)
        usleep(20_000)
        try Data("SAME SIZE".utf8).write(to: URL(fileURLWithPath: a))
        var times = [timespec(tv_sec: Int(read.seconds), tv_nsec: Int(read.nanoseconds)),
                     timespec(tv_sec: Int(read.seconds), tv_nsec: Int(read.nanoseconds))]
        #expect(utimensat(AT_FDCWD, a, &times, 0) == 0)
        #expect(stamp(a).hasSizeAndTime(of: read))
        #expect(InputRemoval().remove(Array(a.utf8), ifStill: read) == .changed)
        #expect(FileManager.default.fileExists(atPath: a))

        // Three names of one file, all read before any is removed.
        #expect(link(a, b) == 0 && link(a, c) == 0 && link(a, d) == 0)
        let stamps = [a, b, c, d].map(stamp)
        let removal = InputRemoval()
        usleep(20_000)
        #expect(removal.remove(Array(a.utf8), ifStill: stamps[0]) == .removed)
        #expect(removal.remove(Array(b.utf8), ifStill: stamps[1]) == .removed)
        // Another run's remover knows nothing of those removals.
        #expect(InputRemoval().remove(Array(c.utf8), ifStill: stamps[2]) == .changed)
        usleep(20_000)
        #expect(chmod(d, 0o600) == 0)
        #expect(removal.remove(Array(d.utf8), ifStill: stamps[3]) == .changed)
        #expect(removal.remove(Array(c.utf8), ifStill: stamps[2]) == .changed)
    }
}
