import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// Every descriptor bale makes is close-on-exec, so that no worker (and
/// no replacement worker, started in the middle of a job) inherits one.
/// The end-to-end tests check the workers' /proc/PID/fd; these check the
/// makers one by one, including those a worker started with
/// posix_spawn's close-from would hide.
@Suite struct DescriptorTests {
    private func isCloseOnExec(_ fd: Int32) -> Bool {
        fd >= 0 && fcntl(fd, F_GETFD) & FD_CLOEXEC != 0
    }

    @Test func pipesAreCloseOnExec() throws {
        let pipe = try Pipe()
        defer { FileIO.close(pipe.readEnd); FileIO.close(pipe.writeEnd) }
        #expect(isCloseOnExec(pipe.readEnd) && isCloseOnExec(pipe.writeEnd))
    }

    /// The extractor's copy of the destination's descriptor (a plain dup
    /// once, which a replacement worker inherited).
    @Test func theExtractorsCopyOfTheDestinationIsCloseOnExec() throws {
        let root = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(root) }
        var stack = DirectoryStack(root: root)
        guard case .success(let directory) = stack.open([]) else {
            Issue.record("cannot open the root")
            return
        }
        #expect(directory.fd != root)
        #expect(isCloseOnExec(directory.fd))
    }

    @Test func temporaryOutputsAreCloseOnExec() throws {
        let output = try AtomicOutputFile(path: "/tmp/bale-descriptor-test-\(getpid())")
        defer { output.discard() }
        #expect(isCloseOnExec(output.fd))
    }
}
