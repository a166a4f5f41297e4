import CSystem

/// How a child process ended.
public enum ExitStatus: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        if bale_wifsignaled(status) != 0 {
            self = .signaled(bale_wtermsig(status))
        } else {
            self = .exited(bale_wexitstatus(status))
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): return "exit status \(code)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}
