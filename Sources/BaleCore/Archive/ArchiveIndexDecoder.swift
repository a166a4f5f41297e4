#if canImport(Glibc)
import Glibc
#endif

/// Reads an archive index's bytes (`ArchiveIndexLayout`) back into an
/// `ArchiveIndex`, trusting nothing: the bytes come from a file that
/// anyone may have damaged or forged.
///
/// Every length is checked against the bytes there are before anything is
/// allocated from it (the payload against deflate's best ratio and a cap,
/// each count against the bytes left), the payload's CRC-32 against the
/// header's, and the index against itself: members contiguous and within
/// bale's member limits, their data adding up to the stream's length,
/// every header inside the stream and right after the previous entry's
/// data (after a sparse file's, anywhere past its header, the map's length
/// not being recorded), digests only for regular files, nothing left
/// over. What fails is a `Failure` with a reason worded for a warning;
/// never a crash or an allocation larger than the payload's declared
/// length (at most `ArchiveIndexLayout.maximumPayloadLength`).
///
/// Member offsets come out counted from the stream's first byte, which in
/// an indexed archive is the file's (`ArchiveIndexReader`).
public enum ArchiveIndexDecoder {
    /// Why an index cannot be used.
    public struct Failure: Error, Equatable, Sendable {
        public var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Decodes the blob `bytes` (the index members' pieces joined), with
    /// the entries `kept` says.
    public static func decode(_ bytes: UnsafeRawBufferPointer, keeping kept: Kept = .all) throws(Failure) -> ArchiveIndex {
        try decode(ArchiveIndexPayload(blob: bytes), keeping: kept)
    }

    /// Decodes an archive's index payload, inflated a window at a time
    /// (`ArchiveIndexPayload`), with the entries `kept` says; `expected` as
    /// in `decode(payload:entries:keeping:streamLength:)`. A payload whose
    /// deflate data is damaged, or whose CRC-32 fails, is refused as such,
    /// even when a record it spoiled was found wrong first.
    public static func decode(_ payload: ArchiveIndexPayload, keeping kept: Kept = .all,
                              streamLength expected: UInt64 = UInt64(Int64.max)) throws(Failure) -> ArchiveIndex {
        do {
            return try decode(.deflated(payload, checksummed: true), entries: payload.entryCount, keeping: kept,
                              streamLength: expected)
        } catch {
            throw payload.damage() ?? error
        }
    }

    /// Where a walk reads a payload: a buffer that holds it whole (the
    /// fuzzer's payloads, `decode(payload:entries:keeping:streamLength:)`),
    /// or an archive's index, inflated as it is read.
    ///
    /// A deflated payload's CRC-32 is checked on its first reading, the
    /// one that decodes it (`checksummed`); the walks after it read the
    /// same bytes, kept unchanged in memory, and skip the CRC-32 (4.5% of
    /// `list`'s time with 200,000 entries, where each reading costs ~4%).
    enum Source {
        case whole(UnsafeRawBufferPointer)
        case deflated(ArchiveIndexPayload, checksummed: Bool)

        var length: Int {
            switch self {
            case .whole(let bytes): bytes.count
            case .deflated(let payload, _): payload.length
            }
        }

        /// The same payload, for a walk after the first.
        var readAgain: Source {
            guard case .deflated(let payload, _) = self else { return self }
            return .deflated(payload, checksummed: false)
        }
    }

    /// Reads the payload's numbers and strings, each checked against the
    /// bytes left.
    ///
    /// Each read takes the label a failure would name (`what`) as an
    /// autoclosure: it is built only when the read fails. Built eagerly,
    /// the labels of a large index's fields ("entry 24487's user name")
    /// were a tenth of `list`'s and `cat`'s time, for messages that almost
    /// never come.
    ///
    /// A deflated payload is read through a window (`ArchiveIndexPayload.Window`):
    /// the bytes at hand are the window's, and a read that needs more
    /// refills it, which moves the bytes not yet read to its front. So a
    /// slice is valid until the next read, and copies of a cursor share
    /// its window: only one of them may go on reading.
    struct Cursor {
        /// The bytes at hand: the whole payload, or the window's.
        private(set) var bytes: UnsafeRawBufferPointer
        /// The next byte's place in `bytes`.
        private var offset = 0
        /// Where `bytes` begins in the payload.
        private var base = 0
        private let length: Int
        private let window: ArchiveIndexPayload.Window?

        /// A cursor at byte `position` of the payload `source`.
        init(_ source: Source, at position: Int = 0) throws(Failure) {
            switch source {
            case .whole(let payload):
                bytes = payload
                length = payload.count
                window = nil
            case .deflated(let payload, let checksummed):
                let window = try ArchiveIndexPayload.Window(payload, checksummed: checksummed)
                self.window = window
                bytes = window.bytes
                length = payload.length
            }
            try skip(to: position)
        }

        /// Where the next byte lies in the payload.
        var position: Int { base + offset }

        var remaining: Int { length - position }

        /// Makes the next `count` bytes (or all those left, if fewer)
        /// contiguous at hand.
        private mutating func need(_ count: Int) throws(Failure) {
            guard bytes.count - offset < count, let window else { return }
            try window.refill(passing: offset, atLeast: min(count, remaining))
            base += offset
            offset = 0
            bytes = window.bytes
        }

        /// Moves on to byte `position` of the payload, at or after the
        /// cursor's (a whole payload's cursor may move anywhere).
        mutating func skip(to position: Int) throws(Failure) {
            guard let window else {
                offset = position
                return
            }
            precondition(position >= self.position, "a window only moves forward")
            let passed = position - base
            if passed <= bytes.count {
                offset = passed
                return
            }
            try window.skip(passed)
            base = position
            offset = 0
            bytes = window.bytes
        }

        /// A varint; most of an index's are one byte (read here, without
        /// the loop of the longer ones).
        @inline(__always)
        mutating func varint(_ what: @autoclosure () -> String) throws(Failure) -> UInt64 {
            if offset < bytes.count, bytes[offset] < 0x80 {
                defer { offset += 1 }
                return UInt64(bytes[offset])
            }
            return try longVarint(what())
        }

        private mutating func longVarint(_ what: @autoclosure () -> String) throws(Failure) -> UInt64 {
            // A varint takes at most 10 bytes: at hand, the loop need not ask.
            if bytes.count - offset < 10 { try need(10) }
            var value: UInt64 = 0
            for shift in stride(from: UInt64(0), to: 70, by: 7) {
                guard offset < bytes.count else { throw Failure("the index ends inside \(what())") }
                let byte = bytes[offset]
                offset += 1
                let bits = UInt64(byte & 0x7f)
                guard shift < 64, shift == 0 || bits >> (64 - shift) == 0 else {
                    throw Failure("the index's \(what()) is out of range")
                }
                value |= bits << shift
                if byte & 0x80 == 0 { return value }
            }
            throw Failure("the index's \(what()) is out of range")
        }

        @inline(__always)
        mutating func number(_ what: @autoclosure () -> String, atMost limit: UInt64) throws(Failure) -> UInt64 {
            let value = try varint(what())
            guard value <= limit else { throw Failure("the index's \(what()) \(value) is out of range") }
            return value
        }

        @inline(__always)
        mutating func byte(_ what: @autoclosure () -> String) throws(Failure) -> UInt8 {
            if offset == bytes.count { try need(1) }
            guard offset < bytes.count else { throw Failure("the index ends inside \(what())") }
            defer { offset += 1 }
            return bytes[offset]
        }

        /// The next `count` bytes (at most a window's size: a digest), without
        /// copying them: valid until the next read.
        @inline(__always)
        mutating func slice(_ count: Int, _ what: @autoclosure () -> String) throws(Failure) -> UnsafeRawBufferPointer {
            guard count <= remaining else { throw Failure("the index ends inside \(what())") }
            try need(count)
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        }

        /// The next `count` bytes, after the first `kept` that `held`
        /// holds: copied a window's worth at a time, so that a long string
        /// never makes the window grow (a forged index's name of 60 MiB had
        /// each walk hold it twice, in the window and in the copy).
        mutating func copy(_ count: Int, into held: HeldBytes, keeping kept: Int,
                           _ what: @autoclosure () -> String) throws(Failure) {
            guard count <= remaining else { throw Failure("the index ends inside \(what())") }
            held.start(keeping: kept, room: count)
            var left = count
            while left > 0 {
                if offset == bytes.count { try need(min(left, ArchiveIndexPayload.Window.capacity)) }
                let take = min(left, bytes.count - offset)
                held.append(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
                offset += take
                left -= take
            }
        }

        /// A string's length, checked against the bytes left and against
        /// `limit` (failing with `tooLong`) before any of its bytes is read
        /// or room is made for them (`copy`).
        @inline(__always)
        mutating func stringLength(_ what: @autoclosure () -> String, atMost limit: UInt64,
                                   else tooLong: @autoclosure () -> String) throws(Failure) -> Int {
            let count = try varint(what())
            guard count <= UInt64(remaining) else { throw Failure("the index ends inside \(what())") }
            guard count <= limit else { throw Failure(tooLong()) }
            return Int(count)
        }
    }

    /// Bytes a walk keeps past the read they came from (a window moves
    /// on): a buffer reused from record to record, grown when a string is
    /// longer than any before. A class, owned by one walk (`Records`).
    final class HeldBytes {
        private var buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var count = 0

        init(capacity: Int = 64) { buffer = .allocate(capacity: capacity) }

        deinit { buffer.deallocate() }

        /// The bytes held, valid until they change.
        var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buffer[..<count]) }

        /// Keeps the first `kept` bytes held, with room for `room` more
        /// after them (`append`). The buffer grows for a longer string, and
        /// shrinks back once the strings are far shorter again (a forged
        /// name of 60 MiB before short ones is not kept for the run).
        func start(keeping kept: Int, room: Int) {
            precondition(kept <= count)
            let needed = kept + room
            if needed > buffer.count || (buffer.count > 64 << 10 && needed < buffer.count / 4) {
                let resized = UnsafeMutableBufferPointer<UInt8>.allocate(
                    capacity: needed > buffer.count ? max(2 * buffer.count, needed) : max(64, 2 * needed))
                _ = resized.initialize(from: buffer[..<kept])
                buffer.deallocate()
                buffer = resized
            }
            count = kept
        }

        /// Puts `piece` after the bytes held, in the room `start` made.
        func append(_ piece: UnsafeRawBufferPointer) {
            precondition(count + piece.count <= buffer.count)
            if let source = piece.baseAddress, !piece.isEmpty {
                UnsafeMutableRawPointer(buffer.baseAddress! + count).copyMemory(from: source, byteCount: piece.count)
            }
            count += piece.count
        }

        /// Keeps the first `kept` bytes held and puts `tail` after them.
        func set(keeping kept: Int, then tail: UnsafeRawBufferPointer) {
            start(keeping: kept, room: tail.count)
            append(tail)
        }

        /// Holds nothing, in a small buffer again.
        func clear() { start(keeping: 0, room: 0) }

        /// Holds `bytes` (nothing kept of what was held).
        func set(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { set(keeping: 0, then: $0) }
        }
    }

