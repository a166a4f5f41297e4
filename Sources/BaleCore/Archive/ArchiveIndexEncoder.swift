/// Collects an archive's index as `pack` makes the tar stream, and makes
/// the index's bytes (`ArchiveIndexLayout`) once the stream is written.
///
/// Memory matters here: `pack` holds a bounded window of data whatever the
/// number of entries, and the index is the one thing that grows with them.
/// So each entry is encoded as it is recorded (varints, the name less what
/// it shares with the previous one, owner names only when they change:
/// about its last name component and 15 to 25 bytes) and compressed at
/// once (`ZlibStreamCompressor`): what the index keeps is its compressed
/// payload, about a byte an entry of a tree of like names. Digests
/// (`--manifest`) are known only once a file is read, which may be after
/// its header is recorded: the encoder keeps the entry's number and the
/// caller's key for it (16 bytes a file), and asks for the digests at the
/// end, from the caller's table.
public struct ArchiveIndexEncoder {
    private let compressor: ZlibStreamCompressor
    private var entryCount: UInt64 = 0
    private var lastHeaderBlock: UInt64 = 0
    private var lastName: [UInt8] = []
    private var lastOwnerNames: ([UInt8], [UInt8])?
    /// Entries whose digest the caller will give, by its key for them.
    private var digestKeys: [(entry: UInt64, key: Int)] = []
    /// One entry's bytes, before they are compressed (kept to reuse its storage).
    private var record: [UInt8] = []

    /// An empty index, compressed at zlib's level 4. The index is small
    /// beside the archive, but every byte of it is a byte more than `tar |
    /// gzip`'s; and it is compressed entry by entry on the reader's thread,
    /// which shares the cores with the workers. Level 9 spent 36 ms of CPU
    /// on the 390 KB payload of the bench's `text` tree (12,103 entries)
    /// and 99 ms on 100,000 empty files; level 7 16 and 41 ms (0.6% more
    /// index), the level used until 2026-12-07; level 4 a third of level
    /// 7's time (5 ms on `text`, 30 ms instead of 151 on 100,000 small
    /// text files whose 2.8 MB of records made 847 KB at level 7, 873 KB at
    /// level 4), for an index 3–5% larger on real trees, 24% on 100,000
    /// empty files (45 KB → 56 KB): at most 0.06% of any of these
    /// archives. Level 5 is slower and no smaller on the small files;
    /// levels 1–3 (zlib's other match finder) 7–60% larger.
    /// docs/performance-history.md, "`pack`'s index at zlib's level 4".
    public init() throws(CodecError) {
        compressor = try ZlibStreamCompressor(level: 4)
    }

