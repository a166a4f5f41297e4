/// Reads a tar stream without writing anything: checks its structure (the
/// reader checks every header's checksum and sizes) and takes the SHA-256
/// of every regular file's content, for `bale verify`.
public struct TarVerifier: TarReader.Handler {
    /// Each regular file's name (as stored) and SHA-256, in archive order.
    public private(set) var digests: [[UInt8]: [UInt8]] = [:]
    /// The name of the last entry begun: where damage was met, if any.
    public private(set) var lastEntry: String?
    /// Entries read.
    public private(set) var entries = 0
    private var hasher: SHA256?
    private var current: [UInt8] = []

    public init() {}

    public mutating func begin(_ entry: TarEntry) throws(BaleError) {
        entries += 1
        lastEntry = entry.displayName
        current = entry.name
        // A volume label or a continuation's part is not a whole file.
        var whole = true
        switch entry.special {
        case .volumeLabel?, .continuation?: whole = false
        default: break
        }
        hasher = entry.kind == .file && whole ? SHA256() : nil
    }

    public mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        hasher?.update(bytes)
    }

    public mutating func end() throws(BaleError) {
        if let hasher { digests[current] = hasher.finish() }
        hasher = nil
    }

    public mutating func finish() -> [String] { [] }
}
