/// Encodes tar headers: the 512-byte POSIX ustar header, preceded by a
/// pax extended header (POSIX.1-2001, `typeflag 'x'`) when ustar cannot
/// hold a field exactly.
///
/// ustar holds names up to 100 bytes (or 155 + 100 split at a '/'), link
/// targets up to 100, sizes under 8 GiB, ids under 2^21 and whole-second
/// times. Anything beyond goes in pax records ("path", "linkpath", "size",
/// "uid", "gid", "mtime" with nanoseconds, "uname", "gname"), which GNU tar,
/// bsdtar and python's tarfile all read; the ustar field then holds a
/// truncated or zero stand-in, as GNU tar writes them. Nothing bale writes
/// depends on the clock or the machine: the pax header's own name is fixed.
/// A file's POSIX ACLs and extended attributes go in pax records too, as
/// GNU tar and bsdtar write them: "SCHILY.acl.access", "SCHILY.acl.default"
/// (`AccessControlList.text`) and "SCHILY.xattr.NAME" with the raw value
/// (pax values are length-prefixed, so any bytes will do).
///
/// With `pack --sparse`, a file with holes is written as GNU tar's pax
/// sparse format 1.0 (`sparse`): records GNU.sparse.major=1, minor=0,
/// name and realsize, first, as GNU tar orders them; the ustar name "DIR/GNUSparseFile.0/NAME" (GNU tar
/// puts its process id where bale puts 0, which would make the bytes
/// depend on the run); the data holds the map in decimal ("COUNT\n"
/// then "OFFSET\nLENGTH\n" per region, padded to a block), then the data
/// regions only. GNU tar (1.14 and later), bsdtar and bale restore the
/// holes; a reader that knows no sparse format extracts the map and data
/// as a file under GNUSparseFile.0, never wrong bytes under the real name.
public enum TarHeader {
    public static let blockSize = 512

    /// The header blocks for `entry`: a pax header and its records if
    /// needed, then the ustar header.
    ///
    /// `leadingRecords` come first, before "size" above all: python's
    /// tarfile applies a pax header's records in order, and a sparse
    /// file's "GNU.sparse.realsize" after its "size" (a map and data of 8
    /// GiB or more) made it skip the entry's data by its real size, losing
    /// every entry after it, silently, exit 0 (a reading helper); GNU tar
    /// writes its sparse records first.
    public static func encode(_ entry: TarEntry, leadingRecords: [(String, [UInt8])] = []) -> [UInt8] {
        // Written into one buffer, each field in place: `pack` encodes one
        // or two blocks for every entry, and building each record, field
        // and block as an array of its own, then joining them, was 1.7 µs
        // an entry on a tree of 100,000 small files (3.4% of the pack's
        // CPU, its files' sub-second times making a pax header for each).
        let (prefix, name) = split(entry.name)
        var body: [UInt8] = []
        for (key, value) in leadingRecords { appendRecord(key: key.utf8, value: value, to: &body) }
        if name == nil { appendRecord(key: "path".utf8, value: entry.name, to: &body) }
        if entry.linkTarget.count > 100 { appendRecord(key: "linkpath".utf8, value: entry.linkTarget, to: &body) }
        if entry.size > maximumOctal(digits: 11) {
            appendRecord(key: "size".utf8, value: decimal(entry.size), to: &body)
        }
        if Int64(entry.userID) > maximumOctal(digits: 7) {
            appendRecord(key: "uid".utf8, value: decimal(Int64(entry.userID)), to: &body)
        }
        if Int64(entry.groupID) > maximumOctal(digits: 7) {
            appendRecord(key: "gid".utf8, value: decimal(Int64(entry.groupID)), to: &body)
        }
        if entry.modificationNanoseconds != 0 || entry.modificationSeconds < 0
            || entry.modificationSeconds > maximumOctal(digits: 11) {
            appendRecord(key: "mtime".utf8, value: timeBytes(entry.modificationSeconds, entry.modificationNanoseconds),
                         to: &body)
        }
        if entry.userName.count > 32 { appendRecord(key: "uname".utf8, value: entry.userName, to: &body) }
        if entry.groupName.count > 32 { appendRecord(key: "gname".utf8, value: entry.groupName, to: &body) }
        // ACLs and extended attributes last, in GNU tar's order; an entry
        // without them gets no record, so its bytes are those of before.
        if let acl = entry.accessACL { appendRecord(key: "SCHILY.acl.access".utf8, value: acl.text, to: &body) }
        if let acl = entry.defaultACL { appendRecord(key: "SCHILY.acl.default".utf8, value: acl.text, to: &body) }
        for attribute in entry.attributes.attributes {
            appendRecord(key: Array("SCHILY.xattr.".utf8) + ExtendedAttributes.gnuEncoded(attribute.name),
                         value: attribute.value, to: &body)
        }

        var blocks: [UInt8] = []
        blocks.reserveCapacity(blockSize + (body.isEmpty ? 0 : blockSize + body.count + padding(body.count)))
        if !body.isEmpty {
            appendUstar(
                to: &blocks, prefix: [], name: paxHeaderName, mode: 0o644, userID: 0, groupID: 0,
                size: Int64(body.count), modificationSeconds: 0, typeFlag: UInt8(ascii: "x"),
                linkName: [], userName: [], groupName: [], major: 0, minor: 0)
            blocks += body
            blocks.append(contentsOf: repeatElement(0, count: padding(body.count)))
        }
        let typeFlag: UInt8
        switch entry.kind {
        case .file: typeFlag = UInt8(ascii: "0")
        case .hardLink: typeFlag = UInt8(ascii: "1")
        case .symbolicLink: typeFlag = UInt8(ascii: "2")
        case .characterDevice: typeFlag = UInt8(ascii: "3")
        case .blockDevice: typeFlag = UInt8(ascii: "4")
        case .directory: typeFlag = UInt8(ascii: "5")
        case .fifo: typeFlag = UInt8(ascii: "6")
        }
        // Fields longer than ustar's are cut to its widths (`appendUstar`):
        // the pax records above hold them whole.
        appendUstar(
            to: &blocks, prefix: name == nil ? [] : prefix, name: name ?? entry.name,
            mode: entry.mode & 0o7777, userID: entry.userID, groupID: entry.groupID,
            size: entry.kind == .file ? entry.size : 0,
            modificationSeconds: entry.modificationSeconds, typeFlag: typeFlag,
            linkName: entry.linkTarget, userName: entry.userName, groupName: entry.groupName,
            major: entry.deviceMajor, minor: entry.deviceMinor)
        return blocks
    }

