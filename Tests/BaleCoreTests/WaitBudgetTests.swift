import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// `WaitBudget`, the parent's wait for a worker's answer: what it times is
/// the worker's silence without progress. A worker that reads all along
/// (a file on slow storage, a byte at a time) is waited for past the
/// budget; one that reads nothing is not. Each "worker" is a shell that
/// answers on its standard output after 2.4 s, the budget 1 s.
@Suite struct WaitBudgetTests {
    /// Starts `script` under /bin/sh, its output into a new pipe; waits on
    /// the pipe with a budget of `seconds`; says whether the answer came.
    private func answered(by script: String, within seconds: Int) throws -> Bool {
        let pipe = try Pipe()
        defer { FileIO.close(pipe.readEnd) }
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { _ = close(devNull) }
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", script],
                                     standardInput: devNull, standardOutput: pipe.writeEnd)
        FileIO.close(pipe.writeEnd)
        defer {
            child.kill()
            _ = try? child.wait()
        }
        var budget = WaitBudget(seconds: seconds, worker: child.pid)
        return try budget.waitForInput(on: pipe.readEnd)
    }

    @Test(.enabled(if: WaitBudget.ioProgress(of: getpid()) != nil, "the kernel keeps no /proc/PID/io"))
    func aWorkerThatReadsIsWaitedForPastTheBudget() throws {
        #expect(try answered(by: """
            i=0; while [ $i -lt 12 ]; do read -r x < /proc/version; sleep 0.2; i=$((i+1)); done; echo answer
            """, within: 1))
    }

    @Test func aWorkerThatReadsNothingRunsOutOfTheBudget() throws {
        #expect(try !answered(by: "sleep 2.4; echo answer", within: 1))
    }

    /// The bytes a process read grow as it reads.
    @Test(.enabled(if: WaitBudget.ioProgress(of: getpid()) != nil, "the kernel keeps no /proc/PID/io"))
    func theBytesReadGrowWithAReadFile() throws {
        let before = try #require(WaitBudget.ioProgress(of: getpid()))
        let fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC)
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        _ = close(fd)
        #expect(n > 0)
        #expect(try #require(WaitBudget.ioProgress(of: getpid())) >= before + UInt64(n))
    }
}
