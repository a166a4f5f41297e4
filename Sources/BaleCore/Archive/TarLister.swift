#if canImport(Glibc)
import Glibc
#endif

/// Prints each entry of a tar stream as `tar -tv` does:
/// `-rw-r--r-- user/group  size 2026-11-25 15:06 name`.
/// A sparse file shows its real size; the types bale never writes show as
/// GNU tar shows them (`V... NAME--Volume Header--`, `M... NAME--Continued
/// at byte N--`, `?... NAME unknown file type 'X'`); a time the calendar
/// cannot show is shown in seconds, as GNU tar does. Entries `--exclude`
/// matches are left out, as `tar -t --exclude` leaves them out.
///
/// The same lines come from the stream (`begin`, as a `TarReader`
/// handler) and from an archive's index (`list`): one formatter, so the
/// two listings cannot drift apart.
///
/// Each line is built as bytes in one reused buffer and handed over whole
/// (newline included): `list` of a large index prints tens of thousands
/// of lines, and building each through `String` (interpolation, a string
/// per field, UTF-8 validation) was most of its time. Names are escaped
/// straight into the line (`TerminalText.escape`), sizes written as
/// digits, and the owner's and the time's text kept from the entry before
/// when they are the same (consecutive entries mostly share an owner and
/// often a time: escaping, `localtime_r` and `strftime` once, not per line).
public struct TarLister: TarReader.Handler {
    /// Receives each line, newline included (and may fail: standard
    /// output full or closed). The bytes are valid only during the call.
    public var print: (ArraySlice<UInt8>) throws(BaleError) -> Void
    /// Entries not listed.
    public var exclusions: ExclusionPatterns
    /// The last owner and time formatted, with their text.
    private var lastOwner: (userID: UInt32, groupID: UInt32, user: [UInt8], group: [UInt8], text: [UInt8])?
    private var lastTime: (seconds: Int64, text: [UInt8])?
    /// The line being built, reused from line to line (grown when a line
    /// could be longer than it).
    private var line: [UInt8] = []

    public init(exclusions: ExclusionPatterns = ExclusionPatterns(),
                print: @escaping (ArraySlice<UInt8>) throws(BaleError) -> Void) {
        self.exclusions = exclusions
        self.print = print
    }

    public mutating func begin(_ entry: TarEntry) throws(BaleError) {
        if exclusions.excludes(entry.name) { return }
        try printLine(kind: entry.kind, special: entry.special, mode: entry.mode, userID: entry.userID,
                      groupID: entry.groupID, userName: entry.userName, groupName: entry.groupName,
                      size: entry.size, seconds: entry.modificationSeconds, name: entry.name,
                      linkTarget: entry.linkTarget)
    }

    /// Lists an entry of an archive's index: the line `begin` prints for
    /// the entry the stream holds there (the index keeps what the line
    /// shows: a regular file's real size, 0 for the others, the mode's
    /// permission bits), without making a `TarEntry` of it.
    public mutating func list(_ entry: ArchiveIndex.Entry) throws(BaleError) {
        if exclusions.excludes(entry.name) { return }
        try printLine(kind: entry.kind, special: nil, mode: entry.mode, userID: entry.userID,
                      groupID: entry.groupID, userName: entry.userName, groupName: entry.groupName,
                      size: Int64(entry.size), seconds: entry.modificationSeconds, name: entry.name,
                      linkTarget: entry.linkTarget)
    }

    private mutating func printLine(kind: TarEntry.Kind, special: TarEntry.Special?, mode: UInt32,
                                    userID: UInt32, groupID: UInt32, userName: [UInt8], groupName: [UInt8],
                                    size: Int64, seconds: Int64, name: [UInt8], linkTarget: [UInt8]) throws(BaleError) {
        var type: UInt8
        switch kind {
        case .file: type = UInt8(ascii: "-")
        case .directory: type = UInt8(ascii: "d")
        case .symbolicLink: type = UInt8(ascii: "l")
        case .hardLink: type = UInt8(ascii: "h")
        case .fifo: type = UInt8(ascii: "p")
        case .characterDevice: type = UInt8(ascii: "c")
        case .blockDevice: type = UInt8(ascii: "b")
        }
        var suffix: [UInt8] = []
        switch special {
        case .volumeLabel?:
            type = UInt8(ascii: "V")
            suffix = Array("--Volume Header--".utf8)
        case .continuation(let offset)?:
            type = UInt8(ascii: "M")
            suffix = Array("--Continued at byte \(offset)--".utf8)
        case .unknownType(let letter)?:
            type = UInt8(ascii: "?")
            suffix = Array((" unknown file type '" + TerminalText.escaped([letter]) + "'").utf8)
        case .dumpDirectory?, nil:
            break
        }
        let owner: [UInt8]
        if let last = lastOwner, last.userID == userID, last.groupID == groupID,
           last.user == userName, last.group == groupName {
            owner = last.text
        } else {
            owner = Array(((userName.isEmpty ? String(userID) : TerminalText.escaped(userName)) + "/"
                           + (groupName.isEmpty ? String(groupID) : TerminalText.escaped(groupName))).utf8)
            lastOwner = (userID, groupID, userName, groupName, owner)
        }
        let when: [UInt8]
        if let last = lastTime, last.seconds == seconds {
            when = last.text
        } else {
            when = Self.formatted(time: seconds)
            lastTime = (seconds, when)
        }
        let link: (separator: String, target: [UInt8])? = switch kind {
        case .symbolicLink: (" -> ", linkTarget)
        case .hardLink: (" link to ", linkTarget)
        default: nil
        }

        // The longest the line can be: type and permissions, three spaces
        // and the size (20 digits and a sign at most), the owner, the
        // time, the name and the target escaped at their longest, the
        // separator (9), the suffix, the newline.
        let longest = 10 + 3 + 21 + owner.count + 1 + when.count + 1
            + TerminalText.maximumGrowth * (name.count + linkTarget.count) + 9 + suffix.count + 1
        if line.count < longest { line = [UInt8](repeating: 0, count: max(longest, 4096)) }
        let length = line.withUnsafeMutableBufferPointer { buffer -> Int in
            let out = buffer.baseAddress!
            var at = 0
            func put(_ byte: UInt8) {
                out[at] = byte
                at += 1
            }
            func put(_ bytes: [UInt8]) {
                bytes.withUnsafeBufferPointer { source in
                    guard let base = source.baseAddress else { return }
                    (out + at).update(from: base, count: source.count)
                    at += source.count
                }
            }
            func putEscaped(_ bytes: [UInt8]) {
                bytes.withUnsafeBufferPointer { at += TerminalText.escape($0, into: out + at) }
            }
            put(type)
            Self.putPermissions(mode, at: out + at)
            at += 9
            put(0x20)
            put(owner)
            put(0x20)
            at += Self.putDecimal(size, width: 8, at: out + at)
            put(0x20)
            put(when)
            put(0x20)
            putEscaped(name)
            put(suffix)
            if let link {
                for byte in link.separator.utf8 { put(byte) }
                putEscaped(link.target)
            }
            put(0x0A)
            return at
        }
        try print(line[..<length])
    }