    /// The entry records at the start of a payload, read one after the
    /// other, each checked against the bytes left and against the one
    /// before: the one reading of the entries' layout, for `decode` (which
    /// makes entries of them) and for `list` (which prints them in place).
    ///
    /// Not copyable: it owns the buffers its records' strings are kept in
    /// (reused from record to record, no allocation per name).
    public struct Records: ~Copyable {
        private var cursor: Cursor
        /// The records there are, and the next one's number.
        public let count: UInt64
        private var nextNumber: UInt64 = 0
        private var headerBlock: UInt64 = 0
        /// The block where the last record's data begins: the next
        /// record's header cannot come before it.
        private var contentBlock: UInt64 = 0
        /// The most blocks the stream may hold (`init`'s `streamLength`).
        private let blockLimit: UInt64
        /// The last name: the next one's prefix is taken from it.
        private let name = HeldBytes(capacity: 256)
        /// The last record's link target, and the owner names of the
        /// last record that had its own (`hasOwners`).
        private let link = HeldBytes()
        private let userName = HeldBytes()
        private let groupName = HeldBytes()
        private var hasOwners = false

        /// The `count` records at the start of `payload`, which must stay
        /// valid while they are read, of a tar stream of at most
        /// `streamLength` bytes (when known: what the end member records).
        public init(payload: UnsafeRawBufferPointer, count: UInt64,
                    streamLength: UInt64 = UInt64(Int64.max)) throws(Failure) {
            try self.init(.whole(payload), count: count, streamLength: streamLength)
        }

