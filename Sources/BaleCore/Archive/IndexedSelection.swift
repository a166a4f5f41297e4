/// Which members of an indexed archive to read, and in what order, to get
/// the entries named on `bale cat` or `bale unpack ARCHIVE PATH...`: the
/// plan of the selective path, made from the index alone (`ArchiveIndex`,
/// which its reader checked for consistency), before anything else is read.
///
/// The index says where each entry's first header block lies in the tar
/// stream and where each gzip member's data lies in it; an entry spans
/// from its header to the next entry's header, so the members it needs are
/// those whose data meets that span. Entries are visited in the archive's
/// order and become `Item`s; items whose members follow one another (or
/// share one) form one `Segment`, parsed by one `TarReader`, so members
/// shared by consecutive items are read once.
///
/// A segment is parsed over all of its members' data: from the first
/// entry whose header lies in its first member to the end of its last
/// member, not only from its first item to its last. The entries that are
/// not items are parsed (and skipped) as they pass, and each is checked
/// against the index as the items are: an entry whose header lies in a
/// member read but which the index calls by another name (so that no name
/// took it) is seen for the lie it is. Parsed from its first item only,
/// an entry just before it or just after its last was never looked at,
/// and `unpack ARCHIVE d` left out a `d/x` the index had renamed, exit 0.
/// What this costs: the headers of a member's other entries, in data the
/// workers inflate anyway.
///
/// A hard link gets its target's content when the target is not taken
/// itself (`unpack`: GNU tar would fail to link to a file it did not
/// extract; `cat`: `tar -xO` writes nothing for a link): the link's own
/// header is read first (it must be what the index says), then the
/// target's entry, from its own members, delivered under the link's name.
/// With its target taken too, a link is delivered as itself, after it:
/// `unpack` links it, `cat` writes nothing for it, as tar and bale's
/// reading of the stream do (`cat` of a directory holding a file and two
/// links to it wrote the content three times: a probe helper).
///
/// What the headers at the indexed offsets say is checked as they are
/// read (`IndexedTarSink`); the plan trusts the index for nothing else.
///
/// The index need not hold every entry: `cat` and `unpack` decode only
/// those this plan reads (`ArchiveIndexDecoder.Kept.selectedBy`), which
/// include, for each entry taken, the entry after it (so "the next
/// entry's header" is the same in either index), every entry of a name
/// a taken hard link points to, and every entry in the members read.
public struct IndexedSelection: Sendable {
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
        /// The entry, by its place in the index.
        public var entry: Int
        public var delivery: Delivery
        /// Where its first header block lies in the tar stream (the
        /// index's word), and where its span ends: the next entry's header.
        public var start: Int64
        public var end: Int64
    }

    /// Items read by one tar parser from consecutive members.
    public struct Segment: Sendable, Equatable {
        /// The members to read, by their place in `members`.
        public var members: ClosedRange<Int>
        /// Where parsing starts (the first entry whose header lies in the
        /// first member) and stops (the end of the last member's data), in
        /// the tar stream.
        public var start: Int64
        public var end: Int64
        public var items: [Item]
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

    /// The index the plan was made from.
    public let index: ArchiveIndex
    /// The segments, in the order their entries are delivered.
    public private(set) var segments: [Segment] = []
    /// The targets of the hard links delivered as links: each must have
    /// been delivered before its link (`IndexedTarSink` checks), as it is
    /// in the stream; an index that puts it after lies.
    public private(set) var linkedTargets: Set<[UInt8]> = []
    /// A hard link taken whose target has no entry before it in the index
    /// (the link's name, its target's): bale writes a link only after its
    /// target, so the index lost or renamed the target, and the link's
    /// content cannot be found through it. The caller reads the stream.
    public private(set) var linkWithoutTarget: (link: [UInt8], target: [UInt8])?

    /// Plans the reading of the entries `selection` takes from `index`
    /// (crediting its names), every one of them, even for `cat`, where
    /// directories and symbolic links write nothing: each header is checked
    /// against the index (one that called a hard link a symbolic link had
    /// `cat` write nothing, exit 0, its word taken unread). A hard link
    /// taken gets its target's content when its target is not taken too
    /// and `linkGetsContent` says so of its target's name
    /// (`ExtractionPolicy.givesContent(toALinkTo:in:)`: not for one that
    /// --strip-components leaves no component of, which the extractor
    /// refuses, nor for one already in the destination, which it links
    /// to, as on the stream path).
    public init(index: ArchiveIndex, selection: inout EntrySelection,
                linkGetsContent: ([UInt8]) -> Bool = { _ in true }) {
        self.index = index
        let entries = index.entries
        func start(of place: Int) -> Int64 { Int64(entries[place].headerStreamOffset) }
        func end(of place: Int) -> Int64 {
            place + 1 < entries.count ? start(of: place + 1) : Int64(index.streamLength)
        }
        var taken: [Int] = []
        var takenNames: Set<[UInt8]> = []
        for place in entries.indices where selection.select(entries[place].name) {
            taken.append(place)
            takenNames.insert(entries[place].name)
        }
        // A link that gets no content is handed over as itself (`.itself`).
        let mayGetContent = taken.filter { entries[$0].kind != .hardLink || linkGetsContent(entries[$0].linkTarget) }
        let (targets, orphan) = Self.linkTargets(of: mayGetContent, in: entries, skippingTaken: takenNames)
        linkWithoutTarget = orphan.map { (entries[$0].name, entries[$0].linkTarget) }
        for place in taken {
            guard let target = targets[place] else {
                // A link made as a link, to a target taken too: that must come first.
                if entries[place].kind == .hardLink && takenNames.contains(entries[place].linkTarget) {
                    linkedTargets.insert(entries[place].linkTarget)
                }
                add(Item(entry: place, delivery: .itself, start: start(of: place), end: end(of: place)))
                continue
            }
            add(Item(entry: place, delivery: .checkOnly, start: start(of: place), end: end(of: place)))
            add(Item(entry: target, delivery: .contentFor(linkName: entries[place].name, linkOffset: start(of: place)),
                     start: start(of: target), end: end(of: target)))
        }
    }

    /// The regular file each taken hard link gets its content from: the
    /// last entry of its target's name before it, when that is a regular
    /// file (tar links to the first copy of a file, which holds the
    /// content), unless that name is taken itself (the link is then made
    /// as a link, as tar makes it); and the first such link with no entry
    /// of its target's name before it (`linkWithoutTarget`). One pass over
    /// the entries.
    private static func linkTargets(of taken: [Int], in entries: [ArchiveIndex.Entry],
                                    skippingTaken takenNames: Set<[UInt8]>) -> (targets: [Int: Int], orphan: Int?) {
        let links = taken.filter { entries[$0].kind == .hardLink && !takenNames.contains(entries[$0].linkTarget) }
        guard !links.isEmpty else { return ([:], nil) }
        let wanted = Set(links.map { entries[$0].linkTarget })
        var places: [[UInt8]: [Int]] = [:]
        for (index, entry) in entries.enumerated() where wanted.contains(entry.name) {
            places[entry.name, default: []].append(index)
        }
        var found: [Int: Int] = [:]
        var orphan: Int?
        for link in links {
            guard let place = places[entries[link].linkTarget]?.last(where: { $0 < link }) else {
                orphan = orphan ?? link
                continue
            }
            if entries[place].kind == .file { found[link] = place }
        }
        return (found, orphan)
    }

    /// Adds `item` to the last segment when it comes after that segment's
    /// last item and its members follow that segment's in the stream, else
    /// as a new segment.
    private mutating func add(_ item: Item) {
        let first = memberHolding(item.start)
        let last = memberHolding(max(item.start, item.end - 1))
        if var segment = segments.last, let previous = segment.items.last, item.start >= previous.end,
           first <= segment.members.upperBound + 1 {
            segment.members = segment.members.lowerBound...max(last, segment.members.upperBound)
            segment.end = dataEnd(of: segment.members.upperBound)
            segment.items.append(item)
            segments[segments.count - 1] = segment
            return
        }
        // Parsing starts at an entry's header: the first in the member
        // (the item's own at the latest), not where the member's data
        // begins, which may be inside an entry that began before it.
        let firstHeader = index.firstEntryPlace(atOrAfter: index.members[first].dataStart)
        let start = firstHeader < index.entries.count
            ? min(item.start, Int64(index.entries[firstHeader].headerStreamOffset)) : item.start
        segments.append(Segment(members: first...last, start: start, end: dataEnd(of: last), items: [item]))
    }

    /// Where member `place`'s data ends in the tar stream.
    private func dataEnd(of place: Int) -> Int64 {
        Int64(index.members[place].dataStart + index.members[place].dataLength)
    }

    /// The member whose data holds the tar stream's byte `offset` (the
    /// last member for the stream's end; the index's reader made sure
    /// every header lies inside the stream).
    private func memberHolding(_ offset: Int64) -> Int {
        index.member(holding: UInt64(max(0, offset))) ?? index.members.count - 1
    }
}
