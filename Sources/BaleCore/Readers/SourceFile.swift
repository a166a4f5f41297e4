#if canImport(Glibc)
import Glibc
#endif

/// One file of a batch job, as the walk found it.
public struct SourceFile: Sendable {
    /// Where to read it (bytes: a file name may hold any).
    public var path: [UInt8]
    /// What `stat` said when it was listed: its size is what is compressed,
    /// its identity and time are checked again when it is read.
    public var info: stat

    public init(path: [UInt8], info: stat) {
        self.path = path
        self.info = info
    }
}