        /// The records of an archive's index payload that passed its
        /// checks (`decode`), read again as it is inflated again.
        public init(checkedPayload payload: ArchiveIndexPayload) throws(Failure) {
            try self.init(.deflated(payload, checksummed: false), count: payload.entryCount)
        }

        /// The `count` records at the start of `source`.
        ///
        /// Each record's strings are checked against its headers' length
        /// and each record's data position against `streamLength`, record
        /// by record, before a string is read: a name longer than 512
        /// bytes is in the stream too, in a pax or long-name header before
        /// the entry's last header block (and so are a long link target
        /// and owner names), so the strings of an index that holds together
        /// take no more bytes than the stream. Names are stored as a prefix
        /// of the one before and a tail: unchecked, a forged index of 156
        /// KB whose names shared one long prefix expanded to 4.8 GiB of
        /// names (`verify`).
        init(_ source: Source, count: UInt64, streamLength: UInt64 = UInt64(Int64.max)) throws(Failure) {
            let blockLimit = min(streamLength, UInt64(Int64.max)) / ArchiveIndexLayout.blockSize
            // No count may promise more than the bytes left can hold, nor
            // more entries than the stream has blocks (each has a header).
            guard count <= UInt64(source.length) / ArchiveIndexLayout.minimumEntryLength, count <= blockLimit else {
                throw Failure("the index records \(count) entries, more than it can hold")
            }
            cursor = try Cursor(source)
            self.count = count
            self.blockLimit = blockLimit
        }

        /// The cursor after the last record, once all are read: where the
        /// payload's tables go on. It shares the walk's window, so the walk
        /// must not go on.
        var cursorAfterRecords: Cursor { cursor }

        /// Where a walk stands between two records: what reading on from
        /// there needs of the records before (`init(_:resumingAt:)`).
        struct Checkpoint {
            fileprivate var position: Int
            fileprivate var count: UInt64
            /// The number of the next record.
            var nextNumber: UInt64
            fileprivate var headerBlock: UInt64
            fileprivate var contentBlock: UInt64
            fileprivate var blockLimit: UInt64
            fileprivate var name: [UInt8]
            fileprivate var owners: (user: [UInt8], group: [UInt8])?
        }

        /// True when the next record's number is a multiple of `spacing`
        /// (and there is one).
        func checkpoint(every spacing: UInt64) -> Bool { nextNumber < count && nextNumber % spacing == 0 }

        /// Where this walk stands.
        var checkpoint: Checkpoint {
            Checkpoint(position: cursor.position, count: count, nextNumber: nextNumber, headerBlock: headerBlock,
                       contentBlock: contentBlock, blockLimit: blockLimit, name: Array(name.bytes),
                       owners: hasOwners ? (Array(userName.bytes), Array(groupName.bytes)) : nil)
        }

        /// The records of `source` from `checkpoint` on, taken by a walk
        /// of the same payload.
        init(_ source: Source, resumingAt checkpoint: Checkpoint) throws(Failure) {
            var cursor = try Cursor(source)
            try cursor.skip(to: checkpoint.position)
            self.cursor = cursor
            count = checkpoint.count
            blockLimit = checkpoint.blockLimit
            restore(checkpoint)
        }

        /// Goes on from `checkpoint`, taken by a walk of the same payload,
        /// at or after where this one stands (a window moves forward only).
        mutating func resume(at checkpoint: Checkpoint) throws(Failure) {
            try cursor.skip(to: checkpoint.position)
            restore(checkpoint)
        }

