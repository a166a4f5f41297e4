/// Which members of an indexed archive to read, and in what order, to get
/// the entries named on `bale cat` or `bale unpack ARCHIVE PATH...`: the
/// plan of the selective path, made from the index alone, before anything
/// else is read.
///
/// The index says where each entry's first header block lies in the tar
/// stream (`Entry.tarOffset`) and where each gzip member's data lies in it
/// (`Member.dataStart`); an entry spans from its header to the next entry's
/// header, so the members it needs are those whose data meets that span.
/// Entries are visited in the archive's order and become `Item`s; items
/// whose members follow one another (or share one) form one `Segment`,
/// parsed by one `TarReader` from the first item's header on, so members
/// shared by consecutive items are read once and the unwanted entries
/// between them are parsed (and checked) as they pass.
///
/// A hard link named without its target (`unpack`), or any named hard link
/// (`cat`, which writes content), gets the target's content: the link's own
/// header is read first (it must be what the index says), then the
/// target's entry, from its own members, delivered under the link's name.
///
/// Nothing here is trusted: the member table must be in order, contiguous
/// in the tar stream and inside the file; entries in strictly increasing
/// order, inside the stream. A table that is not is `Problem`, and the
/// command falls back to reading the stream. What the headers say at the
/// indexed offsets is checked later, as they are read (`IndexedTarSink`).
public struct IndexedSelection: Sendable {
    /// A gzip member, as the index records it.
    public struct Member: Sendable, Equatable {
        /// Where it begins in the file.
        public var offset: Int64
        /// Its compressed length.
        public var length: Int
        /// Where its data begins in the tar stream, and how long it is.
        public var dataStart: Int64
        public var dataLength: Int

        public init(offset: Int64, length: Int, dataStart: Int64, dataLength: Int) {
            (self.offset, self.length, self.dataStart, self.dataLength) = (offset, length, dataStart, dataLength)
        }
    }

    /// What the index says of an entry, all of it checked against the
    /// entry's header when it is read.
    public struct Entry: Sendable, Equatable {
        public var name: [UInt8]
        public var kind: TarEntry.Kind
        public var size: Int64
        public var linkTarget: [UInt8]
        /// Where its first header block (a pax or long-name header when it
        /// has one) begins in the tar stream.
        public var tarOffset: Int64

        public init(name: [UInt8], kind: TarEntry.Kind, size: Int64, linkTarget: [UInt8] = [], tarOffset: Int64) {
            (self.name, self.kind, self.size, self.linkTarget, self.tarOffset) = (name, kind, size, linkTarget, tarOffset)
        }
    }

    /// How an item's entry is used once its header checked out.
    public enum Delivery: Sendable, Equatable {
        /// Handed to the handler as it is.
        case itself
        /// Read to check its header only (a hard link whose content comes
        /// from its target, next).
        case checkOnly
        /// Handed to the handler as a regular file named as the hard link
        /// at `linkOffset` (whose header was checked just before), with
        /// this entry's content.
        case contentFor(linkName: [UInt8], linkOffset: Int64)
    }

    /// One entry to read.
    public struct Item: Sendable, Equatable {
        /// The index's word on it.
        public var entry: Entry
        public var delivery: Delivery
        /// Where its span ends in the tar stream: the next entry's header.
        public var end: Int64
    }

    /// Items read by one tar parser from consecutive members.
    public struct Segment: Sendable, Equatable {
        /// The members to read, by their place in `members`.
        public var members: ClosedRange<Int>
        /// Where parsing starts (the first item's header) and stops (the
        /// last item's end), in the tar stream.
        public var start: Int64
        public var end: Int64
        public var items: [Item]
    }

    /// Why the index cannot be used.
    public struct Problem: Error, Sendable, Equatable {
        public var reason: String
    }

    /// One member read for one segment: what each chunk of the selective
    /// path is (`SelectedMemberCutter`, `IndexedTarSink`).
    public struct Piece: Sendable, Equatable {
        /// The segment it is read for, by its place in `segments`.
        public var segment: Int
        /// The member, by its place in `members`.
        public var member: Int
    }

    /// Every member to read, segment after segment, in order.
    public var pieces: [Piece] {
        segments.enumerated().flatMap { place, segment in segment.members.map { Piece(segment: place, member: $0) } }
    }

    /// The member table, checked.
    public let members: [Member]
    /// The segments, in the order their entries are delivered.
    public private(set) var segments: [Segment] = []

