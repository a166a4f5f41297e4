import Testing
import Synchronization
@testable import BaleCore
import CSystem

#if canImport(Glibc)
import Glibc
#endif

/// The manifest's own sort and line writer against plain Swift: they are
/// written for speed (memcmp over one buffer, lines written in place), so
/// they are checked here against the obvious code on many names.
@Suite struct ManifestUnitTests {
    /// Random names over a small alphabet that makes prefixes, "/" against
    /// "-" and ".", bytes over 0x7F, and duplicates common.
    static func names(count: Int, seed: UInt64) -> [[UInt8]] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let alphabet: [UInt8] = [0x2D, 0x2E, 0x2F, 0x61, 0x62, 0x41, 0x80, 0xFF, 0x20, 0x5C, 0x0A, 0x0D]
        return (0..<count).map { _ in
            (0..<Int(next() % 6)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
        }
    }

    @Test(arguments: [0, 1, 2, 1000, 20_000])
    func sortedOrderIsByteOrder(count: Int) {
        let names = Self.names(count: count, seed: UInt64(count) + 7)
        let order = Manifest.sortedOrder(names)
        #expect(order.count == names.count)
        #expect(Set(order) == Set(names.indices))
        let expected = names.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(order.map { names[$0] } == expected)
    }

    @Test func alreadySortedNamesKeepTheirOrder() {
        let names = Self.names(count: 5000, seed: 3).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(Manifest.sortedOrder(names) == Array(names.indices))
    }

    /// Each line as sha256sum writes it, in order, whatever the block
    /// boundaries: the text made in 1 MiB blocks equals lines joined by
    /// plain code, also with a name longer than a block.
    @Test func textIsSha256sumLinesInOrder() {
        var entries = Manifest.Entries()
        // Unique, as paths are (the order of equal names is not defined).
        var seen = Set<[UInt8]>()
        var names = Self.names(count: 30_000, seed: 11).filter { seen.insert($0).inserted }
        names.append([UInt8](repeating: 0x5C, count: 1 << 20) + [0x61])  // 1 MiB of backslashes: a block of its own
        for (index, name) in names.enumerated() {
            let digest = (0..<32).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0) }
            entries.append(name: name, digest: digest)
        }
        var expected: [UInt8] = []
        let sorted = names.indices.sorted { names[$0].lexicographicallyPrecedes(names[$1]) }
        for index in sorted {
            let name = names[index]
            let escaped = name.contains(0x5C) || name.contains(0x0A) || name.contains(0x0D)
            if escaped { expected.append(0x5C) }
            let digest = entries.digests[(32 * index)..<(32 * index + 32)]
            expected += Array(SHA256.hex(Array(digest)).utf8) + [0x20, 0x20]
            for byte in name {
                switch byte {
                case 0x5C where escaped: expected += [0x5C, 0x5C]
                case 0x0A where escaped: expected += [0x5C, 0x6E]
                case 0x0D where escaped: expected += [0x5C, 0x72]
                default: expected.append(byte)
                }
            }
            expected.append(0x0A)
        }
        let text = Manifest.text(entries)
        #expect(text.count == expected.count)
        #expect(text == expected)
    }

    /// A manifest read a line at a time (`sum -c`) gives the entries and
    /// malformed lines that reading it whole gives, numbered alike,
    /// whatever falls across the 64 KiB reads: lines longer than a read,
    /// CRLF endings, comments, blank and malformed lines, a last line
    /// with no newline, the line form decided by the first line that tells.
    @Test(arguments: [false, true])
    func linesReadOneAtATimeAreTheWholeTextsLines(endsInNewline: Bool) throws {
        var entries = Manifest.Entries()
        var seen = Set<[UInt8]>()
        let names = Self.names(count: 20_000, seed: 5).filter { !$0.isEmpty && seen.insert($0).inserted }
            + [[UInt8](repeating: 0x61, count: 150_000), [UInt8](repeating: 0x5C, count: 70_000)]
        for (index, name) in names.enumerated() {
            entries.append(name: name, digest: (0..<32).map { UInt8(truncatingIfNeeded: index &+ $0) })
        }
        var text: [UInt8] = []
        for (index, line) in Manifest.text(entries).split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            switch index % 7 {
            case 1: text += Array("# a comment\n\n".utf8) + line
            case 2: text += Array("not a line\n".utf8) + line
            case 3: text += line + [0x0D]  // CRLF
            default: text += line
            }
            text.append(0x0A)
        }
        while text.last == 0x0A { text.removeLast() }
        if endsInNewline { text.append(0x0A) }
        var form = Manifest.LineForm()
        let whole = Manifest.parse(text, fromStandardInput: false, form: &form)

        let fd = bale_memfd_create("manifest")
        try #require(fd >= 0)
        defer { close(fd) }
        try FileIO.write(fd, text)
        lseek(fd, 0, SEEK_SET)
        var lines = ManifestLines(fd: fd, fromStandardInput: false)
        var lineForm = Manifest.LineForm()
        var read = Manifest.Checklist()
        while let line = try lines.next(form: &lineForm) {
            switch line {
            case .entry(let entry, let number):
                read.entries.append(entry)
                read.entryLines.append(number)
            case .misformatted(let number): read.misformattedLines.append(number)
            }
        }
        #expect(read.entries.count == whole.entries.count)
        #expect(read.entries.map(\.path) == whole.entries.map(\.path))
        #expect(read.entries.map(\.digest) == whole.entries.map(\.digest))
        #expect(read.entryLines == whole.entryLines)
        #expect(read.misformattedLines == whole.misformattedLines)
        #expect(whole.entries.count > names.count / 2 && whole.misformatted > names.count / 8, "\(whole.entries.count) \(whole.misformatted)")
    }
}

