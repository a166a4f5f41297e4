#if canImport(Glibc)
import Glibc
#endif

/// Finds and reads the index of an archive bale wrote, from the file's
/// tail, without reading the tar stream: the end member (the file's last
/// 66 bytes, or the last before zero bytes that pad the file) says where
/// the index members begin; they are read with
/// pread, joined and decoded (`ArchiveIndexDecoder`), and the index is
/// checked against the end member's record (its data members, the tar
/// stream's length, the members ending where the index begins).
///
/// Only a regular file is looked at: a pipe cannot be read from its tail,
/// and is read as a stream. What is not bale's (no end member, an end
/// member without an index) has no index, `.absent`; an index that is
/// damaged or does not hold together is `.unusable` with the reason, and
/// the caller reads the stream instead: an index never overrides the stream.
public enum ArchiveIndexReader {
    /// The most bytes of index members read: the payload's cap and room
    /// for its compression's worst case and the members' framing.
    static let maximumIndexBytes: UInt64 = ArchiveIndexLayout.maximumPayloadLength + (64 << 20)

    /// The index of the archive open on `fd` (`path` for messages), with
    /// the entries `kept` says: those `cat` and `unpack ARCHIVE PATH...`
    /// read for their names (`ArchiveIndexDecoder.Kept.selectedBy`,
    /// `NamedEntries`), or every one (the default: the fuzzer's and the
    /// tests' reference; `verify` walks the records instead,
    /// `lookUpRecords`); checked whole either way.
    public static func lookUp(fd: Int32, path: String, keeping kept: ArchiveIndexDecoder.Kept = .all) -> ArchiveIndex.Lookup {
        switch records(fd: fd, path: path, keeping: kept) {
        case .absent: return .absent
        case .unusable(let reason): return .unusable(reason: reason)
        case .found(let records): return .found(records.index)
        }
    }

    /// The index of the archive open on `fd` as `list` reads it: every
    /// entry's record, in place, and the entries at both ends decoded
    /// (`ArchiveIndexDecoder.Kept.atTheEnds`); checked as `lookUp` checks
    /// a whole index.
    public static func lookUpRecords(fd: Int32, path: String) -> ArchiveIndexRecords.Lookup {
        records(fd: fd, path: path, keeping: .atTheEnds)
    }