    /// Records an entry whose first header block is at `headerAt` in the
    /// tar stream and whose data begins at `contentAt` (both multiples of
    /// 512, headers in increasing order, the first at 0); `header` is the
    /// entry as written (for a sparse file, its real name and size).
    /// `digestKey`: the caller's key for the file's digest, asked for when
    /// the index is made.
    public mutating func record(_ header: TarEntry, headerAt: UInt64, contentAt: UInt64, isSparse: Bool = false,
                                digestKey: Int? = nil) throws(CodecError) {
        let block = ArchiveIndexLayout.blockSize
        precondition(headerAt % block == 0 && contentAt % block == 0 && contentAt > headerAt
                     && (entryCount == 0 || headerAt > lastHeaderBlock * block), "entries in stream order")
        var entry = ArchiveIndex.Entry(header)
        entry.isSparse = isSparse
        let headerBlock = headerAt / block
        record.removeAll(keepingCapacity: true)
        ArchiveIndexLayout.appendVarint(headerBlock - (entryCount == 0 ? 0 : lastHeaderBlock), to: &record)
        ArchiveIndexLayout.appendVarint((contentAt - headerAt) / block, to: &record)
        record.append(ArchiveIndexLayout.number(of: entry.kind))
        let owners = (entry.userName, entry.groupName)
        let sameOwners = lastOwnerNames.map { $0.0 == owners.0 && $0.1 == owners.1 } ?? false
        record.append((isSparse ? ArchiveIndexLayout.sparseFlag : 0)
                      | (sameOwners ? ArchiveIndexLayout.sameOwnerNamesFlag : 0))
        ArchiveIndexLayout.appendVarint(UInt64(entry.mode), to: &record)
        ArchiveIndexLayout.appendVarint(entry.size, to: &record)
        ArchiveIndexLayout.appendVarint(ArchiveIndexLayout.zigzag(entry.modificationSeconds), to: &record)
        ArchiveIndexLayout.appendVarint(UInt64(UInt32(bitPattern: entry.modificationNanoseconds)), to: &record)
        ArchiveIndexLayout.appendVarint(UInt64(entry.userID), to: &record)
        ArchiveIndexLayout.appendVarint(UInt64(entry.groupID), to: &record)
        if !sameOwners {
            ArchiveIndexLayout.appendString(owners.0, to: &record)
            ArchiveIndexLayout.appendString(owners.1, to: &record)
            lastOwnerNames = owners
        }
        let shared = zip(lastName, entry.name).prefix { $0 == $1 }.count
        ArchiveIndexLayout.appendVarint(UInt64(shared), to: &record)
        ArchiveIndexLayout.appendString(Array(entry.name[shared...]), to: &record)
        ArchiveIndexLayout.appendString(entry.linkTarget, to: &record)
        if entry.kind == .characterDevice || entry.kind == .blockDevice {
            ArchiveIndexLayout.appendVarint(UInt64(entry.deviceMajor), to: &record)
            ArchiveIndexLayout.appendVarint(UInt64(entry.deviceMinor), to: &record)
        }
        try compressor.append(record)
        if let digestKey { digestKeys.append((entryCount, digestKey)) }
        lastName = entry.name
        lastHeaderBlock = headerBlock
        entryCount += 1
    }

    /// The index's bytes (the blob `GzipIndexMember` carries): the entries
    /// recorded, then the members (compressed and data lengths, in order)
    /// and each recorded file's digest, which `digest` gives by its key
    /// (nil: none). Ends the encoder: nothing is recorded after.
    public consuming func blob(members: [(length: UInt64, dataLength: UInt64)], streamLength: UInt64,
                               digest: (Int) -> UnsafeBufferPointer<UInt8>?) throws(CodecError) -> [UInt8] {
        var tail: [UInt8] = []
        ArchiveIndexLayout.appendVarint(streamLength, to: &tail)
        ArchiveIndexLayout.appendVarint(UInt64(members.count), to: &tail)
        for member in members {
            ArchiveIndexLayout.appendVarint(member.length, to: &tail)
            ArchiveIndexLayout.appendVarint(member.dataLength, to: &tail)
        }
        // The digests, straight from the caller's table: counted, then
        // written (compressed as they go, a few at a time).
        let found = digestKeys.count { digest($0.key)?.count == ArchiveIndexLayout.digestLength }
        ArchiveIndexLayout.appendVarint(UInt64(found), to: &tail)
        var previous: UInt64?
        for (entry, key) in digestKeys {
            guard let sum = digest(key), sum.count == ArchiveIndexLayout.digestLength else { continue }
            ArchiveIndexLayout.appendVarint(entry - (previous ?? 0), to: &tail)
            tail += sum
            previous = entry
            if tail.count >= 1 << 16 {
                try compressor.append(tail)
                tail.removeAll(keepingCapacity: true)
            }
        }
        try compressor.append(tail)
        try compressor.finish()
        var blob = ArchiveIndexLayout.magic + [ArchiveIndexLayout.deflateMethod, 0, 0, 0]
        ArchiveIndexLayout.appendFixed(compressor.inputLength, bytes: 8, to: &blob)
        ArchiveIndexLayout.appendFixed(UInt64(compressor.output.count), bytes: 8, to: &blob)
        ArchiveIndexLayout.appendFixed(UInt64(compressor.inputCRC), bytes: 4, to: &blob)
        ArchiveIndexLayout.appendFixed(entryCount, bytes: 8, to: &blob)
        return blob + compressor.output
    }
}
