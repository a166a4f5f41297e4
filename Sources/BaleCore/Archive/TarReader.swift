/// Parses a tar stream fed in pieces of any size, in order, and reports
/// each entry's header and content bytes to a `TarReader.Handler`.
///
/// It reads ustar, GNU tar's and pax archives: pax extended headers
/// ('x', and global 'g', ignored) override the next header's path,
/// linkpath, size and mtime; GNU long names ('L', 'K') likewise. Every
/// header's checksum is checked and every size is bounded before it is
/// trusted, so a damaged or hostile archive gives an error, never a crash
/// or an allocation it chooses.
public struct TarReader {
    /// What the reader reports to.
    public protocol Handler {
        /// A new entry begins; its content (`entry.size` bytes) follows.
        mutating func begin(_ entry: TarEntry) throws(BaleError)
        /// Some of the current entry's content.
        mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError)
        /// The current entry's content is complete.
        mutating func end() throws(BaleError)
        /// The stream is over, whole or not: completes what is pending and
        /// returns the problems to report, each naming its entry.
        mutating func finish() -> [String]
    }

    /// The archive's name, for messages.
    public let archiveName: String
    private var state = State.header
    private var block: [UInt8] = []
    private var extended: [UInt8] = []
    private var overrides: [String: [UInt8]] = [:]
    private var contentLeft: Int64 = 0
    private var paddingLeft = 0
    private var zeroBlocks = 0
    private var offset: Int64 = 0
    /// Where the headers of the entry being read began (a pax or long-name
    /// header comes before the entry's own).
    private var entryStart: Int64?

    private enum State {
        case header
        case content
        case padding
        /// Collecting a pax or GNU long-name body of this type.
        case extendedBody(UInt8)
        case finished
    }

    /// The largest pax or long-name body accepted.
    static let maximumExtendedSize: Int64 = 1 << 20

    public init(archiveName: String) { self.archiveName = archiveName }

    /// Entries begun, and bytes of the tar stream consumed (for `--json`).
    public private(set) var entriesRead = 0
    public var bytesRead: Int64 { offset }

    /// True once the end-of-archive blocks were seen.
    public var isFinished: Bool { if case .finished = state { return true }; return false }

    /// True when the stream stopped inside an entry (a truncated archive).
    public var isInsideEntry: Bool {
        switch state {
        case .header: return !block.isEmpty
        case .finished: return false
        default: return true
        }
    }

    private func corrupt(_ reason: String) -> BaleError {
        .badArchive(path: archiveName, offset: offset, reason: reason)
    }

    /// Feeds the next bytes of the stream.
    public mutating func feed<H: Handler>(_ bytes: UnsafeRawBufferPointer, to handler: inout H) throws(BaleError) {
        var index = 0
        while index < bytes.count {
            switch state {
            case .finished:
                return  // what follows the end blocks is ignored, as tar does
            case .content:
                let take = Int(min(Int64(bytes.count - index), contentLeft))
                try handler.content(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)]))
                index += take
                contentLeft -= Int64(take)
                offset += Int64(take)
                if contentLeft == 0 {
                    try handler.end()
                    state = paddingLeft > 0 ? .padding : .header
                }
            case .padding:
                let take = min(bytes.count - index, paddingLeft)
                index += take
                paddingLeft -= take
                offset += Int64(take)
                if paddingLeft == 0 { state = .header }
            case .extendedBody(let type):
                let take = Int(min(Int64(bytes.count - index), contentLeft))
                extended += bytes[index..<(index + take)]
                index += take
                contentLeft -= Int64(take)
                offset += Int64(take)
                if contentLeft == 0 {
                    try finishExtended(type)
                    state = paddingLeft > 0 ? .padding : .header
                }
            case .header:
                let take = min(bytes.count - index, TarHeader.blockSize - block.count)
                block += bytes[index..<(index + take)]
                index += take
                if block.count == TarHeader.blockSize {
                    let header = block
                    block = []
                    try parseHeader(header, handler: &handler)
                    offset += Int64(TarHeader.blockSize)
                }
            }
        }
    }

    private mutating func parseHeader<H: Handler>(_ header: [UInt8], handler: inout H) throws(BaleError) {
        if header.allSatisfy({ $0 == 0 }) {
            zeroBlocks += 1
            if zeroBlocks == 2 { state = .finished }
            return
        }
        zeroBlocks = 0
        if entryStart == nil { entryStart = offset }
        let stored = octal(header, 148, 8)
        var sum = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        guard stored == Int64(sum) else { throw corrupt("bad tar header checksum") }
        let type = header[156]
        var size = octalOrBase256(header, 124, 12)
        if let paxSize = overrides["size"].flatMap({ Int64(String(decoding: $0, as: UTF8.self)) }) { size = paxSize }
        guard size >= 0 else { throw corrupt("negative entry size") }

        switch type {
        case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
            guard size <= Self.maximumExtendedSize else { throw corrupt("extended header of \(size) bytes") }
            extended = []
            contentLeft = size
            paddingLeft = TarHeader.padding(size)
            state = size > 0 ? .extendedBody(type) : .header
            if size == 0 { try finishExtended(type) }
            return
        default:
            break
        }

        var name = field(header, 0, 100)
        let magic = Array(header[257..<263])
        if magic == Array("ustar\u{0}".utf8) || magic == Array("ustar ".utf8) {
            let prefix = field(header, 345, 155)
            if !prefix.isEmpty && magic == Array("ustar\u{0}".utf8) { name = prefix + [UInt8(ascii: "/")] + name }
        }
        if let path = overrides["path"] { name = path }
        var link = field(header, 157, 100)
        if let linkPath = overrides["linkpath"] { link = linkPath }

        let kind: TarEntry.Kind
        switch type {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): kind = name.last == UInt8(ascii: "/") ? .directory : .file
        case UInt8(ascii: "1"): kind = .hardLink
        case UInt8(ascii: "2"): kind = .symbolicLink
        case UInt8(ascii: "3"): kind = .characterDevice
        case UInt8(ascii: "4"): kind = .blockDevice
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "6"): kind = .fifo
        default: kind = .file  // unknown types are read as files, as POSIX says
        }
        var entry = TarEntry(
            name: name, sourcePath: [], kind: kind, mode: UInt32(truncatingIfNeeded: octal(header, 100, 8)),
            userID: UInt32(truncatingIfNeeded: octalOrBase256(header, 108, 8)),
            groupID: UInt32(truncatingIfNeeded: octalOrBase256(header, 116, 8)),
            modificationSeconds: octalOrBase256(header, 136, 12))
        if let mtime = overrides["mtime"] { (entry.modificationSeconds, entry.modificationNanoseconds) = parseTime(mtime) }
        entry.linkTarget = link
        entry.userName = overrides["uname"] ?? field(header, 265, 32)
        entry.groupName = overrides["gname"] ?? field(header, 297, 32)
        entry.deviceMajor = UInt32(truncatingIfNeeded: octal(header, 329, 8))
        entry.deviceMinor = UInt32(truncatingIfNeeded: octal(header, 337, 8))
        // Links, directories and devices carry no content, whatever the size field says (but hard links may).
        let carriesContent = kind == .file || (kind == .hardLink && size > 0)
        entry.size = carriesContent ? size : 0
        overrides = [:]
        entry.headerOffset = entryStart ?? offset
        entry.contentOffset = offset + Int64(TarHeader.blockSize)
        entryStart = nil
        entriesRead += 1
        try handler.begin(entry)
        contentLeft = carriesContent ? size : 0
        paddingLeft = carriesContent ? TarHeader.padding(size) : 0
        if contentLeft > 0 {
            state = .content
        } else {
            try handler.end()
            state = paddingLeft > 0 ? .padding : .header
        }
    }

    private mutating func finishExtended(_ type: UInt8) throws(BaleError) {
        switch type {
        case UInt8(ascii: "L"): overrides["path"] = Array(extended.prefix { $0 != 0 })
        case UInt8(ascii: "K"): overrides["linkpath"] = Array(extended.prefix { $0 != 0 })
        case UInt8(ascii: "x"): try parsePax(extended)
        default: break  // 'g': global records, not used by bale
        }
        extended = []
    }

    /// Parses "LENGTH KEY=VALUE\n" records, checking every length.
    private mutating func parsePax(_ body: [UInt8]) throws(BaleError) {
        var index = 0
        while index < body.count {
            guard let space = body[index...].firstIndex(of: UInt8(ascii: " ")), space - index <= 20,
                  let length = Int(String(decoding: body[index..<space], as: UTF8.self)),
                  // `length <= body.count - index`, not `index + length <= body.count`:
                  // a record length near Int.max overflowed the sum and trapped, so a
                  // crafted archive crashed bale (Tests/BaleCoreTests/FuzzRegressionTests).
                  length > space - index + 2, length <= body.count - index,
                  body[index + length - 1] == UInt8(ascii: "\n") else {
                throw corrupt("bad pax record")
            }
            let record = body[(space + 1)..<(index + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else { throw corrupt("bad pax record") }
            let key = String(decoding: record[..<equals], as: UTF8.self)
            overrides[key] = Array(record[(equals + 1)...])
            index += length
        }
    }

    private func parseTime(_ text: [UInt8]) -> (Int64, Int32) {
        let parts = String(decoding: text, as: UTF8.self).split(separator: ".", maxSplits: 1)
        let seconds = Int64(parts.first ?? "0") ?? 0
        guard parts.count == 2 else { return (seconds, 0) }
        let digits = String(parts[1].prefix(9))
        let nanos = (Int32(digits) ?? 0) * Int32(pow10(9 - digits.count))
        return (seconds, nanos)
    }

    private func pow10(_ n: Int) -> Int { (0..<max(0, n)).reduce(1) { result, _ in result * 10 } }

    private func field(_ header: [UInt8], _ start: Int, _ width: Int) -> [UInt8] {
        Array(header[start..<(start + width)].prefix { $0 != 0 })
    }

    private func octal(_ header: [UInt8], _ start: Int, _ width: Int) -> Int64 {
        var value: Int64 = 0
        for byte in header[start..<(start + width)] {
            if byte == 0 || byte == UInt8(ascii: " ") { if value > 0 { break } else { continue } }
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) else { return -1 }
            if value > Int64.max >> 3 { return -1 }
            value = value << 3 | Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Octal, or GNU's base-256 (first byte 0x80) for large values.
    private func octalOrBase256(_ header: [UInt8], _ start: Int, _ width: Int) -> Int64 {
        guard header[start] & 0x80 != 0 else { return octal(header, start, width) }
        if header[start] == 0xFF { return -1 }  // negative: refused by the callers' checks
        var value: Int64 = Int64(header[start] & 0x7F)
        for byte in header[(start + 1)..<(start + width)] {
            if value > Int64.max >> 8 { return -1 }
            value = value << 8 | Int64(byte)
        }
        return value
    }
}
