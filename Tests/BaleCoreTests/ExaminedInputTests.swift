import Foundation
import Testing
@testable import BaleCore

/// `GzipCommand.transformFile` opens the input the rules examined, or
/// nothing: a name that became a link to another file, or another file,
/// between the look (`lstat`) and the open is refused, the input kept and
/// no output made. The swap itself is a race no end-to-end test can time;
/// here the name is already swapped when the open comes.
struct ExaminedInputTests {
    /// A command compressing beside its inputs, with the built bale's workers.
    static func command() -> GzipCommand {
        var options = GzipCommand.Options()
        options.context = RunContext(quiet: true)
        options.engine.jobs = 1
        options.engine.workerExecutable = builtBale
        options.engine.pipeline.ioThreads = 1
        return GzipCommand(options: options)
    }

    /// Runs `transformFile` on `name` in `directory`, as if `examined` were
    /// what the rules saw there; returns the status and what is left.
    static func transform(_ name: String, examined: stat, in directory: String) -> (ExitCode, [String]) {
        let command = command()
        let path = Array((directory + "/" + name).utf8)
        let status = command.runner.withPipeline { pipeline in
            command.transformFile(path, examined: examined, into: path + Array(".gz".utf8), removing: true,
                                  pipeline: pipeline)
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: directory).sorted()) ?? []
        return (status, left)
    }

    @Test func aNameSwappedForALinkOrAnotherFileIsNotRead() throws {
        #expect(access(builtBale, X_OK) == 0, "build bale first: \(builtBale)")
        let directory = NSTemporaryDirectory() + "bale-examined-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("the input\n".utf8).write(to: URL(fileURLWithPath: directory + "/input"))
        try Data("secret\n".utf8).write(to: URL(fileURLWithPath: directory + "/secret"))
        var examined = stat()
        #expect(lstat(directory + "/input", &examined) == 0)

        // The name is now a link to another file: not followed.
        try FileManager.default.moveItem(atPath: directory + "/input", toPath: directory + "/kept")
        try FileManager.default.createSymbolicLink(atPath: directory + "/input", withDestinationPath: "secret")
        var (status, left) = Self.transform("input", examined: examined, in: directory)
        #expect(status == .failure)
        #expect(left == ["input", "kept", "secret"])

        // The name is now another regular file: not the one examined.
        try FileManager.default.removeItem(atPath: directory + "/input")
        try FileManager.default.copyItem(atPath: directory + "/secret", toPath: directory + "/input")
        (status, left) = Self.transform("input", examined: examined, in: directory)
        #expect(status == .failure)
        #expect(left == ["input", "kept", "secret"])

        // The file examined, still there: compressed and removed.
        try FileManager.default.removeItem(atPath: directory + "/input")
        try FileManager.default.moveItem(atPath: directory + "/kept", toPath: directory + "/input")
        (status, left) = Self.transform("input", examined: examined, in: directory)
        #expect(status == .success)
        #expect(left == ["input.gz", "secret"])
    }
}

/// `GzipCommand.refusalInPlace` of a file looked at as it was removed:
/// `fstatat` can give a link count of 0 then, and the walk of `gzip -r`
/// subtracted 1 from it, which traps: bale died of SIGILL (exit 132) when
/// another run removed files in the tree it walked (a reading helper's
/// race of `gzip -r --manifest` and `gzip -r`). Such a file has no other
/// links; its open then fails, named, as for any file gone.
struct LinkCountTests {
    @Test func aFileBeingRemovedHasNoOtherLinks() {
        var info = stat()
        info.st_mode = S_IFREG | 0o644
        info.st_nlink = 0
        #expect(GzipCommand.refusalInPlace(info, force: false) == nil)
        info.st_nlink = 3
        #expect(GzipCommand.refusalInPlace(info, force: false) == "has 2 other links -- file ignored")
    }
}
