#if canImport(Glibc)
import Glibc
#endif

/// Fault injection for the tests of worker recovery and process safety,
/// read from the environment (a worker inherits bale's):
///
/// - `BALE_TEST_KILL_WORKER_AT_CHUNK=N`: a worker given chunk N dies of
///   SIGKILL, as the kernel's OOM killer would end it;
/// - `BALE_TEST_STALL_WORKER_MID_FRAME=N`: a worker given chunk N writes
///   half of an answer frame and then sleeps, never finishing it;
/// - `BALE_TEST_SPOIL_WORKER_OUTPUT=N`: a worker given chunk N does the
///   work, then overwrites its answer (in the arena or its own buffer)
///   with garbage and dies of SIGKILL before it replies: a worker killed
///   while writing into its output part;
/// - `BALE_TEST_OVERSTATE_ARENA_REPLY=N`: a worker answers chunk N in the
///   arena with a length past its slot;
/// - `BALE_TEST_HOOK_ONCE=PATH`: any of these hooks fires only in the first
///   worker that creates PATH (O_EXCL), so the replacement worker does the
///   chunk (without it, every worker given chunk N fails: a poison chunk);
/// - `BALE_TEST_WORKER_FDS=DIR`: each worker, as it starts, writes the
///   descriptors it holds (`N -> TARGET, read-only` lines, from
///   /proc/self/fd, with each one's access mode) to DIR/PID, so a test can
///   check what it inherited.
struct TestHooks {
    let killAt = Self.number("BALE_TEST_KILL_WORKER_AT_CHUNK")
    let stallAt = Self.number("BALE_TEST_STALL_WORKER_MID_FRAME")
    let spoilAt = Self.number("BALE_TEST_SPOIL_WORKER_OUTPUT")
    let overstateAt = Self.number("BALE_TEST_OVERSTATE_ARENA_REPLY")
    private let once = getenv("BALE_TEST_HOOK_ONCE").map { String(cString: $0) }

    init() {
        if let directory = getenv("BALE_TEST_WORKER_FDS").map({ String(cString: $0) }) {
            Self.reportDescriptors(into: directory)
        }
    }

    private static func number(_ name: String) -> UInt64? {
        getenv(name).flatMap { UInt64(String(cString: $0)) }
    }

    /// Whether a hook fires in this worker: always, or with
    /// `BALE_TEST_HOOK_ONCE` only in the worker that claims its file.
    func fires() -> Bool {
        guard let once else { return true }
        let fd = open(once, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 { return false }
        close(fd)
        return true
    }

    /// Writes the header of an answer to `request` and half its payload,
    /// then sleeps until killed: a worker stalled in the middle of a frame.
    static func stallMidFrame(answering request: WireFrame, on results: FrameChannel) -> Never {
        let length = max(2, request.payloadLength)
        let header = WireFrame(kind: .compressed, sequence: request.sequence, payloadLength: length).encodedHeader()
        try? FileIO.write(results.fd, header + [UInt8](repeating: 0, count: length / 2))
        while true { sleep(3600) }
    }

    /// Lists the worker's open descriptors into DIR/PID (not counting the
    /// one the listing itself uses).
    private static func reportDescriptors(into directory: String) {
        guard let listing = opendir("/proc/self/fd") else { return }
        let own = dirfd(listing)
        var lines = ""
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name), fd != own else { continue }
            var target = [CChar](repeating: 0, count: 4096)
            let length = readlink("/proc/self/fd/\(name)", &target, target.count - 1)
            let access: String
            switch fcntl(fd, F_GETFL) & O_ACCMODE {
            case O_RDONLY: access = "read-only"
            case O_WRONLY: access = "write-only"
            default: access = "read-write"
            }
            lines += "\(fd) -> \(length > 0 ? String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"), \(access)\n"
        }
        closedir(listing)
        let fd = open("\(directory)/\(getpid())", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd >= 0 {
            try? FileIO.write(fd, Array(lines.utf8))
            close(fd)
        }
    }
}
