#if canImport(Glibc)
import Glibc
#endif

/// Where the first damaged member of one of bale's own .tar.gz archives
/// is, and which tar entries it touches (`bale verify`, after it failed).
///
/// Why a second pass: verify inflates bale's members on all workers, so the
/// first failure to arrive need not be the first damaged member, and the
/// tar reader stops at the failure without knowing what lay inside it. This
/// pass runs only after a failure, on one thread, in order: it hops from
/// member to member by the sizes bale records in each header ("BL"),
/// inflates each one and feeds the tar reader, until a member fails. That
/// member held a known range of the tar stream, [start, end), and so:
///
/// - the entry being read when the range begins is touched, and its name
///   is known (its header came before);
/// - headers that lay inside the range are lost with it, and so are the
///   names of their entries;
/// - reading can resume after the range: at the next header, whose place
///   is known when the entry being read runs past the range; otherwise the
///   following members are searched, at the stream's 512-byte block
///   boundaries, for a block with a valid ustar header and checksum.
///
/// Foreign archives (gzip, pigz) carry no recorded sizes, so the pass
/// returns nil for them; their stream is decoded in order anyway, and the
/// verify message names the last entry read.
public struct DamageReport: Sendable {
    /// Byte offset of the first damaged member in the archive.
    public var memberOffset: Int64
    /// What is wrong with it.
    public var reason: String
    /// The bytes of the tar stream it held (the end is unknown when its
    /// header is damaged or the archive ends inside it).
    public var streamStart: Int64
    public var streamEnd: Int64?
    /// The entry being read when the damaged range begins, with the part
    /// of its content inside the range, when there is one.
    public var interrupted: (name: String, content: Range<Int64>)?
    /// True when entry headers may have lain inside the range (their
    /// entries cannot be named).
    public var headersLost: Bool
    /// The last entry whose header was read before the range.
    public var previous: String?
    /// The first entry that can be read after the range, and its header's
    /// offset in the tar stream.
    public var resumesAt: (name: String, offset: Int64)?

    /// Members searched past the damaged one for a place to resume (read
    /// and inflated; those that lie wholly before a known next header are
    /// passed by their recorded sizes, not counted).
    static let searchLimit = 16

    /// Finds the first damaged member of the archive open on `fd`; nil when
    /// it is not one of bale's own (or no member is damaged).
    public static func locate(fd: Int32, archiveName: String, codec: Codec) -> DamageReport? {
        guard let inflater = try? codec.makeDecompressor() else { return nil }
        var reader = TarReader(archiveName: archiveName)
        var log = EntryLog()
        var offset: Int64 = 0
        var streamOffset: Int64 = 0
        var first = true
        while true {
            let member: Member
            let read = readMember(fd: fd, at: offset, inflater: inflater)
            switch read {
            case .end:
                return nil
            case .foreign where first:
                return nil
            case .foreign, .damaged(_, nil):
                var reason = "not a bale gzip member header"
                if case .damaged(let why, _) = read { reason = why }
                return DamageReport(memberOffset: offset, reason: reason, streamStart: streamOffset, streamEnd: nil,
                                    interrupted: log.interrupted(at: streamOffset, end: nil), headersLost: true,
                                    previous: log.last?.displayName)
            case .damaged(let reason, let sizes?):
                var report = DamageReport(
                    memberOffset: offset, reason: reason, streamStart: streamOffset,
                    streamEnd: streamOffset + Int64(sizes.dataLength),
                    interrupted: log.interrupted(at: streamOffset, end: streamOffset + Int64(sizes.dataLength)),
                    headersLost: true, previous: log.last?.displayName)
                report.findResumption(fd: fd, after: offset + Int64(sizes.memberLength), inflater: inflater,
                                      nextHeader: log.nextHeader, archiveName: archiveName)
                return report
            case .intact(let intact):
                member = intact
            }
            first = false
            let tarIsWhole = member.data.withUnsafeBytes { bytes in
                do { try reader.feed(bytes, to: &log); return true } catch { return false }
            }
            // The members are whole but the tar is not: verify's own message says where.
            guard tarIsWhole else { return nil }
            offset += Int64(member.length)
            streamOffset += Int64(member.data.count)
        }
    }