    /// Plans the reading of the entries `selection` takes from the index's
    /// `entries` (crediting its names), in a file of `fileSize` bytes.
    /// `contentOnly`: only regular files and hard links are read (`cat`:
    /// other entries write nothing), else every entry taken (`unpack`).
    /// `linksGetContent`: every hard link taken gets its target's content
    /// (`cat`); else only one whose target is not taken too.
    public init(members: [Member], entries: [Entry], selection: inout EntrySelection, fileSize: Int64,
                contentOnly: Bool, linksGetContent: Bool) throws(Problem) {
        self.members = members
        let streamLength = try Self.check(members, fileSize: fileSize)
        try Self.check(entries, streamLength: streamLength)

        func end(of index: Int) -> Int64 { index + 1 < entries.count ? entries[index + 1].tarOffset : streamLength }
        var taken: [Int] = []
        var takenNames: Set<[UInt8]> = []
        for (index, entry) in entries.enumerated() where selection.select(entry.name) {
            if contentOnly && entry.kind != .file && entry.kind != .hardLink { continue }
            taken.append(index)
            if !linksGetContent { takenNames.insert(entry.name) }
        }
        let targets = Self.linkTargets(of: taken, in: entries, skippingTaken: linksGetContent ? [] : takenNames)
        var items: [Item] = []
        for index in taken {
            let entry = entries[index]
            guard entry.kind == .hardLink, let target = targets[index] else {
                items.append(Item(entry: entry, delivery: .itself, end: end(of: index)))
                continue
            }
            items.append(Item(entry: entry, delivery: .checkOnly, end: end(of: index)))
            items.append(Item(entry: entries[target], delivery: .contentFor(linkName: entry.name, linkOffset: entry.tarOffset),
                              end: end(of: target)))
        }
        for item in items { try add(item) }
    }

    /// The regular file each taken hard link gets its content from: the
    /// last entry of its target's name before it, when that is a regular
    /// file (tar links to the first copy of a file, which holds the
    /// content), unless that name is taken itself (the link is then made
    /// as a link, as tar makes it). One pass over the entries.
    private static func linkTargets(of taken: [Int], in entries: [Entry], skippingTaken takenNames: Set<[UInt8]>) -> [Int: Int] {
        let links = taken.filter { entries[$0].kind == .hardLink && !takenNames.contains(entries[$0].linkTarget) }
        guard !links.isEmpty else { return [:] }
        let wanted = Set(links.map { entries[$0].linkTarget })
        var places: [[UInt8]: [Int]] = [:]
        for (index, entry) in entries.enumerated() where wanted.contains(entry.name) {
            places[entry.name, default: []].append(index)
        }
        var found: [Int: Int] = [:]
        for link in links {
            if let place = places[entries[link].linkTarget]?.last(where: { $0 < link }), entries[place].kind == .file {
                found[link] = place
            }
        }
        return found
    }

    /// Adds `item` to the last segment when its members follow that
    /// segment's in the stream, else as a new segment.
    private mutating func add(_ item: Item) throws(Problem) {
        let first = memberHolding(item.entry.tarOffset)
        let last = memberHolding(max(item.entry.tarOffset, item.end - 1))
        if var segment = segments.last, item.entry.tarOffset >= segment.end, first <= segment.members.upperBound + 1 {
            segment.members = segment.members.lowerBound...max(last, segment.members.upperBound)
            segment.end = item.end
            segment.items.append(item)
            segments[segments.count - 1] = segment
            return
        }
        segments.append(Segment(members: first...last, start: item.entry.tarOffset, end: item.end, items: [item]))
    }

    /// The member whose data holds the tar stream's byte `offset` (the
    /// last member for the stream's end).
    private func memberHolding(_ offset: Int64) -> Int {
        var low = 0
        var high = members.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if members[middle].dataStart <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Checks the member table: members one after another in the file and
    /// inside it, their data one after another in the tar stream, each
    /// within bale's member bounds. Returns the tar stream's length.
    private static func check(_ members: [Member], fileSize: Int64) throws(Problem) -> Int64 {
        guard !members.isEmpty else { throw Problem(reason: "it lists no members") }
        var fileEnd: Int64 = 0
        var streamEnd: Int64 = 0
        for (index, member) in members.enumerated() {
            guard member.offset >= fileEnd, member.length > GzipMember.headerLength,
                  member.length <= GzipMember.maximumMemberLength, member.offset <= fileSize - Int64(member.length),
                  member.dataStart == streamEnd, member.dataLength >= 0, member.dataLength <= GzipMember.maximumDataLength else {
                throw Problem(reason: "member \(index + 1) of \(members.count) lies outside the file or out of order")
            }
            fileEnd = member.offset + Int64(member.length)
            streamEnd += Int64(member.dataLength)
        }
        return streamEnd
    }

    /// Checks the entries: headers in strictly increasing order, at block
    /// boundaries, each followed by at least its own header block inside
    /// the stream.
    private static func check(_ entries: [Entry], streamLength: Int64) throws(Problem) {
        var next: Int64 = 0
        for (index, entry) in entries.enumerated() {
            guard entry.tarOffset >= next, entry.tarOffset % Int64(TarHeader.blockSize) == 0, entry.size >= 0,
                  entry.tarOffset <= streamLength - Int64(TarHeader.blockSize) else {
                throw Problem(reason: "entry \(index + 1) of \(entries.count) lies outside the tar stream or out of order")
            }
            next = entry.tarOffset + Int64(TarHeader.blockSize)
        }
    }
}
