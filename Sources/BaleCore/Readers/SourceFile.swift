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

    /// Chunks of `chunkSize` the file is cut into (one, even when empty).
    func chunkCount(_ chunkSize: Int) -> UInt64 {
        max(1, UInt64((Int64(info.st_size) + Int64(chunkSize) - 1) / Int64(chunkSize)))
    }
}