    private static func records(fd: Int32, path: String, keeping kept: ArchiveIndexDecoder.Kept) -> ArchiveIndexRecords.Lookup {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return .absent }
        let endLength = UInt64(GzipEndMember.memberLength)
        let size: UInt64
        let record: GzipEndMember.Record
        switch endMember(fd, fileSize: UInt64(info.st_size)) {
        case .found(let end, let found):
            size = end
            record = found
        case .absent: return .absent
        case .unreadable(let error): return .unusable(reason: "cannot read the end member: \(error.reason)")
        }
        guard record.streamLength <= size - endLength else {
            return .unusable(reason: "the end member records a stream longer than the file")
        }
        let streamStart = size - endLength - record.streamLength
        // bale writes an archive as one stream from the file's first byte.
        // A stream that begins later follows something else (archives
        // joined with cat, which tar reads as the first of them): its index
        // would describe the last part alone, so the file is read as a stream.
        // But only where a member begins: a stream length that leads
        // elsewhere is damaged (one flipped bit of it, and `verify` said OK
        // while `cat` of a hard link, read without the index, gave nothing:
        // a probe helper), or the members before were rewritten (a name
        // added to a header), and the index's places are no longer theirs.
        guard streamStart == 0 else {
            let start = (try? read(fd, count: 3, at: streamStart)) ?? []
            guard start == [0x1F, 0x8B, 0x08] else {
                return .unusable(reason: "the end member records a stream of \(record.streamLength) bytes, "
                                 + "which does not begin at a gzip member")
            }
            return .absent
        }
        guard record.indexOffset < record.streamLength else {
            return .unusable(reason: "the end member's index offset lies outside the stream")
        }
        // The data members are the bytes before the index: deflate makes
        // at most 1032 bytes of each. The index's records are held to the
        // stream's length (`ArchiveIndexDecoder.Records.init`), so a bound on
        // it bounds what a forged index can make bale allocate.
        guard record.dataLength / ArchiveIndexLayout.maximumDeflateRatio <= record.indexOffset else {  // no product to overflow
            return .unusable(reason: "the end member records a tar stream larger than its members can hold")
        }
        let indexLength = record.streamLength - record.indexOffset
        guard indexLength <= maximumIndexBytes else { return .unusable(reason: "the index is larger than bale reads") }
        let members: [UInt8]
        do { members = try read(fd, count: Int(indexLength), at: streamStart + record.indexOffset) } catch {
            return .unusable(reason: "cannot read the index: \(error.reason)")
        }
        let found: ArchiveIndexRecords
        do {
            let blob = try join(members)
            let payload = try typedThrows(ArchiveIndexDecoder.Failure.self) {
                try blob.withUnsafeBytes { try ArchiveIndexPayload(blob: $0) }
            }
            let index = try ArchiveIndexDecoder.decode(payload, keeping: kept, streamLength: record.dataLength)
            found = ArchiveIndexRecords(index: index, payload: payload)
        } catch {
            return .unusable(reason: error.reason)
        }
        // The index against the end member: the same data members, holding
        // the same stream, and ending where the index begins.
        let index = found.index
        let membersEnd = index.members.last.map { $0.offset + $0.length } ?? 0
        guard UInt64(index.members.count) == record.members, index.streamLength == record.dataLength else {
            return .unusable(reason: "the index's \(index.members.count) members and \(index.streamLength) bytes "
                             + "differ from the end member's \(record.members) and \(record.dataLength)")
        }
        guard membersEnd == record.indexOffset else {
            return .unusable(reason: "the index's data members end at byte \(membersEnd), but the end member puts "
                             + "the index at byte \(record.indexOffset)")
        }
        return .found(found)
    }

    /// The first data member of `members` (the index's table) that does
    /// not begin with a gzip header where the table says, or whose trailer
    /// (its last 4 bytes, where the table says it ends) records a length
    /// other than the table's, said as a reason; nil when every one agrees.
    /// `verify` asks it once the stream was read whole, every trailer held
    /// to its member's data: an index whose table moved bytes from one
    /// member to the next (the totals kept, its CRC made anew) passed
    /// `verify`, while `cat` and `list`, which read by the table, found it
    /// unusable. The members' own "BL" sizes are not asked: they are hints,
    /// which may lie in a valid file (`IntegrityTests`).
    static func memberTableDisagreement(fd: Int32, members: [ArchiveIndex.Member]) -> String? {
        for (number, member) in members.enumerated() {
            guard member.length >= 18 else { return "member \(number): \(member.length) bytes, too short for a gzip member" }
            let head: [UInt8], trailer: [UInt8]
            do {
                head = try read(fd, count: GzipMember.magicAndMethod.count, at: member.offset)
                trailer = try read(fd, count: GzipMember.trailerLength, at: member.offset + member.length - UInt64(GzipMember.trailerLength))
            } catch {
                return "member \(number): cannot be read where the index puts it (\(error.reason))"
            }
            guard head == GzipMember.magicAndMethod else { return "member \(number): no gzip member begins at byte \(member.offset)" }
            let recorded = GzipTrailer(parsing: trailer).length
            if recorded != UInt32(truncatingIfNeeded: member.dataLength) {
                return "member \(number): \(member.dataLength) bytes of data in the index, "
                    + "\(recorded) in the trailer where the index ends it (byte \(member.offset + member.length))"
            }
        }
        return nil
    }

    /// Where bale's end member ends in a file of `fileSize` bytes, and its
    /// record: at the file's end, or before the zero bytes that pad it
    /// (`dd conv=sync`, a tape's last block), which gzip and tar pass over
    /// and so does every reader of the stream. An end member always ends in
    /// an empty deflate block (03 00) and nine zero bytes in all (the CRC
    /// and the length of no data), so a padded one ends nine bytes after
    /// the last byte that is not zero, and must record a stream that begins
    /// at the file's first byte. Padding of more than `paddingLooked` bytes
    /// is not looked past.
    private static func endMember(_ fd: Int32, fileSize: UInt64) -> EndMemberLookup {
        let endLength = UInt64(GzipEndMember.memberLength)
        guard fileSize >= endLength else { return .absent }
        let tail: [UInt8]
        do { tail = try read(fd, count: Int(endLength), at: fileSize - endLength) } catch { return .unreadable(error) }
        if let record = GzipEndMember.record(inMember: tail) {
            return record.indexOffset == 0 ? .absent : .found(end: fileSize, record: record)
        }
        guard tail.last == 0 else { return .absent }
        // Padded: the last byte that is not zero, looked for backwards.
        var lastData = fileSize
        while lastData > 0 && fileSize - lastData < paddingLooked {
            let count = min(lastData, 65536)
            let block: [UInt8]
            do { block = try read(fd, count: Int(count), at: lastData - count) } catch { return .unreadable(error) }
            if let at = block.lastIndex(where: { $0 != 0 }) {
                lastData = lastData - count + UInt64(at) + 1
                break
            }
            lastData -= count
        }
        let end = lastData + 9
        guard end >= endLength, end < fileSize, fileSize - end < paddingLooked else { return .absent }
        let member: [UInt8]
        do { member = try read(fd, count: Int(endLength), at: end - endLength) } catch { return .unreadable(error) }
        guard let record = GzipEndMember.record(inMember: member), record.indexOffset != 0,
              record.streamLength == end - endLength else { return .absent }
        return .found(end: end, record: record)
    }

    /// The most zero bytes after an archive's end member looked past: a
    /// tape block or a `dd` block of up to a MiB.
    static let paddingLooked: UInt64 = 1 << 20

    private enum EndMemberLookup {
        case found(end: UInt64, record: GzipEndMember.Record)
        case absent
        case unreadable(SystemError)
    }

    /// The pieces of the index members in `bytes`, joined; every byte
    /// must belong to an index member.
    public static func join(_ bytes: [UInt8]) throws(ArchiveIndexDecoder.Failure) -> [UInt8] {
        try typedThrows(ArchiveIndexDecoder.Failure.self) { try bytes.withUnsafeBytes { raw in
            var blob: [UInt8] = []
            var offset = 0
            while offset < raw.count {
                guard let (piece, length) = GzipIndexMember.piece(at: UnsafeRawBufferPointer(rebasing: raw[offset...])) else {
                    throw ArchiveIndexDecoder.Failure("the index's members are damaged (byte \(offset) of the index)")
                }
                blob += piece
                offset += length
            }
            return blob
        } }
    }

    /// `count` bytes at `offset`; fewer is an error (the file shrank).
    static func read(_ fd: Int32, count: Int, at offset: UInt64) throws(SystemError) -> [UInt8] {
        let bytes = try FileIO.bytes(fd, upTo: count, at: Int64(offset))
        guard bytes.count == count else { throw SystemError(code: EIO, operation: "read") }
        return bytes
    }
}