        /// The walk's state at `checkpoint`, but for the cursor's place.
        private mutating func restore(_ checkpoint: Checkpoint) {
            nextNumber = checkpoint.nextNumber
            headerBlock = checkpoint.headerBlock
            contentBlock = checkpoint.contentBlock
            name.set(checkpoint.name)
            hasOwners = checkpoint.owners != nil
            if let owners = checkpoint.owners {
                userName.set(owners.user)
                groupName.set(owners.group)
            }
        }

        /// The next record, valid until the next call (its strings are in
        /// this walk's buffers); nil after the last.
        public mutating func next() throws(Failure) -> ArchiveIndexRecord? {
            guard nextNumber < count else {
                // Past the last: what the strings took is given back (the
                // walk's cursor may still be read, by `decode`).
                for strings in [name, link, userName, groupName] { strings.clear() }
                return nil
            }
            let number = nextNumber
            nextNumber += 1
            let block = ArchiveIndexLayout.blockSize
            let positionLimit = UInt64(Int64.max) / block  // no position past this, so no sum overflows
            // For messages only, so built only for one (`Cursor`).
            var what: String { "entry \(number)" }
            let step = try cursor.number("\(what)'s position", atMost: positionLimit - headerBlock)
            // bale's tar stream begins with its first entry (no global
            // header): an index that starts later has lost entries.
            guard number > 0 || step == 0 else { throw Failure("the index's first entry does not begin the tar stream") }
            guard number == 0 || step >= 1 else { throw Failure("the index's \(what) does not come after the one before") }
            headerBlock += step
            // The checks `decode` makes of every entry's place again, against
            // the members, made here too, as each record is read: what is made
            // of the records stays within the stream's length.
            guard headerBlock >= contentBlock else { throw Failure("the index's \(what) begins inside the entry before it") }
            let contentStep = try cursor.number("\(what)'s data position", atMost: positionLimit - headerBlock)
            guard contentStep >= 1 else { throw Failure("the index's \(what) has its data before its header") }
            guard headerBlock + contentStep <= blockLimit else { throw Failure("the index's \(what) lies outside the tar stream") }
            contentBlock = headerBlock + contentStep
            // What the entry's headers can hold of its strings: no more than
            // its blocks, nor than an extended header bale reads (64 MiB,
            // `TarReader.maximumExtendedSize`): a forged index's string as
            // long as the stream its members claim (1,032 times their bytes)
            // has no header to come from.
            let headers = min(contentStep * block, UInt64(TarReader.maximumExtendedSize))
            guard let kind = ArchiveIndexLayout.kind(number: UInt64(try cursor.byte("\(what)'s type"))) else {
                throw Failure("the index's \(what) has an unknown type")
            }
            let flags = try cursor.byte("\(what)'s flags")
            guard flags & ~(ArchiveIndexLayout.sparseFlag | ArchiveIndexLayout.sameOwnerNamesFlag) == 0,
                  flags & ArchiveIndexLayout.sparseFlag == 0 || kind == .file else {
                throw Failure("the index's \(what) has unknown flags")
            }
            let mode = try cursor.number("\(what)'s mode", atMost: 0o7777)
            let size = try cursor.number("\(what)'s size", atMost: kind == .file ? UInt64(Int64.max) : 0)
            let seconds = ArchiveIndexLayout.unzigzag(try cursor.varint("\(what)'s time"))
            let nanoseconds = try cursor.number("\(what)'s nanoseconds", atMost: 999_999_999)
            let userID = try cursor.number("\(what)'s uid", atMost: UInt64(UInt32.max))
            let groupID = try cursor.number("\(what)'s gid", atMost: UInt64(UInt32.max))
            if flags & ArchiveIndexLayout.sameOwnerNamesFlag == 0 {
                for (owner, label) in [(userName, "user name"), (groupName, "group name")] {
                    let length = try cursor.stringLength("\(what)'s \(label)", atMost: headers,
                                                         else: "the index's \(what) has a \(label) longer than its headers")
                    try cursor.copy(length, into: owner, keeping: 0, "\(what)'s \(label)")
                }
                hasOwners = true
            }
            guard hasOwners else { throw Failure("the index's \(what) refers to owner names before any") }
            // The name: the previous one's first `shared` bytes (checked
            // with it), then its own. A name longer than a header block is
            // in a pax or long-name header of the entry's own: within its
            // headers.
            let shared = Int(try cursor.number("\(what)'s name", atMost: UInt64(name.count)))
            let ownLength = try cursor.stringLength("\(what)'s name", atMost: headers - UInt64(min(UInt64(shared), headers)),
                                                    else: "the index's \(what) has a name longer than its headers")
            guard UInt64(shared) <= headers else { throw Failure("the index's \(what) has a name longer than its headers") }
            try cursor.copy(ownLength, into: name, keeping: shared, "\(what)'s name")
            // memchr, not `contains`: a byte loop of its own was a sixth of the walk.
            guard name.count > 0, ownLength == 0 || memchr(name.bytes.baseAddress! + shared, 0, ownLength) == nil else {
                throw Failure("the index's \(what) has no valid name")
            }
            let linkLength = try cursor.stringLength("\(what)'s link target", atMost: headers,
                                                     else: "the index's \(what) has a link target longer than its headers")
            guard linkLength == 0 || kind == .symbolicLink || kind == .hardLink else {
                throw Failure("the index's \(what) has a link target and is no link")
            }
            try cursor.copy(linkLength, into: link, keeping: 0, "\(what)'s link target")
            var major: UInt64 = 0, minor: UInt64 = 0
            if kind == .characterDevice || kind == .blockDevice {
                major = try cursor.number("\(what)'s device", atMost: UInt64(UInt32.max))
                minor = try cursor.number("\(what)'s device", atMost: UInt64(UInt32.max))
            }
            return ArchiveIndexRecord(
                    number: Int(number), kind: kind, isSparse: flags & ArchiveIndexLayout.sparseFlag != 0,
                    mode: UInt32(mode), size: size, modificationSeconds: seconds,
                    modificationNanoseconds: Int32(nanoseconds), userID: UInt32(userID), groupID: UInt32(groupID),
                    userName: userName.bytes, groupName: groupName.bytes, name: name.bytes, linkTarget: link.bytes,
                    deviceMajor: UInt32(major), deviceMinor: UInt32(minor),
                    headerStreamOffset: headerBlock * block, contentStreamOffset: (headerBlock + contentStep) * block)
        }
    }