    /// The name of every pax header bale writes: fixed, so that the bytes
    /// depend on nothing of the run (GNU tar puts its process id there).
    private static let paxHeaderName = Array("././@PaxHeader".utf8)

    /// The header blocks and the map block of a sparse file in pax format
    /// 1.0, whose data `regions` (offset, length; in order) are stored
    /// after the map. The entry's `size` is its real size. Two parts: the
    /// header blocks, and the map that begins the entry's data (where
    /// `TarReader` says its content begins, and the index says so too).
    public static func encodeSparse(
        _ entry: TarEntry, regions: [(offset: Int64, length: Int64)]
    ) -> (header: [UInt8], map: [UInt8]) {
        var map = Array("\(regions.count)\n".utf8)
        for region in regions { map += Array("\(region.offset)\n\(region.length)\n".utf8) }
        map += [UInt8](repeating: 0, count: padding(map.count))
        var stored = entry
        stored.name = sparseName(entry.name)
        stored.size = Int64(map.count) + regions.reduce(0) { $0 + $1.length }
        let records: [(String, [UInt8])] = [
            ("GNU.sparse.major", Array("1".utf8)), ("GNU.sparse.minor", Array("0".utf8)),
            ("GNU.sparse.name", entry.name), ("GNU.sparse.realsize", Array(String(entry.size).utf8)),
        ]
        return (encode(stored, leadingRecords: records), map)
    }

    /// "DIR/GNUSparseFile.0/NAME" for "DIR/NAME" ("./GNUSparseFile.0/NAME" without a directory).
    static func sparseName(_ name: [UInt8]) -> [UInt8] {
        let slash = UInt8(ascii: "/")
        guard let last = name.lastIndex(of: slash) else { return Array("./GNUSparseFile.0/".utf8) + name }
        return Array(name[..<last]) + Array("/GNUSparseFile.0/".utf8) + Array(name[(last + 1)...])
    }

    /// Zero bytes that pad `count` bytes of content to a whole block.
    public static func padding(_ count: Int) -> Int { (blockSize - count % blockSize) % blockSize }
    public static func padding(_ count: Int64) -> Int { Int((Int64(blockSize) - count % Int64(blockSize)) % Int64(blockSize)) }

    /// The end of an archive: two zero blocks.
    public static let endOfArchive = [UInt8](repeating: 0, count: 2 * blockSize)

    /// tar's default record: an archive is written in whole records of
    /// 10240 bytes (20 blocks), as GNU tar writes it.
    public static let recordSize: Int64 = 10240