    /// The errors `bale verify` reports, each about the archive.
    public func lines(archiveName: String) -> [Diagnostic] {
        let range = streamEnd.map { "bytes \(streamStart)\(TerminalText.rangeDash)\($0) of the tar stream" }
            ?? "the tar stream from byte \(streamStart)"
        var lines: [Diagnostic] = [.error(path: archiveName, "the first damaged member is at byte \(memberOffset) (\(range)): \(reason)")]
        if let interrupted {
            lines.append(.error(path: archiveName, "it holds bytes \(interrupted.content.lowerBound)\(TerminalText.rangeDash)"
                + "\(interrupted.content.upperBound) of \(interrupted.name)"))
        }
        if headersLost {
            let bounds = [previous.map { "after \($0)" }, resumesAt.map { "before \($0.name)" }].compactMap { $0 }
            let which = bounds.isEmpty ? "" : " " + bounds.joined(separator: " and ")
            lines.append(.error(path: archiveName, "it holds the headers of the entries\(which); their names are lost with it"))
        }
        if let resumesAt {
            lines.append(.error(path: archiveName, "reading resumes at \(resumesAt.name) (byte \(resumesAt.offset) of the tar stream)"))
        } else {
            lines.append(.error(path: archiveName, "no entry after it can be read"))
        }
        return lines
    }

    // MARK: - Members

    private struct Member {
        var length: Int
        var data: [UInt8]
    }

    private enum Read {
        case intact(Member)
        /// The member's header gave these sizes (nil: no usable header).
        case damaged(String, GzipHeader.RecordedSizes?)
        /// Not a bale member at all.
        case foreign
        case end
    }

    /// What the header of a member says: its sizes, or what the member
    /// is instead (`Read`'s cases but `intact`).
    private enum HeaderRead {
        case sizes(GzipHeader.RecordedSizes)
        case not(Read)
    }

    /// Reads the header of the member at `offset`.
    private static func readHeader(fd: Int32, at offset: Int64) -> HeaderRead {
        var probe = [UInt8](repeating: 0, count: 64)
        let got = (try? probe.withUnsafeMutableBytes { (buffer) throws(SystemError) -> Int in
            try FileIO.read(fd, into: buffer.baseAddress!, count: buffer.count, at: offset)
        }) ?? -1
        if got == 0 { return .not(.end) }
        if got < 0 { return .not(.damaged("cannot be read", nil)) }
        // The archive's index: every data member before it was whole.
        if probe.withUnsafeBytes({ GzipIndexMember.begins(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }) { return .not(.end) }
        let parsed = probe.withUnsafeBytes { GzipHeader.parse(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
        switch parsed {
        case .header(let header):
            // The end member: every data member before it was whole.
            if header.endRecord != nil { return .not(.end) }
            guard let sizes = header.recordedSizes else { return .not(.foreign) }
            guard sizes.memberLength >= GzipMember.headerLength, sizes.memberLength <= GzipMember.maximumMemberLength,
                  sizes.dataLength <= GzipMember.maximumDataLength else {
                return .not(.damaged("its header records impossible sizes", nil))
            }
            return .sizes(sizes)
        case .needMoreBytes: return .not(.damaged("the archive ends inside it", nil))
        case .invalid: return .not(.foreign)
        }
    }

    private static func readMember(fd: Int32, at offset: Int64, inflater: any Decompressor) -> Read {
        let sizes: GzipHeader.RecordedSizes
        switch readHeader(fd: fd, at: offset) {
        case .sizes(let recorded): sizes = recorded
        case .not(let read): return read
        }
        var bytes = [UInt8](repeating: 0, count: sizes.memberLength)
        let read = (try? bytes.withUnsafeMutableBytes { (buffer) throws(SystemError) -> Int in
            try FileIO.read(fd, into: buffer.baseAddress!, count: buffer.count, at: offset)
        }) ?? -1
        guard read == sizes.memberLength else { return .damaged("the archive ends inside it", sizes) }
        var data = [UInt8](repeating: 0, count: sizes.dataLength)
        let failure: String? = bytes.withUnsafeBytes { member in
            data.withUnsafeMutableBytes { output -> String? in
                do {
                    _ = try GzipMember.inflate(member, expectedLength: nil, with: inflater, into: output)
                    return nil
                } catch {
                    return (error as? CodecError)?.description ?? "\(error)"
                }
            }
        }
        if let failure { return .damaged(failure, sizes) }
        return .intact(Member(length: sizes.memberLength, data: data))
    }

    // MARK: - Resuming after the damage

    /// Reads the members after the damaged one to find the first entry that
    /// can be read: at `nextHeader` when the interrupted entry runs past
    /// the damage, else at the first block that holds a valid header.
    private mutating func findResumption(
        fd: Int32, after memberEnd: Int64, inflater: any Decompressor, nextHeader: Int64?, archiveName: String
    ) {
        guard let streamEnd else { return }
        let known = nextHeader.flatMap { $0 >= streamEnd ? $0 : nil }
        headersLost = known == nil
        var offset = memberEnd
        var streamOffset = streamEnd
        // The interrupted entry's rest, when its end is known: passed
        // member by member on their headers' sizes, read but not
        // inflated. A file of more than 16 members after the damage (a
        // 5 GiB file damaged in its middle) was "no entry after it can be
        // read", where `cat` read the entries after it (a reading helper).
        if let known {
            while case .sizes(let sizes) = Self.readHeader(fd: fd, at: offset), streamOffset + Int64(sizes.dataLength) <= known {
                offset += Int64(sizes.memberLength)
                streamOffset += Int64(sizes.dataLength)
            }
        }
        var resumed: (reader: TarReader, log: EntryLog, at: Int64)?
        for _ in 0..<Self.searchLimit {
            guard case .intact(let member) = Self.readMember(fd: fd, at: offset, inflater: inflater) else { return }
            let memberEnd = streamOffset + Int64(member.data.count)
            var start = 0
            if resumed == nil {
                let found = known.flatMap { $0 < memberEnd ? $0 : nil }
                    ?? (known == nil ? Self.firstHeader(in: member.data, from: streamOffset) : nil)
                if let found {
                    resumed = (TarReader(archiveName: archiveName), EntryLog(), found)
                    start = Int(found - streamOffset)
                }
            }
            if var state = resumed {
                let fed = member.data.withUnsafeBytes { bytes in
                    do {
                        try state.reader.feed(UnsafeRawBufferPointer(rebasing: bytes[start...]), to: &state.log)
                        return true
                    } catch {
                        return false
                    }
                }
                guard fed else { return }
                if let entry = state.log.first {
                    resumesAt = (entry.displayName, state.at + entry.headerOffset)
                    return
                }
                resumed = state
            }
            offset += Int64(member.length)
            streamOffset = memberEnd
        }
    }

    /// The stream offset of the first block in `data` (which starts at
    /// `streamOffset`) that holds a valid ustar header.
    private static func firstHeader(in data: [UInt8], from streamOffset: Int64) -> Int64? {
        let block = TarHeader.blockSize
        var index = Int((Int64(block) - streamOffset % Int64(block)) % Int64(block))
        return data.withUnsafeBytes { bytes in
            while index + block <= bytes.count {
                if isValidHeader(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + block)])) {
                    return streamOffset + Int64(index)
                }
                index += block
            }
            return nil
        }
    }