    /// How many records apart `decode` keeps checkpoints of its walk.
    static let checkpointSpacing: UInt64 = 1024

    /// Which entries `decode` makes.
    public enum Kept: Sendable {
        /// Every entry.
        case all
        /// Those whose headers lie in the first and the last members
        /// (`IndexedMemberReader.disagreementAtTheEnds` reads no other),
        /// and each sparse file with the entry after it (`hiddenEntry`):
        /// the index `list` checks against the stream before it prints
        /// every entry from the payload's records.
        case atTheEnds
        /// What `IndexedSelection` reads for the names a selection takes
        /// (`cat`, `unpack ARCHIVE PATH...`): the entries it takes, the
        /// regular files of the names its hard links point to, the entry
        /// after each of those (where its span ends), every sparse file
        /// (`IndexedMemberReader.hiddenEntry` reads them), and every entry whose
        /// header lies in a member their spans touch (the entries the tar
        /// parser passes on the way, each checked against the index). Made
        /// into entries, all 48,846 of the bench's archive were most of a
        /// `cat` of one file; its records are read in place instead.
        case selectedBy(EntrySelection)

        /// True for every entry made.
        var makesAll: Bool {
            if case .all = self { return true }
            return false
        }
    }

    /// An entry's place, all that the checks of the index against itself
    /// need of it: kept for every entry when only the ends are made into
    /// entries (32 bytes, no names).
    private struct Placement {
        var header: UInt64
        var content: UInt64
        var size: UInt64
        var isFile: Bool
        /// True for a sparse regular file: its data takes less than `size`
        /// bytes in the stream, and more than its map says (the index
        /// holds neither), so its end is not known from the index alone.
        var isSparse: Bool
        var member: Int32 = 0

        /// True for a regular file stored whole: its data takes `size`
        /// bytes in the stream.
        var isStoredWhole: Bool { isFile && !isSparse }

        init(header: UInt64, content: UInt64, kind: TarEntry.Kind, size: UInt64, isSparse: Bool) {
            self.header = header
            self.content = content
            self.size = size
            isFile = kind == .file
            self.isSparse = isFile && isSparse
        }

        /// Entry `number`'s place, its fields read one by one (a copy of
        /// the entry would retain and release its arrays).
        init(of entries: [ArchiveIndex.Entry], _ number: Int) {
            self.init(header: entries[number].headerStreamOffset, content: entries[number].contentStreamOffset,
                      kind: entries[number].kind, size: entries[number].size, isSparse: entries[number].isSparse)
        }
    }

    /// The index in `payload` (the blob's content, inflated), which
    /// begins with `entries` entries, checked against itself; with
    /// `kept`, which of the entries it holds (members, stream length and
    /// checks are the same for all). `expected`, the stream's length when
    /// known (the end member's record): no record may place an entry past
    /// it, checked as each is read, so that a forged index allocates no
    /// more than the stream it claims to describe (see `Records.init`).
    public static func decode(payload: UnsafeRawBufferPointer, entries entryCount: UInt64,
                              keeping kept: Kept = .all,
                              streamLength expected: UInt64 = UInt64(Int64.max)) throws(Failure) -> ArchiveIndex {
        try decode(.whole(payload), entries: entryCount, keeping: kept, streamLength: expected)
    }

