/// Reads what an archive's index points at: one data member, inflated on
/// its own (pread and one inflate, no stream before it), and the tar
/// header an entry's position leads to, read by `TarReader` from there.
///
/// This is how an index is held to the stream without reading the
/// stream: `list` compares the first and last entries' headers with the
/// index before printing from it (`IndexEndsCheck`; `cat` and a named
/// `unpack` compare each entry they use as it streams by, in
/// `IndexedTarSink`). A member is checked as every bale member is
/// (`GzipMember.inflate`: its recorded sizes, its CRC-32 and length) and
/// must have the length and data length the index gives it.
///
/// One reader per thread: it keeps a decompressor.
public final class IndexedMemberReader {
    private let fd: Int32
    private let path: String
    private let index: ArchiveIndex
    private let inflater: any Decompressor

    /// Reads members of the archive open on `fd` (`path` for messages),
    /// whose index is `index`, inflating with `codec`'s decompressor.
    public init(fd: Int32, path: String, index: ArchiveIndex, codec: Codec = .libdeflate) throws(BaleError) {
        self.fd = fd
        self.path = path
        self.index = index
        do { inflater = try codec.makeDecompressor() } catch { throw .workerFailed("\(error)") }
    }

    /// The last two members inflated, the most recent last: the headers
    /// and blocks looked at one after the other often lie in the same
    /// member, and `disagreementAtTheEnds` goes between the first and the
    /// last member twice (with one kept, it inflated each of them twice).
    private var recentMembers: [(number: Int, data: [UInt8])] = []

    /// The data of member `number` (its `dataLength` bytes of the tar stream).
    public func data(ofMember number: Int) throws(BaleError) -> [UInt8] {
        if let kept = recentMembers.firstIndex(where: { $0.number == number }) {
            return recentMembers[kept].data
        }
        let data = try inflate(member: number)
        if recentMembers.count == 2 { recentMembers.removeFirst() }
        recentMembers.append((number, data))
        return data
    }

    private func inflate(member number: Int) throws(BaleError) -> [UInt8] {
        let member = index.members[number]
        let bytes: [UInt8]
        do { bytes = try ArchiveIndexReader.read(fd, count: Int(member.length), at: member.offset) } catch {
            throw .readFailed(path: path, error)
        }
        do {
            return try typedThrows(CodecError.self) {
                try [UInt8](unsafeUninitializedCapacity: Int(member.dataLength)) { buffer, count in
                    count = 0
                    HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
                    count = try bytes.withUnsafeBytes { raw in
                        try GzipMember.inflate(raw, expectedLength: Int(member.dataLength), with: inflater,
                                               into: UnsafeMutableRawBufferPointer(buffer))
                    }
                }
            }
        } catch {
            throw .corrupt(path: path, offset: Int64(member.offset), reason: "member \(number): \(error)")
        }
    }

    /// The entry whose header the index places at entry `number`'s
    /// position, as `TarReader` reads it there (positions in the whole
    /// stream); nil when no header begins there (the index lies).
    /// Reads the members from the one holding the header up to the one
    /// where the reader begins the entry (`beginning(ofEntry:)`), no further.
    public func header(ofEntry number: Int) throws(BaleError) -> TarEntry? {
        let entry = index.entries[number]
        var reader = TarReader(archiveName: path)
        var first = FirstEntry()
        guard try feed(&reader, to: &first, from: entry.headerStreamOffset, upTo: beginning(ofEntry: number),
                       while: { $0.entry == nil }),
              var found = first.entry else { return nil }
        found.headerOffset += Int64(entry.headerStreamOffset)
        found.contentOffset += Int64(entry.headerStreamOffset)
        return found
    }

    /// How far the tar stream must be read, from entry `number`'s header,
    /// for `TarReader` to begin the entry: to its data, after its last
    /// header block; for a sparse file, past the map at the start of its
    /// data (pax 1.0), which the reader reads before it gives the entry,
    /// and whose length the index does not hold: up to the next header the
    /// index holds (`index.entries` may skip the entries in between, with
    /// `ArchiveIndexDecoder.Kept.atTheEnds`: a bound all the same), or the
    /// stream's end. Reading to the data alone, a sparse file first or
    /// last in the archive was never begun, and `list` called its honest
    /// index unusable.
    private func beginning(ofEntry number: Int) -> UInt64 {
        let entry = index.entries[number]
        guard entry.isSparse else { return entry.contentStreamOffset }
        return number + 1 < index.entries.count ? index.entries[number + 1].headerStreamOffset : index.streamLength
    }

