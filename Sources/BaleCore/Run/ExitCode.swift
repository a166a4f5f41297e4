/// bale's exit codes, as gzip's: 0 ok, 1 error, 2 warning only.
public enum ExitCode: Int32, Sendable, Comparable {
    /// Everything done.
    case success = 0
    /// An error: at least one input was not processed (it is left as it was).
    case failure = 1
    /// Warnings only: something was skipped or ignored, the rest done.
    case warning = 2
    /// The reader of standard output went away; bale stopped quietly,
    /// with the status of a process ended by SIGPIPE (128 + 13).
    case brokenPipe = 141

    /// Orders outcomes by how much they matter: an error beats a warning.
    private var weight: Int {
        switch self {
        case .success: return 0
        case .warning: return 1
        case .failure: return 2
        case .brokenPipe: return 3
        }
    }

    public static func < (lhs: ExitCode, rhs: ExitCode) -> Bool { lhs.weight < rhs.weight }
}