    /// The one decoding of an index, from either source.
    private static func decode(_ payload: Source, entries entryCount: UInt64, keeping kept: Kept,
                               streamLength expected: UInt64) throws(Failure) -> ArchiveIndex {
        var records = try Records(payload, count: entryCount, streamLength: expected)
        // The entries first, as recorded: their positions are checked
        // against the stream and its members, which follow them. Every
        // entry made, or for `.atTheEnds` every entry's place.
        let makesAll = kept.makesAll
        var placements: [Placement] = []
        var entries: [ArchiveIndex.Entry] = []
        // Room made ahead for as many as a large honest index holds: a
        // forged count (up to a payload's 1 GiB over 13 bytes) would
        // reserve gigabytes before its first record is read.
        let expectedCount = Int(min(entryCount, 1 << 20))
        if makesAll { entries.reserveCapacity(expectedCount) } else { placements.reserveCapacity(expectedCount) }
        var owners: ([UInt8], [UInt8])?
        // Where the walk stood every `checkpointSpacing` records, when not
        // every entry is made: the entries kept are read again from the
        // last checkpoint before them, not from the first record.
        var checkpoints: [Records.Checkpoint] = []
        // For `.selectedBy`, the entries the selection takes, and the names
        // its hard links point to.
        var taken: [Int] = []
        var linkTargets: Set<[UInt8]> = []
        while true {
            if !makesAll, records.checkpoint(every: checkpointSpacing) { checkpoints.append(records.checkpoint) }
            guard let record = try records.next() else { break }
            if makesAll {
                entries.append(makeEntry(record, owners: &owners))
                continue
            }
            placements.append(Placement(header: record.headerStreamOffset, content: record.contentStreamOffset,
                                        kind: record.kind, size: record.size, isSparse: record.isSparse))
            if case .selectedBy(let selection) = kept, selection.wouldSelect(record.name) {
                taken.append(record.number)
                if record.kind == .hardLink { linkTargets.insert(Array(record.linkTarget)) }
            }
        }
        var cursor = records.cursorAfterRecords

        let streamLength = try cursor.number("stream length", atMost: UInt64(Int64.max))
        // Each member takes at least 2 bytes.
        let memberCount = try cursor.number("member count", atMost: UInt64(cursor.remaining / 2))
        var members: [ArchiveIndex.Member] = []
        members.reserveCapacity(Int(memberCount))
        var offset: UInt64 = 0, dataStart: UInt64 = 0
        for number in 0..<memberCount {
            let length = try cursor.varint("member \(number)'s length")
            let dataLength = try cursor.varint("member \(number)'s data length")
            guard length >= UInt64(GzipMember.headerLength + GzipMember.trailerLength),
                  length <= UInt64(GzipMember.maximumMemberLength),
                  dataLength <= UInt64(GzipMember.maximumDataLength),
                  dataLength <= length * ArchiveIndexLayout.maximumDeflateRatio else {
                throw Failure("the index's member \(number) has sizes no member of bale's has")
            }
            members.append(ArchiveIndex.Member(offset: offset, length: length, dataStart: dataStart, dataLength: dataLength))
            offset += length
            dataStart += dataLength
        }
        guard dataStart == streamLength else {
            throw Failure("the index's members hold \(dataStart) bytes of data, and it records a stream of \(streamLength)")
        }
        var index = ArchiveIndex(members: members, entries: [], streamLength: streamLength)

        // Each entry inside the stream, after the previous entry's data
        // (a regular file's data must fit before the next header; a sparse
        // one stores less than its size, at least its map), in its member.
        let block = ArchiveIndexLayout.blockSize
        var endOfLast: UInt64 = 0
        var lastEndIsExact = true
        for number in 0..<Int(entryCount) {
            var what: String { "entry \(number)" }
            let place = makesAll ? Placement(of: entries, number) : placements[number]
            let headerAt = place.header, contentAt = place.content
            guard contentAt <= streamLength, let member = index.member(holding: headerAt) else {
                throw Failure("the index's \(what) lies outside the tar stream")
            }
            guard headerAt >= endOfLast else {
                throw Failure("the index's \(what) begins inside the entry before it")
            }
            // pack writes its entries one after another: a gap after an
            // entry whose stored bytes are known (all but a sparse file,
            // whose map's length the index does not hold) would hold
            // bytes no entry accounts for, such as end-of-archive blocks
            // with entries after them that tar never reads (a forged
            // index listed them, and `cat` wrote them, exit 0: a reading
            // helper). The members' checks begin at the first header in
            // a member and would not see them.
            guard number == 0 || !lastEndIsExact || headerAt == endOfLast else {
                throw Failure("the index's \(what) does not begin where the entry before it ends")
            }
            lastEndIsExact = !place.isFile || place.isStoredWhole
            var stored: UInt64 = 0
            if place.isStoredWhole {
                let size = place.size
                guard size <= streamLength - contentAt else {
                    throw Failure("the index's \(what) runs past the tar stream")
                }
                stored = (size + block - 1) / block * block
            }
            endOfLast = contentAt + stored
            if makesAll {
                entries[number].headerMember = member
                entries[number].headerOffset = headerAt - members[member].dataStart
            } else {
                placements[number].member = Int32(member)
            }
        }
        // pack ends the stream right after its last entry: the two zero
        // blocks, padded to tar's 10,240-byte records. An index that lacks
        // its last entries (rewritten, checksums and all) ends short of
        // the stream it records: `cat` and a named `unpack`, which read
        // only the members they need, took an earlier copy of a name a
        // lost entry held again, exit 0, where tar takes the later (a
        // probe helper's forgery; `list`, which reads the last member,
        // warned). Not known after a sparse file, whose map's length the
        // index does not hold, nor where what was left out fits in the
        // last record's padding (`list` reads the last member, `verify`
        // every header).
        index.endOfEntries = lastEndIsExact ? endOfLast : nil
        if entryCount > 0 && lastEndIsExact {
            let end = Int64(endOfLast) + Int64(TarHeader.endOfArchive.count)
            guard UInt64(end + Int64(TarHeader.recordPadding(endingAt: end))) == streamLength else {
                throw Failure("the index's last entry ends at byte \(endOfLast) of a tar stream of \(streamLength), "
                              + "not where the stream's end begins")
            }
        }

        // When not every entry is made, the entries kept (by number, in
        // order), made from their records. `keptNumber` maps an entry's
        // number to its place among them.
        var keptNumber: (Int) -> Int? = { $0 }
        let keptNumbers: [Int]?
        switch kept {
        case .all: keptNumbers = nil
        case .atTheEnds: keptNumbers = keptAtTheEnds(placements)
        case .selectedBy:
            keptNumbers = try keptForSelection(taken: taken, linkTargets: linkTargets, placements: placements,
                                               index: index, payload: payload.readAgain, count: entryCount)
        }
        if let numbers = keptNumbers {
            entries = try makeEntries(numbers, payload: payload.readAgain, checkpoints: checkpoints, owners: &owners)
            let places = Dictionary(uniqueKeysWithValues: numbers.enumerated().map { ($1, $0) })
            keptNumber = { places[$0] }
            for (place, number) in numbers.enumerated() {
                let member = Int(placements[number].member)
                entries[place].headerMember = member
                entries[place].headerOffset = placements[number].header - members[member].dataStart
            }
        }

        index.digestTableOffset = cursor.position
        let digestCount = try cursor.number("digest count", atMost: entryCount)
        var entry: UInt64 = 0
        for number in 0..<digestCount {
            let step = try cursor.varint("digest \(number)'s entry")
            guard number == 0 || step >= 1, step < entryCount - entry else {
                throw Failure("the index's digest \(number) names no entry after the one before")
            }
            entry += step
            guard makesAll ? entries[Int(entry)].kind == .file : placements[Int(entry)].isFile else {
                throw Failure("the index's digest \(number) is for an entry that is not a file")
            }
            let digest = try cursor.slice(ArchiveIndexLayout.digestLength, "digest \(number)")
            if let place = keptNumber(Int(entry)) { entries[place].sha256 = Array(digest) }
        }
        guard cursor.remaining == 0 else { throw Failure("the index has \(cursor.remaining) bytes after its end") }
        // Given to the index only now: set while the index held them too,
        // the digests would have copied the whole table.
        index.entries = entries
        return index
    }

