import Testing
@testable import BaleCore

/// An archive index's payload is read through windows as it is inflated
/// (`ArchiveIndexPayload.Window`), never whole. Tried on a made-up index
/// several windows long (40,000 entries, some names longer than a window,
/// symbolic links, owner names that change): every way of reading it
/// (every entry, the ends, a selection resumed from checkpoints, `list`'s
/// walk, `verify`'s walk with its digests) gives what was recorded, and a
/// payload damaged anywhere is refused as damaged, whatever record it
/// spoiled first.
@Suite struct IndexPayloadWindowTests {
    /// What the made-up index records of each entry, in order.
    struct Recorded: Equatable {
        var name: [UInt8]
        var kind: TarEntry.Kind
        var linkTarget: [UInt8]
        var userName: [UInt8]
        var header: UInt64
    }

    static let made: (blob: [UInt8], recorded: [Recorded], digests: [Int: [UInt8]]) = {
        var generator = SeededGenerator(seed: 23)
        var encoder = try! ArchiveIndexEncoder()
        var recorded: [Recorded] = []
        var digests: [Int: [UInt8]] = [:]
        var at: UInt64 = 0
        for number in 0..<40_000 {
            var name = Array(String(format: "dir%03d/file-%05d-", number / 300, number).utf8)
            name += (0..<Int.random(in: 0...24, using: &generator)).map { _ in UInt8.random(in: 97...122, using: &generator) }
            // Names longer than a window (256 KiB), in headers as long.
            if number % 9_000 == 4_321 { name += [UInt8](repeating: 0x6c, count: 300_000 + number) }
            let kind: TarEntry.Kind = number % 7 == 3 ? .symbolicLink : .file
            var entry = TarEntry(name: name, kind: kind, mode: 0o644, userID: 0, groupID: 0,
                                 modificationSeconds: 1_700_000_000 + Int64(number))
            entry.userName = Array((number / 10_000 % 2 == 0 ? "root" : "someone").utf8)
            entry.groupName = entry.userName
            if kind == .symbolicLink { entry.linkTarget = Array("../target-\(number)".utf8) }
            if kind == .file { entry.size = Int64.random(in: 0...3_000, using: &generator) }
            let headers = (UInt64(name.count) + 511) / 512 * 512 + 512
            let hasDigest = kind == .file && number % 5 == 0
            try! encoder.record(entry, headerAt: at, contentAt: at + headers, digestKey: hasDigest ? number : nil)
            recorded.append(Recorded(name: name, kind: kind, linkTarget: entry.linkTarget, userName: entry.userName, header: at))
            if hasDigest { digests[number] = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) } }
            at += headers + (UInt64(entry.size) + 511) / 512 * 512
        }
        // The stream ends as pack ends it: two zero blocks, padded to a record.
        at += UInt64(TarHeader.endOfArchive.count)
        at += UInt64(TarHeader.recordPadding(endingAt: Int64(at)))
        var members: [(length: UInt64, dataLength: UInt64)] = []
        var cut: UInt64 = 0
        while cut < at {
            let next = min(at, cut + (4 << 20))
            members.append((length: (next - cut) / 3 + 40, dataLength: next - cut))
            cut = next
        }
        // The encoder reads each digest in place, from storage of the caller's.
        let table = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: recorded.count * 32)
        defer { table.deallocate() }
        for (number, digest) in digests { _ = UnsafeMutableBufferPointer(rebasing: table[number * 32..<number * 32 + 32]).initialize(from: digest) }
        let blob = try! encoder.blob(members: members, streamLength: at) { key in
            digests[key] == nil ? nil : UnsafeBufferPointer(rebasing: table[key * 32..<key * 32 + 32])
        }
        return (blob, recorded, digests)
    }()

    static func payload(_ blob: [UInt8]) throws -> ArchiveIndexPayload {
        try blob.withUnsafeBytes { try ArchiveIndexPayload(blob: $0) }
    }

    @Test func theIndexIsSeveralWindowsLong() throws {
        let payload = try Self.payload(Self.made.blob)
        #expect(payload.length > 4 * ArchiveIndexPayload.Window.capacity)
        #expect(payload.damage() == nil)
    }

    @Test func everyWayOfReadingGivesWhatWasRecorded() throws {
        let (blob, recorded, digests) = Self.made
        let payload = try Self.payload(blob)
        let whole = try ArchiveIndexDecoder.decode(payload)
        #expect(whole.entries.count == recorded.count)
        for (entry, expected) in zip(whole.entries, recorded) {
            #expect(Recorded(name: entry.name, kind: entry.kind, linkTarget: entry.linkTarget, userName: entry.userName,
                             header: entry.headerStreamOffset) == expected)
        }
        #expect(whole.entries.indices.allSatisfy { whole.entries[$0].sha256 == digests[$0] })

        // The ends, made from checkpoints after the walk.
        let ends = try ArchiveIndexDecoder.decode(payload, keeping: .atTheEnds)
        #expect(!ends.entries.isEmpty && ends.entries.allSatisfy { whole.entry(atHeaderOffset: Int64($0.headerStreamOffset)) == $0 })
        #expect(ends.entries.last == whole.entries.last)

        // Selections far apart: one walk resumed from checkpoint to checkpoint.
        let picked = [3, 1_500, 4_321, 13_321, 22_321, 39_999].map { recorded[$0].name }
        let selected = try ArchiveIndexDecoder.decode(payload, keeping: .selectedBy(EntrySelection(paths: picked, patterns: [])))
        for name in picked {
            let entry = try #require(selected.entries.first { $0.name == name })
            #expect(whole.entry(atHeaderOffset: Int64(entry.headerStreamOffset)) == entry)
        }

        // `list`'s walk of the records, and `verify`'s, with the digests beside.
        let records = ArchiveIndexRecords(index: ends, payload: payload)
        var listed = 0
        records.forEach { record in
            let expected = recorded[record.number]
            #expect(record.number == listed && Array(record.name) == expected.name && Array(record.linkTarget) == expected.linkTarget
                    && Array(record.userName) == expected.userName)
            listed += 1
            return true
        }
        #expect(listed == recorded.count)
        let walk = ArchiveIndexDecoder.EntryWalk(records)
        for number in stride(from: 0, to: recorded.count, by: 5) {
            // A walk's entries do not say which member holds them.
            var expected = whole.entries[number]
            expected.headerMember = 0
            expected.headerOffset = 0
            #expect(walk.entry(number) == expected, "entry \(number)")
        }
    }

    /// Damage is found as damage: a changed byte of the deflate data, a
    /// wrong CRC-32 or length in the header. Before the windows, the whole
    /// payload was inflated and checked before any record was read; now a
    /// record the damage spoiled may fail first, and the payload is then
    /// read to its end to say why.
    @Test(arguments: ["byte", "crc", "longer", "shorter"])
    func damageIsNamedAsDamage(_ kind: String) throws {
        var blob = Self.made.blob
        let header = ArchiveIndexLayout.headerLength
        switch kind {
        case "byte": blob[header + 1_000] ^= 0x5a
        case "crc": blob[24] ^= 1
        case "longer": blob[8] &+= 1
        default: blob[8] &-= 1
        }
        let payload = try Self.payload(blob)
        let failure = try #require(payload.damage())
        #expect(failure.reason.contains("damaged") || failure.reason.contains("CRC-32"), "\(failure.reason)")
        #expect(throws: failure) { try ArchiveIndexDecoder.decode(payload) }
        #expect(throws: failure) { try ArchiveIndexDecoder.decode(payload, keeping: .atTheEnds) }
    }
}
