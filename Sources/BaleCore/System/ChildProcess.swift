#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// A child process started with posix_spawn, its standard input and
/// output connected to the given descriptors.
///
/// posix_spawn, not Foundation.Process: on this machine kind a Process
/// costs about 50 ms per wait, a posix_spawn of bale about 5 ms.
/// Whether it was reaped is reachable only under its lock, which `kill`
/// holds while it signals, so it never signals a pid that was reused.
public final class ChildProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t
    /// The child's place in the signal handler's table.
    private let slot: Int32
    private let isReaped = Mutex(false)

    /// Starts `executable` with `arguments` (argv[1...]; argv[0] is `name`,
    /// else `executable`), its stdin and stdout
    /// dup'ed from `standardInput` and `standardOutput`; stderr is shared;
    /// `inherited` dup'ed to descriptors 3, 4, ... in order (each must be
    /// numbered above those: `SharedArena`'s are).
    public init(
        executable: String, arguments: [String], name: String? = nil,
        standardInput: Int32, standardOutput: Int32, inherited: [Int32] = []
    ) throws(SystemError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        for (index, fd) in inherited.enumerated() {
            precondition(fd > 2 + Int32(inherited.count), "descriptor \(fd) would be overwritten")
            posix_spawn_file_actions_adddup2(&actions, fd, 3 + Int32(index))
        }
        // And nothing else: bale opens every descriptor close-on-exec, and
        // this also keeps out what bale's own parent left open to it.
        _ = bale_spawn_close_from(&actions, 3 + Int32(inherited.count))

        // The parent ignores SIGPIPE; a child must get the default back, and
        // an empty signal mask, whatever thread spawned it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([name ?? executable] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        if result != 0 { throw SystemError(code: result, operation: "posix_spawn \(executable)") }
        pid = child
        // If a signal ends bale, its handler kills the children it knows;
        // a child it could not know of is not kept.
        slot = bale_register_child(child)
        if slot < 0 {
            let error = SystemError.current("register \(executable)")
            _ = Glibc.kill(child, SIGKILL)
            var status: Int32 = 0
            _ = bale_reap_child(child, -1, &status)
            throw error
        }
    }

    /// Waits for the child to end and returns how it ended. Safe to call once.
    ///
    /// The child leaves the signal handler's table while it is a zombie,
    /// before it is reaped (`bale_await_child`, then `bale_reap_child`):
    /// until then its pid is its own, so neither the handler nor `kill`
    /// can reach a process that got the pid after it.
    @discardableResult
    public func wait() throws(SystemError) -> ExitStatus {
        if bale_await_child(pid) != 0 { throw SystemError.current("waitid") }
        var status: Int32 = 0
        let failure = isReaped.withLock { isReaped -> SystemError? in
            defer { isReaped = true }
            return bale_reap_child(pid, slot, &status) == 0 ? nil : SystemError.current("waitpid")
        }
        if let failure { throw failure }
        return ExitStatus(waitStatus: status)
    }

    /// Sends `signal` to the child, unless it was reaped already (its pid
    /// may then belong to another process).
    public func kill(_ signal: Int32 = SIGKILL) {
        isReaped.withLock { isReaped in
            if !isReaped { _ = Glibc.kill(pid, signal) }
        }
    }
}
