/// Collects an archive's index as `pack` makes the tar stream, and makes
/// the index's bytes (`ArchiveIndexLayout`) once the stream is written.
///
/// Memory matters here: `pack` holds a bounded window of data whatever the
/// number of entries, and the index is the one thing that grows with them.
/// So each entry is encoded as it is recorded, straight into the payload's
/// bytes (varints, the name less what it shares with the previous one,
/// owner names only when they change): about the last component of its
/// name and 15 to 25 bytes more. Digests (`--manifest`) are known only
/// once a file is read, which may be after its header is recorded: the
/// encoder keeps the entry's number and the caller's key for it (16 bytes),
/// and asks for the digests at the end.
public struct ArchiveIndexEncoder: Sendable {
    private var payload: [UInt8] = []
    private var entryCount: UInt64 = 0
    private var lastHeaderBlock: UInt64 = 0
    private var lastName: [UInt8] = []
    private var lastOwnerNames: ([UInt8], [UInt8])?
    /// Entries whose digest the caller will give, by its key for them.
    private var digestKeys: [(entry: UInt64, key: Int)] = []

    public init() {}

    /// Entries recorded so far.
    public var count: Int { Int(entryCount) }

    /// Records an entry whose first header block is at `headerAt` in the
    /// tar stream and whose data begins at `contentAt` (both multiples of
    /// 512, headers in increasing order); `header` is the entry as written
    /// (for a sparse file, its real name and size). `digestKey`: the
    /// caller's key for the file's digest, asked for when the index is made.
    public mutating func record(_ header: TarEntry, headerAt: UInt64, contentAt: UInt64, isSparse: Bool = false,
                                digestKey: Int? = nil) {
        let block = ArchiveIndexLayout.blockSize
        precondition(headerAt % block == 0 && contentAt % block == 0 && contentAt > headerAt
                     && (entryCount == 0 || headerAt > lastHeaderBlock * block), "entries in stream order")
        var entry = ArchiveIndex.Entry(header)
        entry.isSparse = isSparse
        let headerBlock = headerAt / block
        ArchiveIndexLayout.appendVarint(headerBlock - (entryCount == 0 ? 0 : lastHeaderBlock), to: &payload)
        ArchiveIndexLayout.appendVarint((contentAt - headerAt) / block, to: &payload)
        payload.append(ArchiveIndexLayout.number(of: entry.kind))
        let owners = (entry.userName, entry.groupName)
        let sameOwners = lastOwnerNames.map { $0.0 == owners.0 && $0.1 == owners.1 } ?? false
        payload.append((isSparse ? ArchiveIndexLayout.sparseFlag : 0)
                       | (sameOwners ? ArchiveIndexLayout.sameOwnerNamesFlag : 0))
        ArchiveIndexLayout.appendVarint(UInt64(entry.mode), to: &payload)
        ArchiveIndexLayout.appendVarint(entry.size, to: &payload)
        ArchiveIndexLayout.appendVarint(ArchiveIndexLayout.zigzag(entry.modificationSeconds), to: &payload)
        ArchiveIndexLayout.appendVarint(UInt64(UInt32(bitPattern: entry.modificationNanoseconds)), to: &payload)
        ArchiveIndexLayout.appendVarint(UInt64(entry.userID), to: &payload)
        ArchiveIndexLayout.appendVarint(UInt64(entry.groupID), to: &payload)
        if !sameOwners {
            ArchiveIndexLayout.appendString(owners.0, to: &payload)
            ArchiveIndexLayout.appendString(owners.1, to: &payload)
            lastOwnerNames = owners
        }
        let shared = zip(lastName, entry.name).prefix { $0 == $1 }.count
        ArchiveIndexLayout.appendVarint(UInt64(shared), to: &payload)
        ArchiveIndexLayout.appendString(Array(entry.name[shared...]), to: &payload)
        ArchiveIndexLayout.appendString(entry.linkTarget, to: &payload)
        if entry.kind == .characterDevice || entry.kind == .blockDevice {
            ArchiveIndexLayout.appendVarint(UInt64(entry.deviceMajor), to: &payload)
            ArchiveIndexLayout.appendVarint(UInt64(entry.deviceMinor), to: &payload)
        }
        if let digestKey { digestKeys.append((entryCount, digestKey)) }
        lastName = entry.name
        lastHeaderBlock = headerBlock
        entryCount += 1
    }

    /// The index's bytes (the blob `GzipIndexMember` carries): the
    /// members (compressed and data lengths, in order), the entries
    /// recorded, and each recorded file's digest, which `digest` gives by
    /// its key (nil: none, a file that could not be read). Consumes the
    /// encoder: the payload is completed in place, not copied (for 100,000
    /// entries it is a few MB, on top of the window at the end of `pack`).
    public consuming func blob(members: [(length: UInt64, dataLength: UInt64)], streamLength: UInt64,
                               digest: (Int) -> UnsafeBufferPointer<UInt8>?) throws(CodecError) -> [UInt8] {
        var head: [UInt8] = []
        ArchiveIndexLayout.appendVarint(streamLength, to: &head)
        ArchiveIndexLayout.appendVarint(UInt64(members.count), to: &head)
        for member in members {
            ArchiveIndexLayout.appendVarint(member.length, to: &head)
            ArchiveIndexLayout.appendVarint(member.dataLength, to: &head)
        }
        ArchiveIndexLayout.appendVarint(entryCount, to: &head)
        payload.insert(contentsOf: head, at: 0)
        // The digests, straight from the caller's table: counted, then written.
        let found = digestKeys.count { digest($0.key)?.count == ArchiveIndexLayout.digestLength }
        ArchiveIndexLayout.appendVarint(UInt64(found), to: &payload)
        var previous: UInt64?
        for (entry, key) in digestKeys {
            guard let sum = digest(key), sum.count == ArchiveIndexLayout.digestLength else { continue }
            ArchiveIndexLayout.appendVarint(entry - (previous ?? 0), to: &payload)
            payload += sum
            previous = entry
        }
        digestKeys = []
        return try Self.compress(payload)
    }

    /// The blob of `payload`: the header (`ArchiveIndexLayout`), then the
    /// payload deflated at zlib's level 9 (the index is small beside the
    /// archive; every byte of it is a byte more than `tar | gzip`'s).
    static func compress(_ payload: [UInt8]) throws(CodecError) -> [UInt8] {
        let compressor = try ZlibCompressor(level: 9)
        var compressed = [UInt8](repeating: 0, count: compressor.bound(payload.count))
        let length = try typedThrows(CodecError.self) {
            try payload.withUnsafeBytes { input in
                try compressed.withUnsafeMutableBytes { output in try compressor.compress(input, into: output) }
            }
        }
        compressed.removeSubrange(length...)
        var blob = ArchiveIndexLayout.magic + [ArchiveIndexLayout.deflateMethod, 0, 0, 0]
        ArchiveIndexLayout.appendFixed(UInt64(payload.count), bytes: 8, to: &blob)
        ArchiveIndexLayout.appendFixed(UInt64(length), bytes: 8, to: &blob)
        ArchiveIndexLayout.appendFixed(UInt64(CRC32.checksum(payload)), bytes: 4, to: &blob)
        return blob + compressed
    }
}
