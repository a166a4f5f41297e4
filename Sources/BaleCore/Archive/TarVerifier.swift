/// Reads a tar stream without writing anything: checks its structure (the
/// reader checks every header's checksum and sizes) and, when there is a
/// manifest to check, takes the SHA-256 of every regular file's content
/// (a sparse file's holes as the zeros they stand for), for `bale verify`.
public struct TarVerifier: TarReader.Handler {
    /// Each regular file's name (as stored) and SHA-256, in archive order.
    public private(set) var digests: [[UInt8]: [UInt8]] = [:]
    /// The name of the last entry begun: where damage was met, if any.
    public private(set) var lastEntry: String?
    /// Entries read.
    public private(set) var entries = 0
    private var hasher: SHA256?
    private var current: [UInt8] = []
    private let takesDigests: Bool

    /// With `digests` false (no manifest to check), content is only read,
    /// not hashed: besides the time saved, a sparse file whose header
    /// claims exabytes of holes is not hashed for hours.
    public init(digests: Bool = true) { takesDigests = digests }

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
        hasher = takesDigests && entry.kind == .file && whole ? SHA256() : nil
    }

    public mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        hasher?.update(bytes)
    }

    /// A hole is hashed as the zeros it stands for, and only then read as them.
    public mutating func hole(_ length: Int64) throws(BaleError) {
        guard hasher != nil else { return }
        var left = length
        let zeros = [UInt8](repeating: 0, count: 1 << 16)
        while left > 0 {
            let take = Int(min(left, Int64(zeros.count)))
            zeros.withUnsafeBytes { hasher?.update(UnsafeRawBufferPointer(rebasing: $0[0..<take])) }
            left -= Int64(take)
        }
    }

    public mutating func end() throws(BaleError) {
        if let hasher { digests[current] = hasher.finish() }
        hasher = nil
    }

    public mutating func finish() -> [Diagnostic] { [] }
}