    /// Every entry of an index, made one at a time, in order, with its
    /// digest: what `verify` holds the stream to. The records are read in
    /// place from the payload (`Records`) and the digests from their table
    /// beside them, so a walk keeps one entry, whatever the index's size.
    ///
    /// `verify` made every entry at once (`Kept.all`): a name array and a
    /// link array each, ~0.3 KiB an entry of an honest archive, and for a
    /// forged index, whose names share their prefixes in the payload, up
    /// to the length of the tar stream it claims (1,032 times its members'
    /// bytes: a 1.2 MB file of zeros, 1.2 GB).
    ///
    /// A class: it holds two windows on the payload (the records', and
    /// the digest table's, beside them), and is used by one thread at a
    /// time (the tar handler's). It copied the whole payload, inflated,
    /// before: with the lookup's own, twice its length.
    public final class EntryWalk: @unchecked Sendable {
        /// How many entries the index records.
        public let count: Int
        private var records: Records
        private var digests: Cursor
        private var digestsLeft: UInt64
        /// The entry the next digest is for; nil when none is left.
        private var nextDigestEntry: UInt64?
        private var owners: ([UInt8], [UInt8])?
        /// The last entry made, and its number.
        private var last: (number: Int, entry: ArchiveIndex.Entry)?

        /// A walk of the entries of an index that passed its checks
        /// (`ArchiveIndexReader.lookUpRecords`).
        public init(_ found: ArchiveIndexRecords) {
            count = Int(found.count)
            // Read once already, when the index was looked up: the
            // records and digests cannot fail now.
            do throws(Failure) {
                records = try Records(checkedPayload: found.payload)
                digests = try Cursor(.deflated(found.payload, checksummed: false), at: found.index.digestTableOffset)
                digestsLeft = try digests.varint("digest count")
                nextDigestEntry = digestsLeft > 0 ? try digests.varint("digest 0's entry") : nil
            } catch {
                preconditionFailure("an index's records failed a second reading: \(error.reason)")
            }
        }

        /// Entry `number` (counting from 0), made with its digest; nil past
        /// the last. Numbers are asked in order: the one asked last again,
        /// or a later one.
        public func entry(_ number: Int) -> ArchiveIndex.Entry? {
            guard number < count else { return nil }
            if let last, last.number == number { return last.entry }
            precondition(last.map { $0.number < number } ?? true, "an index's entries are walked in order")
            do throws(Failure) {
                while let record = try records.next() {
                    guard record.number == number else { continue }
                    var made = ArchiveIndexDecoder.makeEntry(record, owners: &owners)
                    made.sha256 = try digest(for: UInt64(number))
                    last = (number, made)
                    return made
                }
            } catch {
                preconditionFailure("an index's records failed a second reading: \(error.reason)")
            }
            return nil
        }

        /// The digest the table records for entry `number`, if any; the
        /// table's entries ascend, so it is read as the entries go.
        private func digest(for number: UInt64) throws(Failure) -> [UInt8]? {
            while let next = nextDigestEntry, next <= number {
                let digest = try digests.slice(ArchiveIndexLayout.digestLength, "digest")
                digestsLeft -= 1
                nextDigestEntry = digestsLeft > 0 ? next + (try digests.varint("digest's entry")) : nil
                if next == number { return Array(digest) }
            }
            return nil
        }
    }

