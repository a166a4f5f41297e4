/// Reads a tar stream without writing anything: checks its structure (the
/// reader checks every header's checksum and sizes) and, when there is a
/// manifest to check, what each name would hold once extracted: the
/// SHA-256 of a regular file's content (a sparse file's holes as the zeros
/// they stand for), for `bale verify`.
///
/// The manifest describes a tree, so a name is judged by what extraction
/// leaves there: its last entry, under the name as extraction cleans it
/// (`./f` and `/f` are `f`, as `TarExtractor.components` makes them). A
/// file followed by a link, a directory or another file of that name
/// ends as the later one, as GNU tar and bale's `unpack` leave it; a hard
/// link holds its target's content. Keyed by the name as stored, only the
/// first file was seen, and an archive whose tree fails the manifest was
/// said to match it.
///
/// Given the archive's index (its entries made one at a time as the
/// stream's come: `ArchiveIndexDecoder.EntryWalk`), it also holds the index
/// to the stream, entry by entry as they are read: the same entries in the
/// same order, each with the facts and position the index gives it, and
/// the SHA-256 the index records for a file (`indexDisagreement` names the
/// first entry that differs).
///
/// Names are kept by a 128-bit hash of their components (`NameKey`), not
/// as bytes: with a manifest of a million lines, the names as arrays (what
/// each holds, the tree of their components, the manifest's own) cost
/// ~0.5 KiB a line; two different names take one key with a chance of
/// about n² / 2¹²⁹ (10⁻²⁷ for a million).
public struct TarVerifier: TarReader.Handler {
    /// What each name holds once extracted (the name cleaned as extraction
    /// cleans it; entries extraction refuses, with `..`, are left out).
    private var extracted: [NameKey: Extracted] = [:]

    /// What extraction leaves at `name` (as a manifest names it: cleaned
    /// as extraction cleans it), nil for nothing, or a name extraction refuses.
    public func extracted(at name: [UInt8]) -> Extracted? {
        Self.key(name).flatMap { extracted[$0] }
    }

    /// Whether extraction leaves a regular file anywhere.
    public var extractsARegularFile: Bool { extracted.values.contains(where: \.isRegularFile) }

    /// What extraction leaves at a name.
    public enum Extracted: Equatable, Sendable {
        /// A regular file of this content (SHA-256).
        case file(digest: SHA256.Digest)
        /// A regular file not hashed: a sparse one the manifest does not
        /// name (its holes could stand for exabytes of zeros).
        case fileNotHashed
        /// A directory.
        case directory
        /// Something else, in a few words: "a symbolic link", "a FIFO".
        case other(String)

        /// Whether it is a regular file, hashed or not.
        public var isRegularFile: Bool {
            switch self {
            case .file, .fileNotHashed: return true
            case .directory, .other: return false
            }
        }
    }
    /// Entries read.
    public private(set) var entries = 0
    /// The hasher of the file being read, if it is hashed: one for the
    /// run, started again for each file (a context made for each of
    /// 100,000 small files costs as much as hashing them, `SHA256`).
    private var hasher: SHA256?
    private let reusedHasher = SHA256()
    /// The cleaned name of the file being read (nil: one extraction refuses).
    private var current: NameKey?
    /// Its name as stored, for a message.
    private var stored: [UInt8] = []
    private let takesDigests: Bool
    /// The names the manifest lists, cleaned.
    private let named: Set<NameKey>
    /// The index checked against the stream, if any.
    private let index: ArchiveIndexDecoder.EntryWalk?
    /// The index's entry for the entry being read (its digest, at `end`).
    private var indexed: ArchiveIndex.Entry?
    /// The first difference between the index and the stream, worded for
    /// a message; nil while they agree.
    public private(set) var indexDisagreement: String?
    /// What extraction would say of the entries (`TarEntry.dataSkippedWarning`,
    /// a hard link to nothing before it).
    private var notices = CollectedDiagnostics()
    /// The entries so far that a hard link may name (all but directories),
    /// under their names as extraction cleans them, by half their key
    /// (`NameKey.low`): 8 bytes a name however long (a million entries),
    /// where a collision only lets a link pass unjudged.
    private var linkableNames = Set<Int>()
    /// The directories so far, the same way: a hard link to one is
    /// refused by the system (EPERM), not for want of a target.
    private var directoryNames = Set<Int>()
    public var warnings: [Diagnostic] { notices.all }

    /// With no `manifest` (the names it lists) to check, content is only
    /// read, not hashed. With one, every regular file is hashed but for a
    /// sparse file the manifest does not name: a header may claim exabytes
    /// of holes, hashed for hours (a plain file's content is in the
    /// archive, so hashing it costs what reading it does). With an
    /// `index`, the files it has a digest for are hashed too.
    public init(manifest: Manifest.Entries? = nil, index: ArchiveIndexDecoder.EntryWalk? = nil) {
        takesDigests = manifest != nil
        self.named = Set((manifest?.names ?? []).compactMap(Self.key))
        self.index = index
    }