    /// The zero bytes after the end-of-archive blocks, ending at `end`
    /// in the stream, that fill the last record.
    public static func recordPadding(endingAt end: Int64) -> Int {
        Int((recordSize - end % recordSize) % recordSize)
    }

    /// Splits a name into ustar's prefix (155) and name (100) fields at a
    /// '/', or returns a nil name if it cannot be split.
    static func split(_ path: [UInt8]) -> (prefix: [UInt8], name: [UInt8]?) {
        if path.count <= 100 { return ([], path) }
        if path.count > 256 { return ([], nil) }
        // The last '/' that leaves at most 100 bytes after it and at most 155 before.
        for index in stride(from: min(path.count - 1, 155), through: 1, by: -1) where path[index] == UInt8(ascii: "/") {
            let name = Array(path[(index + 1)...])
            if name.count <= 100 && !name.isEmpty { return (Array(path[..<index]), name) }
            break
        }
        return ([], nil)
    }

    static func maximumOctal(digits: Int) -> Int64 { (Int64(1) << (3 * Int64(digits))) - 1 }

    /// A time as pax writes it, "SECONDS[.FRACTION]": the decimal value of
    /// `seconds` + `nanoseconds` (0 ≤ nanoseconds < 10⁹, as stat gives
    /// them). Before the epoch the fraction counts back from the sign, so
    /// (-2 s, 0.5 s), half a second before -1, is "-1.5" (as
    /// `TarReader.parseTime` reads it), not "-2.5".
    static func timeText(_ seconds: Int64, _ nanoseconds: Int32) -> String {
        String(decoding: timeBytes(seconds, nanoseconds), as: UTF8.self)
    }

    /// `timeText`'s bytes, made without a String: `pack` writes one for
    /// every file whose time has a fraction of a second.
    static func timeBytes(_ seconds: Int64, _ nanoseconds: Int32) -> [UInt8] {
        if nanoseconds == 0 { return decimal(seconds) }
        var text: [UInt8] = []
        text.reserveCapacity(32)
        let negative = seconds < 0
        if negative { text.append(UInt8(ascii: "-")) }
        // -(seconds + 1) cannot overflow: seconds < 0 here.
        appendDigits(UInt64(negative ? -(seconds + 1) : seconds), to: &text)
        text.append(UInt8(ascii: "."))
        // Nine digits, leading zeros kept and trailing ones dropped.
        var fraction = UInt64(negative ? 1_000_000_000 - nanoseconds : nanoseconds)
        var digits = 9
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let end = text.count + digits
        text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var at = end - 1
        while fraction > 0 { text[at] = UInt8(ascii: "0") + UInt8(fraction % 10); fraction /= 10; at -= 1 }
        return text
    }

    /// `value` in decimal, as `String(value)` spells it.
    static func decimal(_ value: Int64) -> [UInt8] {
        var text: [UInt8] = []
        if value < 0 { text.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, to: &text)
        return text
    }

    /// Appends the decimal digits of `value`.
    private static func appendDigits(_ value: UInt64, to text: inout [UInt8]) {
        let start = text.count
        var left = value
        repeat { text.append(UInt8(ascii: "0") + UInt8(left % 10)); left /= 10 } while left > 0
        text[start...].reverse()
    }

    /// How many decimal digits `value` (≥ 0) has.
    private static func digitCount(_ value: Int) -> Int {
        var count = 1, left = value
        while left >= 10 { left /= 10; count += 1 }
        return count
    }

    /// One pax record: "LENGTH KEY=VALUE\n", where LENGTH counts itself.
    /// Key and value are bytes: an attribute's name and value may be any.
    static func record(key: [UInt8], value: [UInt8]) -> [UInt8] {
        var record: [UInt8] = []
        appendRecord(key: key, value: value, to: &record)
        return record
    }

    static func record(key: String, value: [UInt8]) -> [UInt8] { record(key: Array(key.utf8), value: value) }

    /// Appends the pax record of `key` and `value` (`record`).
    static func appendRecord(key: some Collection<UInt8>, value: some Collection<UInt8>, to body: inout [UInt8]) {
        let rest = 1 + key.count + 1 + value.count + 1   // " key=value\n"
        var length = rest + digitCount(rest)
        if digitCount(length) != digitCount(rest) { length = rest + digitCount(length) }
        appendDigits(UInt64(length), to: &body)
        body.append(UInt8(ascii: " "))
        body.append(contentsOf: key)
        body.append(UInt8(ascii: "="))
        body.append(contentsOf: value)
        body.append(UInt8(ascii: "\n"))
    }