    /// True when `block` reads as a ustar header whose checksum is right,
    /// by the tar reader's own check (`TarReader.checksumMatches`); the
    /// magic is looked at first, so that only a likely header is copied.
    static func isValidHeader(_ block: UnsafeRawBufferPointer) -> Bool {
        guard block.count == TarHeader.blockSize, block[257..<262].elementsEqual("ustar".utf8) else { return false }
        return TarReader.checksumMatches(Array(block))
    }
}

/// Notes where the entries of a tar stream lie, for `DamageReport`.
private struct EntryLog: TarReader.Handler {
    /// The first entry begun, and the last.
    var first: TarEntry?
    var last: TarEntry?

    mutating func begin(_ entry: TarEntry) throws(BaleError) {
        if first == nil { first = entry }
        last = entry
    }

    mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {}
    mutating func hole(_ length: Int64) throws(BaleError) {}
    mutating func end() throws(BaleError) {}
    mutating func finish() -> [Diagnostic] { [] }

    /// Where the header after the last entry begins.
    var nextHeader: Int64? {
        guard let last else { return nil }
        let stored = last.storedSize ?? last.size
        return last.contentOffset + stored + Int64(TarHeader.padding(stored))
    }

    /// The last entry, when its content reaches into [start, end): its
    /// name and the part of its content there.
    func interrupted(at start: Int64, end: Int64?) -> (name: String, content: Range<Int64>)? {
        guard let last else { return nil }
        let stored = last.storedSize ?? last.size
        guard last.contentOffset + stored > start else { return nil }
        let from = max(start, last.contentOffset) - last.contentOffset
        let to = min(end ?? Int64.max, last.contentOffset + stored) - last.contentOffset
        return (last.displayName, from..<to)
    }
}