    /// The lengths of the names in `extracted` that were made something
    /// other than a directory: only a prefix of such a length can be one.
    private var lengthsNotDirectories: Set<Int> = []

    /// Whether a directory above the name whose prefixes are `prefixes`
    /// (`NameKey.prefixes`: the last is the name's own) holds something
    /// else at this point of the archive (a file, a link): extraction
    /// refuses the entry ("a parent is a symbolic link or not a
    /// directory"), so the name holds what it held before, if anything.
    /// Only the prefixes of a length some non-directory has are looked up.
    private func hasParentNotADirectory(_ prefixes: [(key: NameKey, length: Int)]) -> Bool {
        guard prefixes.count > 1, !lengthsNotDirectories.isEmpty else { return false }
        for prefix in prefixes.dropLast() where lengthsNotDirectories.contains(prefix.length) {
            if let there = extracted[prefix.key], there != .directory { return true }
        }
        return false
    }

    /// The names below which a name was recorded: every directory above
    /// each name recorded, by key.
    private var holdingNames = Set<NameKey>()

    /// Records the name whose prefixes are `prefixes` (and the directories
    /// above it) and says whether a name was recorded below it before:
    /// extraction does not remove a directory that holds something to put
    /// a file, a link or a device in its place ("File exists; not
    /// extracted"), so the name keeps what it held (a directory merges into
    /// it). `verify --manifest` said OK of an archive whose `d/`, `d/f` and
    /// then file `d` left a directory at `d`.
    private mutating func recordsSomethingBelow(_ prefixes: [(key: NameKey, length: Int)]) -> Bool {
        guard let name = prefixes.last else { return false }
        let holds = holdingNames.contains(name.key)
        for prefix in prefixes.dropLast() { holdingNames.insert(prefix.key) }
        return holds
    }

    /// The key of `name` as extraction cleans it, nil where extraction refuses it.
    static func key(_ name: [UInt8]) -> NameKey? {
        guard case .success(let parts) = TarExtractor.components(name), !parts.isEmpty else { return nil }
        return NameKey(parts)
    }

    /// True when `name` can only name a directory once extracted: it ends
    /// in a slash, or in a `.` component (`d/a/`, `d/a/.`). Cleaned (as
    /// `extracted(at:)` cleans it) it is the name of what it is in, so a manifest's
    /// `d/a/` met the archive's file `d/a`, where `sha256sum -c` of the
    /// extracted tree says "Not a directory".
    public static func namesADirectory(_ name: [UInt8]) -> Bool {
        name.last == UInt8(ascii: "/") || name == [UInt8(ascii: ".")]
            || (name.count >= 2 && name.suffix(2).elementsEqual([UInt8(ascii: "/"), UInt8(ascii: ".")]))
    }

    public mutating func begin(_ entry: TarEntry) throws(BaleError) {
        entries += 1
        if let warning = entry.dataSkippedWarning { notices.append(warning) }
        // A volume label or a continuation's part is not a whole file.
        var whole = true
        switch entry.special {
        case .volumeLabel?: whole = false
        case .continuation?, .paxContinuation?:
            // Extraction refuses it (exit 1), as GNU tar does: `verify`
            // said OK of an archive `unpack` fails (a probe helper).
            whole = false
            notices.append(.error(path: entry.displayName, TarEntry.Special.continuationRefusal))
        default: break
        }
        indexed = indexEntry(begun: entry)
        // A hard link names an entry before it, whose file extraction
        // links it to: one to a name no entry before it holds (`tar
        // --delete` of its target, damage to its name) cannot be
        // extracted, which `unpack` says with exit 1. `verify` said OK
        // (a probe helper: tar's archive with its target deleted).
        // A target extraction refuses (`..`), or names as a directory
        // (`t/a/`), is no entry's either.
        if entry.kind == .hardLink {
            let target = entry.linkTarget
            let cleanedTarget = Self.namesADirectory(target) ? nil : Self.key(target)
            if cleanedTarget.map({ linkableNames.contains($0.low) }) != true {
                // A link to an earlier directory entry has its target;
                // the system refuses to link a directory (EPERM, as
                // `unpack` and GNU tar say it): "which no entry before it
                // holds" was not so (a probe helper).
                let why = cleanedTarget.map { directoryNames.contains($0.low) } == true
                    ? "a directory: it cannot be linked" : "which no entry before it holds: it cannot be extracted"
                notices.append(.error(path: entry.displayName, "a hard link to \(TerminalText.name(target)), \(why)"))
            }
        }
        // The name as extraction cleans it, once: nil where it refuses it.
        let components = TarExtractor.components(entry.name)
        let parts: [[UInt8]]? = if case .success(let parts) = components, !parts.isEmpty { parts } else { nil }
        let prefixes = takesDigests && whole ? parts.map(NameKey.prefixes) : nil
        if let key = prefixes?.last?.key ?? parts.map(NameKey.init) {
            if entry.kind == .directory { directoryNames.insert(key.low) } else { linkableNames.insert(key.low) }
        }
        current = nil
        stored = entry.name
        if let prefixes, let name = prefixes.last?.key,
           !hasParentNotADirectory(prefixes), !recordsSomethingBelow(prefixes) || entry.kind == .directory {
            current = name
            switch entry.kind {
            case .file:
                extracted[name] = .fileNotHashed  // until `end`
            case .hardLink:
                extracted[name] = extracted(at: entry.linkTarget).map { target in
                    switch target {
                    case .file, .fileNotHashed: return target
                    case .directory, .other: return .other("a hard link to something not a regular file")
                    }
                } ?? .other("a hard link to a name not extracted before it")
            case .directory:
                extracted[name] = .directory
            case .symbolicLink:
                extracted[name] = .other("a symbolic link")
            case .fifo:
                extracted[name] = .other("a FIFO")
            case .characterDevice, .blockDevice:
                extracted[name] = .other("a device")
            }
            if entry.kind != .directory, let length = prefixes.last?.length { lengthsNotDirectories.insert(length) }
        }
        let hashing = takesDigests && current != nil && (!entry.isSparse || named.contains(current!))
        hasher = (hashing || indexed?.sha256 != nil) && entry.kind == .file && whole ? reusedHasher : nil
        hasher?.restart()  // a file whose reading stopped short left its bytes
    }

