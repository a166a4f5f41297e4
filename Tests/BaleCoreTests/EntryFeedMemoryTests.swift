import Testing
import Synchronization
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// `EntryFeed` without `keepsEveryEntry` (`pack` without
/// `--remove-files`): an entry is dropped once the stream and the
/// read-ahead both passed it, and the walk waits while `walkAhead` are held,
/// until the feed is below three quarters of its bounds.
@Suite struct EntryFeedMemoryTests {
    /// A file entry whose modification time is its index (as `EntryFeedTests` makes them).
    static func entry(_ index: Int) -> PackEntry { EntryFeedTests.entry(index) }

    @Test func anEntryIsDroppedOnlyOnceBothReadersPassedIt() {
        let feed = EntryFeed(keepsEveryEntry: false, walkAhead: 100)
        #expect(feed.append((0..<4).map(Self.entry)))
        feed.passed(3, by: .stream)
        // The read-ahead is still at 0: everything is there.
        if case .entry(let first) = feed.peek(0) { #expect(first.header.modificationSeconds == 0) } else {
            Issue.record("entry 0 should still be there")
        }
        feed.passed(2, by: .readAhead)
        if case .entry(let third) = feed.peek(2) { #expect(third.header.modificationSeconds == 2) } else {
            Issue.record("entry 2 should still be there")
        }
        feed.finish()
        if case .end = feed.peek(4) {} else { Issue.record("past the last entry should be the end") }
    }

    @Test func theWalkWaitsWhileItIsTooFarAhead() {
        let feed = EntryFeed(keepsEveryEntry: false, walkAhead: 4)
        #expect(feed.append((0..<4).map(Self.entry)))
        let appended = Mutex(false)
        let walk = JoinableThread {
            _ = feed.append([Self.entry(4)])
            appended.withLock { $0 = true }
        }
        usleep(50_000)
        #expect(!appended.withLock { $0 }, "the walk should wait while 4 entries are held")
        // One dropped: not yet below three quarters of the bound (the
        // walker is not woken at every entry dropped).
        feed.passed(1, by: .stream)
        feed.passed(1, by: .readAhead)
        usleep(50_000)
        #expect(!appended.withLock { $0 }, "the walk should wait until the feed is below 3 of 4 entries")
        feed.passed(2, by: .stream)
        feed.passed(2, by: .readAhead)
        walk.join()
        #expect(appended.withLock { $0 })
        if case .entry(let last) = feed.peek(4) { #expect(last.header.modificationSeconds == 4) } else {
            Issue.record("entry 4 should be there")
        }
    }

    /// Entries with long names: the walk waits once their bytes reach the
    /// bound, however few they are, and goes on once enough are dropped;
    /// a batch larger than the bound goes into an empty feed (no wait for
    /// ever).
    @Test func theWalkWaitsWhileItsEntriesTakeTooManyBytes() {
        @Sendable func long(_ index: Int) -> PackEntry {
            var entry = Self.entry(index)
            entry.source = [UInt8](repeating: UInt8(ascii: "d"), count: 10_000)
            return entry
        }
        let feed = EntryFeed(keepsEveryEntry: false, walkAhead: 1_000, walkAheadBytes: 25_000)
        #expect(feed.append((0..<3).map(long)))  // larger than the bound, into an empty feed
        let appended = Mutex(false)
        let walk = JoinableThread {
            _ = feed.append([long(3)])
            appended.withLock { $0 = true }
        }
        usleep(50_000)
        #expect(!appended.withLock { $0 }, "the walk should wait while 3 entries of 10 KB are held")
        feed.passed(2, by: .stream)
        feed.passed(2, by: .readAhead)
        walk.join()
        #expect(appended.withLock { $0 })
        if case .entry(let last) = feed.peek(3) { #expect(last.header.modificationSeconds == 3) } else {
            Issue.record("entry 3 should be there")
        }
    }

    @Test func aFeedThatKeepsEveryEntryNeitherDropsNorWaits() {
        let feed = EntryFeed(keepsEveryEntry: true, walkAhead: 2)
        #expect(feed.append((0..<4).map(Self.entry)))
        feed.passed(4, by: .stream)
        feed.passed(4, by: .readAhead)
        #expect(feed.append([Self.entry(4)]))
        feed.finish()
        #expect(feed.all.map(\.header.modificationSeconds) == [0, 1, 2, 3, 4])
    }
}