    /// Writes the nine permission letters of `mode` at `out`, as ls and
    /// tar show them: setuid, setgid and sticky in the x columns (`s` or
    /// `S`, `t` or `T`).
    private static func putPermissions(_ mode: UInt32, at out: UnsafeMutablePointer<UInt8>) {
        let letters: (UInt8, UInt8, UInt8) = (UInt8(ascii: "r"), UInt8(ascii: "w"), UInt8(ascii: "x"))
        for index in 0..<9 {
            let on = mode & (0o400 >> UInt32(index)) != 0
            let letter = index % 3 == 0 ? letters.0 : index % 3 == 1 ? letters.1 : letters.2
            var shown = on ? letter : UInt8(ascii: "-")
            let special: (UInt32, UInt8)? = index == 2 ? (0o4000, UInt8(ascii: "s")) : index == 5 ? (0o2000, UInt8(ascii: "s"))
                : index == 8 ? (0o1000, UInt8(ascii: "t")) : nil
            if let (bit, mark) = special, mode & bit != 0 {
                shown = on ? mark : mark - 0x20  // "s" or "S", "t" or "T"
            }
            out[index] = shown
        }
    }

    /// Writes `value` in decimal at `out`, right-aligned with spaces in
    /// `width` columns (as `%*lld`); returns the bytes written.
    private static func putDecimal(_ value: Int64, width: Int, at out: UnsafeMutablePointer<UInt8>) -> Int {
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let sign = value < 0 ? 1 : 0
        let padding = max(0, width - digits - sign)
        for index in 0..<padding { out[index] = 0x20 }
        if sign == 1 { out[padding] = UInt8(ascii: "-") }
        let end = padding + sign + digits
        var index = end
        repeat {
            index -= 1
            out[index] = 0x30 + UInt8(magnitude % 10)
            magnitude /= 10
        } while index > padding + sign
        return end
    }

    /// `seconds` as `tar -tv` shows a time, local, to the minute; in
    /// seconds when the calendar cannot show it.
    static func formatted(time seconds: Int64) -> [UInt8] {
        var time = time_t(seconds)
        var parts = tm()
        if localtime_r(&time, &parts) != nil {
            // Four-digit years written here (strftime, with its locale
            // machinery, was a tenth of the listing's time); others, with
            // their sign and padding rules, by strftime.
            let year = Int(parts.tm_year) + 1900
            if (1000...9999).contains(year) {
                var text = [UInt8](repeating: 0, count: 16)
                func put(_ value: Int, digits: Int, at offset: Int) {
                    var value = value
                    for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                        text[index] = 0x30 + UInt8(value % 10)
                        value /= 10
                    }
                }
                put(year, digits: 4, at: 0)
                text[4] = UInt8(ascii: "-")
                put(Int(parts.tm_mon) + 1, digits: 2, at: 5)
                text[7] = UInt8(ascii: "-")
                put(Int(parts.tm_mday), digits: 2, at: 8)
                text[10] = UInt8(ascii: " ")
                put(Int(parts.tm_hour), digits: 2, at: 11)
                text[13] = UInt8(ascii: ":")
                put(Int(parts.tm_min), digits: 2, at: 14)
                return text
            }
            let text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer -> [UInt8]? in
                let length = strftime(buffer.baseAddress!, buffer.count, "%Y-%m-%d %H:%M", &parts)
                return length > 0 ? Array(UnsafeRawBufferPointer(start: buffer.baseAddress, count: length)) : nil
            }
            if let text { return text }
        }
        return Array(String(seconds).utf8)
    }

    public mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {}
    public mutating func hole(_ length: Int64) throws(BaleError) {}
    public mutating func end() throws(BaleError) {}
    public mutating func finish() -> [Diagnostic] { [] }
}
