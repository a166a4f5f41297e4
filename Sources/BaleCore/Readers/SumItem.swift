/// One file to hash (`bale sum`): its path, its size (to size the
/// batches), and the digest a manifest expects (`-c`).
struct SumItem: Sendable {
    /// The path, as printed.
    var path: [UInt8]
    /// Its size when listed.
    var size: Int64
    /// Whether `size` is a regular file's, at which the worker's read may
    /// stop (`DigestTarget`): a pipe or a device says nothing by its size.
    var isRegular = true
    /// The digest the manifest lists for it (`-c`), or nil.
    var expected: [UInt8]?
    /// What the worker opens, when it is not `path` (`-`: standard input).
    var source: [UInt8]? = nil

    /// What the worker is asked to hash.
    var target: DigestTarget { DigestTarget(path: source ?? path, listedSize: isRegular ? size : nil) }
}