    /// The index's entry for the entry just begun, compared with it; nil
    /// when there is no index or it already disagreed.
    private mutating func indexEntry(begun entry: TarEntry) -> ArchiveIndex.Entry? {
        guard let index, indexDisagreement == nil else { return nil }
        switch index.compare(entry, number: entries - 1) {
        case .agrees(let recorded): return recorded
        case .differs(let difference):
            indexDisagreement = difference.worded
            return nil
        }
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
            if let current { extracted[current] = .file(digest: SHA256.Digest(digest)) }
            if indexDisagreement == nil, let recorded = indexed?.sha256, recorded != digest {
                indexDisagreement = "entry \(entries) (\(TerminalText.escaped(stored))): its content's SHA-256 "
                    + "differs from the index's"
            }
        }
        hasher = nil
    }

    /// The first difference between the index and a stream read whole:
    /// `indexDisagreement`, or an entry the index has and the stream lacks.
    public var indexVerdict: String? {
        guard let index, indexDisagreement == nil else { return indexDisagreement }
        return index.missing(afterStreamOf: entries)
    }

    public mutating func finish() -> [Diagnostic] { [] }
}

extension TarVerifier {
    /// A name as extraction cleans it, by 128 bits of hash of its
    /// components (two of Swift's seeded hashers, told apart by a salt):
    /// 16 bytes a name however long, where the name as an array, a key of
    /// the tree of components and a set's copy cost ~0.5 KiB a manifest
    /// line. The components are hashed one after another, each with its
    /// length, so a name's prefixes come out of one pass over it
    /// (`prefixes`): hashed each from its start, the prefixes of a name of
    /// 65,536 components (`TarExtractor.maximumDepth`) took gigabytes of hashing.
    struct NameKey: Hashable {
        var low: Int
        var high: Int

        /// The key of the name made of `parts`: the last of `prefixes`,
        /// without the others (the same hashers fed the same parts).
        init(_ parts: [[UInt8]]) {
            guard !parts.isEmpty else {
                self.init(low: 0, high: 0)
                return
            }
            var (low, high) = Self.seeded()
            for part in parts { Self.feed(part, to: &low, &high) }
            self.init(low: low.finalize(), high: high.finalize())
        }

        /// The two hashers before any part: each starts from its own value,
        /// so that the two halves of a key differ.
        private static func seeded() -> (Hasher, Hasher) {
            var low = Hasher(), high = Hasher()
            low.combine(0x4C4F)
            high.combine(0x4849)
            return (low, high)
        }

        /// Feeds one component to both hashers: its length, then its bytes
        /// in one call. (An array's own `hash(into:)` feeds them a byte at a
        /// time: 9% of `verify --manifest`'s time on a tree of 200,000
        /// small files.) The length first keeps `a/bc` apart from `ab/c`.
        @inline(__always)
        private static func feed(_ part: [UInt8], to low: inout Hasher, _ high: inout Hasher) {
            low.combine(part.count)
            high.combine(part.count)
            part.withUnsafeBytes { bytes in
                low.combine(bytes: bytes)
                high.combine(bytes: bytes)
            }
        }

        private init(low: Int, high: Int) {
            self.low = low
            self.high = high
        }

        /// The key and the length in bytes (slashes counted) of each
        /// prefix of the name made of `parts`, the shortest first, the
        /// whole name last.
        static func prefixes(_ parts: [[UInt8]]) -> [(key: NameKey, length: Int)] {
            var (low, high) = seeded()
            var result: [(key: NameKey, length: Int)] = []
            result.reserveCapacity(parts.count)
            var length = -1
            for part in parts {
                Self.feed(part, to: &low, &high)
                length += part.count + 1
                let (lowCopy, highCopy) = (low, high)
                result.append((NameKey(low: lowCopy.finalize(), high: highCopy.finalize()), length))
            }
            return result
        }
    }
}