    /// Feeds `reader` the tar stream from byte `start` up to byte `limit`,
    /// member after member, as long as `handler` wants more
    /// (`wantsMore`, asked before each member): the reader stops where the
    /// members do and goes on with the next, as it does in a stream.
    /// False when the bytes there are not a valid tar stream.
    private func feed<Handler: TarReader.Handler>(_ reader: inout TarReader, to handler: inout Handler,
                                                  from start: UInt64, upTo limit: UInt64,
                                                  while wantsMore: (Handler) -> Bool) throws(BaleError) -> Bool {
        var at = start
        while at < limit, wantsMore(handler), let number = index.member(holding: at) {
            let data = try data(ofMember: number)
            let dataStart = index.members[number].dataStart
            let end = min(limit, dataStart + UInt64(data.count))
            do {
                try typedThrows(BaleError.self) {
                    try data.withUnsafeBytes {
                        try reader.feed(UnsafeRawBufferPointer(rebasing: $0[Int(at - dataStart)..<Int(end - dataStart)]),
                                        to: &handler)
                    }
                }
            } catch {
                return false
            }
            at = end
        }
        return true
    }

    /// Entry `number`'s header read where the index puts it, when it says
    /// what the index says; else how they differ, worded for a message.
    private enum CheckedHeader {
        case agrees(TarEntry)
        case differs(String)
    }

    private func checkedHeader(ofEntry number: Int) throws(BaleError) -> CheckedHeader {
        let entry = index.entries[number]
        guard let read = try header(ofEntry: number) else {
            return .differs("no tar header for \(TerminalText.name(claimed: entry.name)) at byte \(entry.headerStreamOffset) of the tar stream")
        }
        if let difference = entry.disagreement(with: read) {
            return .differs("\(TerminalText.name(claimed: entry.name)): \(difference)")
        }
        return .agrees(read)
    }

    /// Where an entry read from the stream ends: after its data (the bytes
    /// stored, for a sparse file), padded to a block; where the next
    /// header, or the end of the archive, must begin.
    private static func end(of read: TarEntry) -> UInt64 {
        let block = ArchiveIndexLayout.blockSize
        let stored = UInt64(max(0, read.storedSize ?? (read.kind == .file ? read.size : 0)))
        return UInt64(read.contentOffset) + (stored + block - 1) / block * block
    }

    /// Where entry `number` and the header at its position differ, worded
    /// for a message; nil when they agree.
    public func disagreement(ofEntry number: Int) throws(BaleError) -> String? {
        if case .differs(let difference) = try checkedHeader(ofEntry: number) { return difference }
        return nil
    }

    /// True when a zero block (tar's end of archive) lies at `streamOffset`.
    public func endOfArchive(at streamOffset: UInt64) throws(BaleError) -> Bool {
        let block = Int(ArchiveIndexLayout.blockSize)
        guard let number = index.member(holding: streamOffset) else { return false }
        let data = try data(ofMember: number)
        let start = Int(streamOffset - index.members[number].dataStart)
        guard start + block <= data.count else { return false }
        return data[start..<start + block].allSatisfy { $0 == 0 }
    }

    /// The cheap proof that the index describes this stream, read from the
    /// one or two members concerned: the first and last entries' headers
    /// are where the index puts them and say what it says, so does every
    /// entry whose header lies in the first or the last member (in an
    /// archive of one member, every entry), and the end of the archive
    /// follows the last entry (or begins the stream, for an index of no
    /// entries), so no entry is missing at either end. The difference
    /// found, worded for a message; nil when there is none. (A lie about
    /// an entry in a member in between is found by `verify`, which reads
    /// every header, and by whoever reads that entry.)
    public func disagreementAtTheEnds() throws(BaleError) -> String? {
        guard let last = index.entries.indices.last else {
            return try endOfArchive(at: 0) ? nil : "it lists no entry, and the tar stream has some"
        }
        for number in Set([0, last]).sorted() {
            if let difference = try disagreement(ofEntry: number) { return difference }
        }
        for member in Set([index.entries[0].headerMember, index.entries[last].headerMember]).sorted() {
            if let difference = try disagreement(inMember: member) { return difference }
        }
        guard let read = try header(ofEntry: last) else { return "no tar header for the last entry" }
        return try endOfArchive(at: Self.end(of: read)) ? nil
            : "the tar stream goes on after its last entry, \(TerminalText.name(index.entries[last].name))"
    }