/// The pack's entry feed: the walk appends while the cutter and the
/// read-ahead threads read by index.
@Suite struct EntryFeedTests {
    static func entry(_ index: Int) -> PackEntry {
        PackEntry(header: TarEntry(name: Array("f\(index)".utf8), kind: .file, mode: 0o644, userID: 0, groupID: 0,
                                   modificationSeconds: Int64(index)),
                  source: Array("t/f\(index)".utf8))
    }

    @Test func readersSeeEveryEntryInOrderWhileTheWalkAppends() {
        let feed = EntryFeed()
        let seen = Mutex<[[Int64]]>([[], [], []])
        let readers = (0..<3).map { reader in
            JoinableThread {
                var index = 0
                while let entry = feed.entry(at: index) {
                    seen.withLock { $0[reader].append(entry.header.modificationSeconds) }
                    index += 1
                }
            }
        }
        var next = 0
        for batch in 0..<50 {
            #expect(feed.append((0..<(batch % 7 + 1)).map { _ in defer { next += 1 }; return Self.entry(next) }))
            if batch % 10 == 0 { usleep(2000) }
        }
        feed.finish()
        for reader in readers { reader.join() }
        let expected = (0..<next).map(Int64.init)
        seen.withLock { lists in
            for list in lists { #expect(list == expected) }
        }
        if case .end = feed.peek(next) {} else { Issue.record("past the last entry should be the end") }
    }

    @Test func cancelWakesAWaitingReaderAndStopsTheWalk() {
        let feed = EntryFeed()
        #expect(feed.append([Self.entry(0)]))
        let result = Mutex<String>("waiting")
        let reader = JoinableThread {
            let entry = feed.entry(at: 1)
            result.withLock { $0 = entry == nil ? "woken, no entry" : "an entry" }
        }
        usleep(50_000)
        #expect(result.withLock { $0 } == "waiting")
        if case .notYet = feed.peek(1) {} else { Issue.record("index 1 should not be there yet") }
        feed.cancel()
        reader.join()
        #expect(result.withLock { $0 } == "woken, no entry")
        #expect(!feed.append([Self.entry(1)]), "the walker is told to stop")
    }
}