    /// A ustar header block.
    static func ustar(
        prefix: [UInt8], name: [UInt8], mode: UInt32, userID: UInt32, groupID: UInt32, size: Int64,
        modificationSeconds: Int64, typeFlag: UInt8, linkName: [UInt8], userName: [UInt8],
        groupName: [UInt8], major: UInt32, minor: UInt32
    ) -> [UInt8] {
        var block: [UInt8] = []
        appendUstar(to: &block, prefix: prefix, name: name, mode: mode, userID: userID, groupID: groupID, size: size,
                    modificationSeconds: modificationSeconds, typeFlag: typeFlag, linkName: linkName,
                    userName: userName, groupName: groupName, major: major, minor: minor)
        return block
    }

    /// Appends a ustar header block; each text field is cut to its width.
    static func appendUstar(
        to blocks: inout [UInt8], prefix: [UInt8], name: [UInt8], mode: UInt32, userID: UInt32, groupID: UInt32,
        size: Int64, modificationSeconds: Int64, typeFlag: UInt8, linkName: [UInt8], userName: [UInt8],
        groupName: [UInt8], major: UInt32, minor: UInt32
    ) {
        let start = blocks.count
        blocks.append(contentsOf: repeatElement(0, count: blockSize))
        blocks.withUnsafeMutableBufferPointer { all in
            let block = UnsafeMutableBufferPointer(rebasing: all[start..<(start + blockSize)])
            func put(_ bytes: [UInt8], at offset: Int, width: Int) {
                let count = min(bytes.count, width)
                bytes.withUnsafeBufferPointer { source in
                    for index in 0..<count { block[offset + index] = source[index] }
                }
            }
            // Digits written in place, last first: `pack` writes two of these
            // blocks for most entries, and formatting through String was a
            // third of the cutter's time outside the reads.
            func octal(_ value: Int64, at offset: Int, width: Int) {
                // width - 1 digits and a NUL, as GNU tar writes them; out of range: 0 (the pax record holds it).
                let digits = width - 1
                var left = (value < 0 || value > maximumOctal(digits: digits)) ? 0 : value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    block[index] = UInt8(ascii: "0") + UInt8(left & 7)
                    left >>= 3
                }
            }
            put(name, at: 0, width: 100)
            octal(Int64(mode), at: 100, width: 8)
            octal(Int64(userID), at: 108, width: 8)
            octal(Int64(groupID), at: 116, width: 8)
            octal(size, at: 124, width: 12)
            octal(modificationSeconds, at: 136, width: 12)
            block[156] = typeFlag
            put(linkName, at: 157, width: 100)
            put(ustarMagic, at: 257, width: 8)
            put(userName, at: 265, width: 32)
            put(groupName, at: 297, width: 32)
            if typeFlag == UInt8(ascii: "3") || typeFlag == UInt8(ascii: "4") {
                octal(Int64(major), at: 329, width: 8)
                octal(Int64(minor), at: 337, width: 8)
            }
            put(prefix, at: 345, width: 155)
            // The checksum: the sum of all bytes with the checksum field as spaces.
            for index in 148..<156 { block[index] = UInt8(ascii: " ") }
            var sum = 0
            for byte in block { sum += Int(byte) }
            octal(Int64(sum), at: 148, width: 7)  // six digits, then a NUL and the space left there
            block[154] = 0
        }
    }

    /// "ustar", a NUL and "00": POSIX's magic and version.
    private static let ustarMagic = Array("ustar\u{0}00".utf8)
}

extension TarHeader {
    /// A ustar or GNU header (the magic "ustar" at byte 257, even when the
    /// checksum is damaged: that archive is held to its tar structure, and
    /// fails), or a v7 one: a name, and the checksum its field records.
    /// `block` may be a header cut short, judged by its magic alone.
    static func looksLikeHeader(_ block: ArraySlice<UInt8>) -> Bool {
        let header = Array(block)
        if hasUstarMagic(header) { return true }
        guard header.count == TarHeader.blockSize, header[0] != 0 else { return false }
        let field = header[148..<156].drop(while: { $0 == 0x20 }).prefix(while: { $0 != 0 && $0 != 0x20 })
        return !field.isEmpty && field.allSatisfy({ (0x30...0x37).contains($0) }) && TarReader.checksumMatches(header)
    }

    /// True when `header` has ustar's magic ("ustar", POSIX and GNU alike)
    /// at its place: a tar header, whatever else in it is damaged.
    static func hasUstarMagic(_ header: [UInt8]) -> Bool {
        header.count >= 262 && header[257..<262].elementsEqual("ustar".utf8)
    }
}
