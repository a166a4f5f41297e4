import Testing
@testable import BaleCore

/// `cat` and `unpack ARCHIVE PATH...` decode from the index only the
/// entries their plan reads (`ArchiveIndexDecoder.Kept.selectedBy`): the
/// entries the names take, the files their hard links point to, the entry
/// after each, and every entry in the members they touch. The plan made
/// from that index must be the plan made from the whole index, entry for
/// entry, with the same names credited; and every entry the tar parser
/// passes in a segment (checked against the index, `IndexedTarSink`) must
/// be there as the whole index has it. Tried on an index of 6,000 entries
/// (checkpoints every 1,024) in 40 members, with directories, symbolic and
/// hard links, a name stored twice, and names and patterns of every kind.
@Suite struct SelectiveIndexDecodeTests {
    /// A made-up archive's index: its blob (the payload deflated, read
    /// through windows as an archive's is).
    static let blob: [UInt8] = {
        var generator = SeededGenerator(seed: 7)
        var encoder = try! ArchiveIndexEncoder()
        var at: UInt64 = 0
        var files: [[UInt8]] = []
        var count: UInt64 = 0
        var headers: [UInt64] = []
        func add(_ name: String, _ kind: TarEntry.Kind, size: Int64 = 0, target: [UInt8] = []) {
            var entry = TarEntry(name: Array(name.utf8), kind: kind, mode: 0o644, userID: 0, groupID: 0,
                                 modificationSeconds: 1_700_000_000)
            entry.size = size
            entry.linkTarget = target
            try! encoder.record(entry, headerAt: at, contentAt: at + 512)
            headers.append(at)
            at += 512 + (UInt64(size) + 511) / 512 * 512
            if kind == .file { files.append(entry.name) }
            count += 1
        }
        for directory in 0..<60 {
            add(String(format: "d%02d/", directory), .directory)
            for file in 0..<96 {
                let name = String(format: "d%02d/f%03d", directory, file)
                switch file % 24 {
                case 7 where !files.isEmpty:
                    add(name, .hardLink, target: files[Int.random(in: 0..<files.count, using: &generator)])
                case 11: add(name, .symbolicLink, target: Array("../x".utf8))
                default: add(name, .file, size: Int64.random(in: 0...6000, using: &generator))
                }
            }
            // A name stored twice (tar -r): the later copy counts for links after it.
            if directory == 20 { add("d03/f005", .file, size: 700) }
            if directory == 21 { add("d21/late", .hardLink, target: Array("d03/f005".utf8)) }
        }
        // The stream ends as pack ends it: two zero blocks, padded to a record.
        at += UInt64(TarHeader.endOfArchive.count)
        at += UInt64(TarHeader.recordPadding(endingAt: Int64(at)))
        // Members cut every ~300 KB of stream: every other one where that
        // falls, the others at the next entry's header (as pack cuts them).
        var members: [(length: UInt64, dataLength: UInt64)] = []
        var cut: UInt64 = 0
        while cut < at {
            var next = min(at, cut + 300_000 + UInt64.random(in: 0...50_000, using: &generator))
            if members.count % 2 == 1, let header = headers.first(where: { $0 >= next }) { next = header }
            members.append((length: (next - cut) / 3 + 40, dataLength: next - cut))
            cut = next
        }
        return try! encoder.blob(members: members, streamLength: at) { _ in nil }
    }()

    static func decode(_ kept: ArchiveIndexDecoder.Kept) throws -> ArchiveIndex {
        try blob.withUnsafeBytes { try ArchiveIndexDecoder.decode($0, keeping: kept) }
    }

    /// A plan told in header offsets, which mean the same in any index.
    struct Told: Equatable {
        var segments: [[String]]
        var members: [ClosedRange<Int>]
        var linkedTargets: Set<[UInt8]>
        var credits: [Int]
    }

    static func plan(_ index: ArchiveIndex, _ selection: EntrySelection) -> (Told, IndexedSelection) {
        var credited = selection
        let plan = IndexedSelection(index: index, selection: &credited)
        let segments = plan.segments.map { segment in
            segment.items.map { "\(index.entries[$0.entry].headerStreamOffset) \($0.delivery) \($0.start)-\($0.end)" }
        }
        return (Told(segments: segments, members: plan.segments.map(\.members), linkedTargets: plan.linkedTargets,
                     credits: credited.names.map(\.found)), plan)
    }

    static let selections: [(paths: [String], patterns: [String])] = [
        (["d30/f040"], []), (["d00/f000"], []), (["d59/f095"], []), (["d07"], []), (["d03/f005"], []),
        (["d21/late"], []), (["d10/f007", "d10/f031"], []), (["d10/f007"], ["d0*/f00[0-9]"]),
        (["d12/f011"], []), (["nothing/here"], []), (["d05/f001", "d05/f001"], []), (["d44/"], []),
        ([], ["d1?/f0*7"]), ([], ["*/f055"]), ([], ["d3[0-2]"]), ([], ["d5*"]),
    ]

    @Test func aPlanFromTheSelectedEntriesIsThePlanFromThemAll() throws {
        let whole = try Self.decode(.all)
        var generator = SeededGenerator(seed: 11)
        var tried = Self.selections
        // And names picked at random, each with the names of its neighbours.
        for _ in 0..<30 {
            let picked = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                whole.entries[Int.random(in: 0..<whole.entries.count, using: &generator)].name
            }
            tried.append((picked.map { String(decoding: $0, as: UTF8.self) }, []))
        }
        for (paths, patterns) in tried {
            let selection = EntrySelection(paths: paths.map { Array($0.utf8) }, patterns: patterns.map { Array($0.utf8) })
            let sparse = try Self.decode(.selectedBy(selection))
            #expect(sparse.members == whole.members && sparse.streamLength == whole.streamLength)
            // A few names keep a few members' entries (a pattern may match everywhere).
            #expect(!patterns.isEmpty || sparse.entries.count < whole.entries.count / 4, "\(paths): \(sparse.entries.count) kept")
            let (expected, wholePlan) = Self.plan(whole, selection)
            let (got, _) = Self.plan(sparse, selection)
            #expect(got == expected, "\(paths) \(patterns)")
            // Every entry the parser passes in a segment, as the whole index has it.
            for segment in wholePlan.segments {
                for entry in whole.entries where Int64(entry.headerStreamOffset) >= segment.start
                    && Int64(entry.headerStreamOffset) < segment.end {
                    #expect(sparse.entry(atHeaderOffset: Int64(entry.headerStreamOffset)) == entry,
                            "\(paths) \(patterns): \(String(decoding: entry.name, as: UTF8.self))")
                }
            }
        }
    }
}

/// A small reproducible generator (SplitMix64) for made-up archives.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