    /// The entries `.atTheEnds` keeps: the runs whose headers lie in the
    /// first and the last members.
    private static func keptAtTheEnds(_ placements: [Placement]) -> [Int] {
        guard let firstMember = placements.first?.member, let lastMember = placements.last?.member else { return [] }
        let leading = placements.prefix { $0.member == firstMember }.count
        let trailingStart = max(leading, placements.count - placements.reversed().prefix { $0.member == lastMember }.count)
        // And each sparse file with the entry after it, between them
        // (`IndexedMemberReader.hiddenEntry` reads them).
        let sparse = placements.indices.filter { placements[$0].isSparse }
        let between = Set(sparse.flatMap { [$0, $0 + 1] }).filter { $0 >= leading && $0 < trailingStart }
        return Array(0..<leading) + between.sorted() + Array(trailingStart..<placements.count)
    }

    /// The entries `.selectedBy` keeps (see there), from the entries the
    /// selection takes (`taken`) and the names of its hard links' targets.
    /// A second walk of the records finds the entries of those names (the
    /// targets come before their links, so the first walk had passed them).
    private static func keptForSelection(taken: [Int], linkTargets: Set<[UInt8]>, placements: [Placement],
                                         index: ArchiveIndex, payload: Source,
                                         count: UInt64) throws(Failure) -> [Int] {
        // And those `IndexedMemberReader.hiddenEntry` reads: every sparse
        // file (and the entry after it: its span's end; the last entry
        // has no other, and its end is known otherwise: `endOfEntries`).
        var spans = taken
        spans += placements.indices.filter { placements[$0].isSparse }
        spans = Array(Set(spans)).sorted()
        if !linkTargets.isEmpty {
            // A name's bytes are made an array only when its length is one of the targets'.
            let lengths = Set(linkTargets.map(\.count))
            var records = try Records(payload, count: count)
            while let record = try records.next() {
                if lengths.contains(record.name.count), linkTargets.contains(Array(record.name)) { spans.append(record.number) }
            }
            spans = Array(Set(spans)).sorted()
        }
        // Each span runs from its entry's header to the next entry's.
        var kept = Set<Int>()
        var touched: [ClosedRange<Int>] = []
        for number in spans {
            kept.insert(number)
            var end = index.streamLength
            if number + 1 < placements.count {
                kept.insert(number + 1)
                end = placements[number + 1].header
            }
            let first = Int(placements[number].member)
            let last = index.member(holding: max(placements[number].header, end == 0 ? 0 : end - 1)) ?? index.members.count - 1
            touched.append(first...max(first, last))
        }
        // The entries whose headers lie in a touched member: the members
        // only grow with the entries, so one pass over both, in order.
        touched.sort { $0.lowerBound < $1.lowerBound }
        var range = 0
        for number in placements.indices {
            let member = Int(placements[number].member)
            while range < touched.count, touched[range].upperBound < member { range += 1 }
            guard range < touched.count else { break }
            if touched[range].contains(member) { kept.insert(number) }
        }
        return kept.sorted()
    }

    /// The entries numbered `numbers` (ascending), made from their records:
    /// each read from the last checkpoint before it unless the walk is
    /// already on its way there. One walk goes from checkpoint to
    /// checkpoint, forward: a deflated payload's window is inflated once
    /// at most.
    private static func makeEntries(_ numbers: [Int], payload: Source, checkpoints: [Records.Checkpoint],
                                    owners: inout ([UInt8], [UInt8])?) throws(Failure) -> [ArchiveIndex.Entry] {
        var made: [ArchiveIndex.Entry] = []
        guard let first = numbers.first else { return made }
        made.reserveCapacity(numbers.count)
        let spacing = Int(checkpointSpacing)
        // Checkpoint k stands before record k × spacing.
        guard first / spacing < checkpoints.count else { throw Failure("the index has no entry \(first)") }
        var records = try Records(payload, resumingAt: checkpoints[first / spacing])
        var position = 0
        while position < numbers.count {
            let checkpoint = numbers[position] / spacing
            guard checkpoint < checkpoints.count else { throw Failure("the index has no entry \(numbers[position])") }
            if position > 0 { try records.resume(at: checkpoints[checkpoint]) }
            var ended = true
            while let record = try records.next() {
                guard record.number == numbers[position] else { continue }
                made.append(makeEntry(record, owners: &owners))
                position += 1
                // The next one is past a checkpoint not yet reached: go there.
                if position == numbers.count || numbers[position] / spacing * spacing > record.number + 1 {
                    ended = false
                    break
                }
            }
            if ended && position < numbers.count { throw Failure("the index has no entry \(numbers[position])") }
        }
        return made
    }

    /// The entry `record` describes, its owner names sharing the arrays of
    /// the last ones made (`owners`) when they are the same: an array per
    /// entry was a good part of the allocations.
    private static func makeEntry(_ record: ArchiveIndexRecord, owners: inout ([UInt8], [UInt8])?) -> ArchiveIndex.Entry {
        let same = owners.map { sameBytes($0.0, record.userName) && sameBytes($0.1, record.groupName) } ?? false
        if !same { owners = (Array(record.userName), Array(record.groupName)) }
        let (userName, groupName) = owners ?? ([], [])
        return ArchiveIndex.Entry(
            name: Array(record.name), kind: record.kind, size: record.size, mode: record.mode,
            modificationSeconds: record.modificationSeconds, modificationNanoseconds: record.modificationNanoseconds,
            userID: record.userID, groupID: record.groupID, userName: userName, groupName: groupName,
            linkTarget: Array(record.linkTarget), deviceMajor: record.deviceMajor, deviceMinor: record.deviceMinor,
            isSparse: record.isSparse, headerStreamOffset: record.headerStreamOffset,
            contentStreamOffset: record.contentStreamOffset)
    }
}