    /// An entry of the tar stream that the index hides where its checks
    /// against itself (`ArchiveIndexDecoder`) cannot see one: right after
    /// a sparse file, whose map's length the index does not hold (the next
    /// header may lie anywhere past it), and after the last entry, where
    /// a small one left out fits in the last record's padding. A later
    /// copy of a name, hidden so, gave `cat` and a named `unpack`, which
    /// read only the members they need, the earlier copy, exit 0, where
    /// tar takes the later (forgeries of probe helpers'). Read from each
    /// sparse file's header (its members up to where its data begins) and
    /// where the last entry's data ends (the member holding the end of
    /// the archive: one member's inflate for an archive with no sparse
    /// file). The entry found, worded for a message; nil when there is none.
    public func hiddenEntry() throws(BaleError) -> String? {
        let entries = index.entries
        for number in entries.indices.dropLast() where entries[number].isSparse {
            switch try checkedHeader(ofEntry: number) {
            case .differs(let difference): return difference
            case .agrees(let read) where Self.end(of: read) != entries[number + 1].headerStreamOffset:
                return "the tar stream has an entry the index lacks at byte \(Self.end(of: read)), after "
                    + TerminalText.name(claimed: entries[number].name)
            case .agrees: continue
            }
        }
        // The last entry's end, known from the places of all (an index
        // decoded for a selection may not hold the last entry), or read
        // from its header, sparse.
        let end: UInt64
        if let known = index.endOfEntries {
            end = known
        } else if let last = entries.indices.last, entries[last].isSparse {
            switch try checkedHeader(ofEntry: last) {
            case .differs(let difference): return difference
            case .agrees(let read): end = Self.end(of: read)
            }
        } else {
            return nil  // an index not decoded (made by pack, a test's): nothing to read it against
        }
        guard try !endOfArchive(at: end) else { return nil }
        return end == 0 ? "it lists no entry, and the tar stream has some"
            : "the tar stream goes on past the index's last entry, at byte \(end)"
    }

    /// Where the entries whose headers lie in member `number`, read from
    /// it by `TarReader` from the first of them, differ from the index:
    /// the same entries in the same order, each as the index says it is,
    /// none missing and none more; nil when they agree. One member's worth
    /// of parsing, for a member already inflated; the next members too
    /// when the last of those entries runs on into them before the reader
    /// begins it (its header blocks, or a sparse file's map), up to where
    /// it is begun (`beginning(ofEntry:)`). The entries begun past the
    /// member are not its own: not compared (the index held here may lack
    /// them, `ArchiveIndexDecoder.Kept.atTheEnds`).
    public func disagreement(inMember number: Int) throws(BaleError) -> String? {
        let member = index.members[number]
        // The first entry whose header lies in the member (headers are in order).
        var low = 0, high = index.entries.count
        while low < high {
            let middle = (low + high) / 2
            if index.entries[middle].headerStreamOffset < member.dataStart { low = middle + 1 } else { high = middle }
        }
        guard low < index.entries.count, index.entries[low].headerMember == number else { return nil }
        let placed = index.entries[low...].prefix { $0.headerMember == number }.count
        let memberEnd = member.dataStart + member.dataLength
        let base = index.entries[low].headerStreamOffset
        var reader = TarReader(archiveName: path)
        var read = EveryEntry()
        guard try feed(&reader, to: &read, from: base, upTo: max(memberEnd, beginning(ofEntry: low + placed - 1)),
                       while: { $0.entries.count < placed })
        else {
            return "no valid tar stream at the header of \(TerminalText.name(index.entries[low].name)) "
                + "(byte \(index.entries[low].headerStreamOffset) of the tar stream)"
        }
        let inMember = read.entries.prefix { UInt64($0.headerOffset) + base < memberEnd }
        for (step, var entry) in inMember.enumerated() {
            let number = low + step
            guard number < index.entries.count else {
                return "the tar stream has an entry the index lacks, \(TerminalText.name(entry.name))"
            }
            entry.headerOffset += Int64(base)
            entry.contentOffset += Int64(base)
            if let difference = index.entries[number].disagreement(with: entry) {
                return "\(TerminalText.name(index.entries[number].name)): \(difference)"
            }
        }
        // What the reader did not begin, read on past the member's end
        // as long as it took, is not in the stream.
        if inMember.count < placed {
            return "\(TerminalText.name(index.entries[low + inMember.count].name)) is in the index, not in the tar stream"
        }
        return nil
    }

    /// Keeps every entry the reader begins.
    private struct EveryEntry: TarReader.Handler {
        var entries: [TarEntry] = []
        mutating func begin(_ entry: TarEntry) throws(BaleError) { entries.append(entry) }
        mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {}
        mutating func hole(_ length: Int64) throws(BaleError) {}
        mutating func end() throws(BaleError) {}
        mutating func finish() -> [Diagnostic] { [] }
    }

    /// Keeps the first entry the reader begins, and ignores the rest.
    private struct FirstEntry: TarReader.Handler {
        var entry: TarEntry?
        mutating func begin(_ entry: TarEntry) throws(BaleError) { if self.entry == nil { self.entry = entry } }
        mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {}
        mutating func hole(_ length: Int64) throws(BaleError) {}
        mutating func end() throws(BaleError) {}
        mutating func finish() -> [Diagnostic] { [] }
    }
}
