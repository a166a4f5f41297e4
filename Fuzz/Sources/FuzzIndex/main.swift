#if canImport(Glibc)
import Glibc
#endif
import BaleCore
import CFuzzSupport
import FuzzSupport

/// Feeds the input to the archive index's parsers, as bytes a forger
/// chose: as an index payload (`ArchiveIndexDecoder.decode(payload:entries:)`,
/// the entry count in the first byte; whole, and the entries at both ends
/// only, as `list` decodes it), as
/// a compressed blob (`decode(_:)`: header, lengths, inflate, CRC-32), as
/// index members (`ArchiveIndexReader.join`), and as a whole file's tail
/// (`ArchiveIndexReader.lookUp` and `lookUpRecords` on a memory file
/// holding the input).
///
/// Must hold, besides no crash, hang or unbounded allocation: an index
/// the decoder accepts keeps its promises (members contiguous in the
/// file and in the stream, their data adding up to the stream; entries
/// at increasing positions, each inside the stream and inside the member
/// it names, its data after its header).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    // As a payload: the first byte says how many entries it begins with.
    // Decoded whole and as `list` decodes it (the entries at both ends
    // only), it must pass or fail the same checks, and the entries kept
    // must be the whole index's.
    if let count = input.first {
        let payload = UnsafeRawBufferPointer(rebasing: input.dropFirst())
        let index = try? ArchiveIndexDecoder.decode(payload: payload, entries: UInt64(count))
        let ends = try? ArchiveIndexDecoder.decode(payload: payload, entries: UInt64(count), keeping: .atTheEnds)
        require((index == nil) == (ends == nil), "the whole index and its ends judged differently")
        if let index, let ends {
            check(index, fileOffset: 0)
            check(ends, fileOffset: 0)
            require(ends.members == index.members && ends.streamLength == index.streamLength
                    && ends.entries.allSatisfy { index.entries.contains($0) }, "the ends differ from the whole index")
        }
    }
    if let index = try? ArchiveIndexDecoder.decode(input) { check(index, fileOffset: 0) }
    if let blob = try? ArchiveIndexReader.join(Array(input)),
       let index = try? blob.withUnsafeBytes({ try ArchiveIndexDecoder.decode($0) }) {
        check(index, fileOffset: 0)
    }
    let fd = fuzz_memory_file()
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    guard size == 0 || write(fd, data, size) == size else { return 0 }
    if case .found(let index) = ArchiveIndexReader.lookUp(fd: fd, path: "input") {
        require(index.members.allSatisfy { $0.offset + $0.length <= UInt64(size) }, "a member outside the file")
        check(index, fileOffset: index.members.first?.offset ?? 0)
    }
    // As `list` reads the tail: every record read again, in order.
    if case .found(let records) = ArchiveIndexReader.lookUpRecords(fd: fd, path: "input") {
        var next = 0
        records.forEach { record in
            require(record.number == next, "a record out of order")
            next += 1
            return true
        }
        require(UInt64(next) == records.count, "records lost on a second reading")
    }
    return 0
}

/// The promises of an accepted index.
func check(_ index: ArchiveIndex, fileOffset: UInt64) {
    var offset = fileOffset, dataStart: UInt64 = 0
    for member in index.members {
        require(member.offset == offset && member.dataStart == dataStart, "members not contiguous")
        offset += member.length
        dataStart += member.dataLength
    }
    require(dataStart == index.streamLength, "members' data is not the stream")
    var previous: UInt64?
    for entry in index.entries {
        if let previous { require(entry.headerStreamOffset > previous, "entries not in increasing order") }
        previous = entry.headerStreamOffset
        require(entry.headerStreamOffset < entry.contentStreamOffset && entry.contentStreamOffset <= index.streamLength,
                "an entry outside the stream")
        require(index.members.indices.contains(entry.headerMember), "an entry in no member")
        let member = index.members[entry.headerMember]
        require(member.dataStart + entry.headerOffset == entry.headerStreamOffset && entry.headerOffset < member.dataLength,
                "an entry outside its member")
    }
}

runFuzzer(fuzzIndex)
