import Foundation
import Testing
import Synchronization

/// The built `bale` binary: `swift build` puts it beside the test bundle.
let bale: String = {
    let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return runner.deletingLastPathComponent().appendingPathComponent("bale").path
}()

/// What a shell script printed and how it ended.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `script` with bash in `directory`, with $BALE set to the built
/// binary and `set -euo pipefail` off (scripts check what they need).
@discardableResult
func sh(_ script: String, in directory: String) throws -> Run {
    try shell(script, in: directory, fixtures: Fixtures.directory)
}

/// `sh`, with the fixtures directory given (the fixtures are made with it).
func shell(_ script: String, in directory: String, fixtures: String) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment["BALE"] = bale
    environment["FIXTURES"] = fixtures
    // One locale for every script, whatever the machine's: names and
    // quotes are printed as in it (`TerminalText.localeIsUTF8`), by bale
    // and by the tools the tests compare with. A test of another locale
    // sets it for the commands it runs.
    environment["LC_ALL"] = "C.UTF-8"
    // Nor a GZIP variable of the machine's: gzip and bale take options from it.
    environment["GZIP"] = nil
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes to the end before waiting, so a chatty script cannot block.
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data(), errData = Data()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Run(status: process.terminationStatus,
               stdout: String(decoding: outData, as: UTF8.self),
               stderr: String(decoding: errData, as: UTF8.self))
}

/// A fresh directory for one test, removed when the test ends.
final class Scratch {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "bale-e2e-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func run(_ script: String) throws -> Run { try sh(script, in: path) }
}

/// A directory kept for the whole test run (shared fixtures), named
/// `NAME-PID` in the temporary directory and removed when the test process
/// exits. Those of runs that ended without exiting (killed, crashed: their
/// process is gone) are removed when the next run makes its own: ~90 MB
/// each, they would otherwise fill /tmp of a machine that runs the tests
/// every day.
enum RunDirectory {
    static func make(named name: String) -> String {
        let temporary = NSTemporaryDirectory()
        let files = FileManager.default
        for entry in (try? files.contentsOfDirectory(atPath: temporary)) ?? []
        where entry.hasPrefix(name + "-") {
            guard let pid = Int32(entry.dropFirst(name.count + 1)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? files.removeItem(atPath: temporary + entry)
            }
        }
        let path = temporary + "\(name)-\(getpid())"
        try! files.createDirectory(atPath: path, withIntermediateDirectories: true)
        removeAtExit.withLock { $0.append(path) }
        _ = registered
        return path
    }

    private static let removeAtExit = Mutex<[String]>([])
    private static let registered: Void = {
        atexit {
            for path in RunDirectory.removeAtExit.withLock({ $0 }) {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }()
}

/// Input files shared by the tests, made once per test run from files on
/// the machine: `text` (~21 MB of text), `mixed` (text, binaries and
/// random bytes), and `gen N FILE` in scripts to cut N bytes of mixed data.
enum Fixtures {
    static let directory: String = {
        let path = RunDirectory.make(named: "bale-fixtures")
        let made = try! shell("""
            set -e
            seq 1 3000000 | sed 's/$/ lorem ipsum dolor sit amet/' | head -c 24000000 > text
            { cat text; cat /opt/swift/usr/lib/swift/linux/libswiftCore.so; head -c 3000000 /dev/urandom; } > mixed
            """, in: path, fixtures: path)
        precondition(made.status == 0, "cannot make fixtures: \(made.stderr)")
        return path
    }()

    /// A shell snippet defining `gen N FILE`: N bytes of mixed data into FILE.
    static let gen = #"gen() { head -c "$1" "$FIXTURES/mixed" > "$2"; }"#
}

/// The chunk size bale uses by default (4 MiB).
let chunk = 4 << 20
