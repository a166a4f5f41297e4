/// Reads a tar stream without writing anything: checks its structure (the
/// reader checks every header's checksum and sizes) and, when there is a
/// manifest to check, takes the SHA-256 of every regular file's content
/// (a sparse file's holes as the zeros they stand for), for `bale verify`.
///
/// Given the archive's index (`ArchiveIndex`), it also holds the index to
/// the stream, entry by entry as they are read: the same entries in the
/// same order, each with the facts and position the index gives it, and
/// the SHA-256 the index records for a file (`indexDisagreement` names the
/// first entry that differs).
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
    /// The index checked against the stream, if any.
    private let index: ArchiveIndex?
    /// The first difference between the index and the stream, worded for
    /// a message; nil while they agree.
    public private(set) var indexDisagreement: String?

    /// With `digests` false (no manifest to check), content is only read,
    /// not hashed: besides the time saved, a sparse file whose header
    /// claims exabytes of holes is not hashed for hours. With an `index`,
    /// the files it has a digest for are hashed too.
    public init(digests: Bool = true, index: ArchiveIndex? = nil) {
        takesDigests = digests
        self.index = index
    }

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
        let indexed = indexEntry(begun: entry)
        hasher = (takesDigests || indexed?.sha256 != nil) && entry.kind == .file && whole ? SHA256() : nil
    }

    /// The index's entry for the entry just begun, compared with it; nil
    /// when there is no index or it already disagreed.
    private mutating func indexEntry(begun entry: TarEntry) -> ArchiveIndex.Entry? {
        guard let index, indexDisagreement == nil else { return nil }
        let number = entries - 1
        let shown = TerminalText.escaped(entry.name)
        guard number < index.entries.count else {
            indexDisagreement = "entry \(number + 1) (\(shown)) is in the stream, not in the index"
            return nil
        }
        if let difference = index.entries[number].disagreement(with: entry) {
            indexDisagreement = "entry \(number + 1) (\(shown)): \(difference)"
            return nil
        }
        return index.entries[number]
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
        if let hasher {
            let digest = hasher.finish()
            digests[current] = digest
            if indexDisagreement == nil, let index, let recorded = index.entries[entries - 1].sha256, recorded != digest {
                indexDisagreement = "entry \(entries) (\(TerminalText.escaped(current))): its content's SHA-256 "
                    + "differs from the index's"
            }
        }
        hasher = nil
    }

    /// The first difference between the index and a stream read whole:
    /// `indexDisagreement`, or an entry the index has and the stream lacks.
    public var indexVerdict: String? {
        guard let index, indexDisagreement == nil, entries < index.entries.count else { return indexDisagreement }
        return "entry \(entries + 1) (\(TerminalText.escaped(index.entries[entries].name))) is in the index, not in the stream"
    }

    public mutating func finish() -> [Diagnostic] { [] }
}
