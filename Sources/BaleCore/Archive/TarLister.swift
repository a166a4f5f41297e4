#if canImport(Glibc)
import Glibc
#endif

/// Prints each entry of a tar stream as `tar -tv` does:
/// `-rw-r--r-- user/group  size 2026-11-25 15:06 name`.
/// A sparse file shows its real size, a device its numbers (`1,3`), in
/// GNU tar's columns (`ownerAndSizeWidth`); the types bale never writes show as
/// GNU tar shows them (`V... NAME--Volume Header--`, `M... NAME--Continued
/// at byte N--`, `?... NAME unknown file type 'X'`); a time the calendar
/// cannot show is shown in seconds, as GNU tar does, the time column
/// widened after it as tar widens it (`timeWidth`). Entries `--exclude`
/// matches are left out, as `tar -t --exclude` leaves them out.
///
/// The same lines come from the stream (`begin`, as a `TarReader`
/// handler) and from an archive's index (`write`, from each entry's record
/// in the index's payload): one formatter, so the
/// two listings cannot drift apart.
///
/// Each line is built as bytes and handed over whole (newline included):
/// `list` of a large index prints tens of thousands of lines, and building
/// each through `String` (interpolation, a string per field, UTF-8
/// validation) was most of its time. Names are escaped straight into the
/// line (`TerminalText.escape`), sizes written as digits, the owner's text
/// kept from the entry before when it is the same (consecutive entries
/// mostly share an owner), and each time's text kept in a small table by
/// its second (`TimeTexts`: an archive's entries share a few thousand
/// times, met in no order; `localtime_r` once per time, not per line).
/// From the stream, a line is built in a reused buffer and given to
/// `print`; from an index, `write` builds it in the caller's buffer, so
/// that `list` writes its lines where they go out, without a copy.
public struct TarLister: TarReader.Handler {
    /// Receives each line, newline included (and may fail: standard
    /// output full or closed). The bytes are valid only during the call.
    public var print: (ArraySlice<UInt8>) throws(BaleError) -> Void
    /// Entries not listed.
    public var exclusions: ExclusionPatterns
    /// The last owner formatted, with its text.
    private var lastOwner: (userID: UInt32, groupID: UInt32, user: [UInt8], group: [UInt8], text: [UInt8])?
    private var times = TimeTexts()
    /// How many columns the owner and the size take together ("root/root
    /// 1234", the space between them included): GNU tar's `ugswidth`
    /// (list.c), 19 at first and widened, for the lines after too, to the
    /// widest owner and size met. The size is right-aligned in what the
    /// owner leaves, so the columns after it line up as tar's do.
    private var ownerAndSizeWidth = 19
    /// How many columns the time takes: GNU tar's `datewidth` (list.c),
    /// 16 ("2026-11-25 15:06") at first and widened, for the lines after
    /// too, to the longest time met (a year past 9999, or a time shown in
    /// seconds); a shorter time is padded on its right, as tar pads it.
    private var timeWidth = 16
    /// A POSIX volume label read, not yet listed (see `begin`).
    private var heldLabel: TarEntry?
    /// The line being built from the stream, reused from line to line
    /// (grown when a line could be longer than it).
    private var line: [UInt8] = []

    public init(exclusions: ExclusionPatterns = ExclusionPatterns(),
                print: @escaping (ArraySlice<UInt8>) throws(BaleError) -> Void = { _ in }) {
        self.exclusions = exclusions
        self.print = print
    }

    public mutating func begin(_ entry: TarEntry) throws(BaleError) {
        // A GNU volume label is listed whatever `--exclude` says, as tar
        // lists it. A POSIX one (a pax global header's) tar prints as it
        // reads the entry after it, only when that entry is listed: it
        // waits for the first entry `--exclude` leaves.
        if entry.isGlobalLabel {
            heldLabel = entry
            return
        }
        if entry.special != .volumeLabel && exclusions.excludes(entry.name) { return }
        if let label = heldLabel {
            heldLabel = nil
            try list(label)
        }
        try list(entry)
    }

    /// An entry the reader could not read (its sparse map unusable) is
    /// listed as its header gives it, as `tar -tv` lists it.
    public mutating func unreadable(_ entry: TarEntry) throws(BaleError) {
        try begin(entry)
    }

    /// Prints the line of `entry`.
    private mutating func list(_ entry: TarEntry) throws(BaleError) {
        let (type, suffix) = Self.typeAndSuffix(of: entry.kind, entry.special)
        let longest = longestLine(name: entry.name.count, linkTarget: entry.linkTarget.count,
                                       userName: entry.userName.count, groupName: entry.groupName.count,
                                       suffix: suffix.count)
        if line.count < longest { line = [UInt8](repeating: 0, count: max(longest, 4096)) }
        // Taken out while `writeLine` (which changes self) writes into it.
        var buffer = line
        line = []
        let length = buffer.withUnsafeMutableBufferPointer { out in
            entry.name.withUnsafeBufferPointer { name in
                entry.linkTarget.withUnsafeBufferPointer { linkTarget in
                    entry.userName.withUnsafeBufferPointer { userName in
                        entry.groupName.withUnsafeBufferPointer { groupName in
                            writeLine(type: type, suffix: suffix, kind: entry.kind, mode: entry.mode,
                                      userID: entry.userID, groupID: entry.groupID, userName: userName,
                                      groupName: groupName, size: entry.listedSizeField ?? entry.size,
                                      device: (entry.deviceMajor, entry.deviceMinor),
                                      seconds: Self.shownSeconds(entry.modificationSeconds, entry.modificationNanoseconds),
                                      name: name, linkTarget: linkTarget, at: out.baseAddress!)
                        }
                    }
                }
            }
        }
        line = buffer
        try print(line[..<length])
    }

    /// The most bytes `write` writes for `record`, as the next line.
    public func longestLine(of record: ArchiveIndexRecord) -> Int {
        longestLine(name: record.name.count, linkTarget: record.linkTarget.count,
                    userName: record.userName.count, groupName: record.groupName.count, suffix: 0)
    }

    /// Writes the line of an index's entry at `out`, which has room for
    /// `longestLine(of: record)` bytes; returns the bytes written (none for
    /// an excluded entry). The line is the one `begin` prints for the entry
    /// the stream holds there (the index keeps what the line shows: a
    /// regular file's real size, 0 for the others, the mode's permission
    /// bits).
    public mutating func write(_ record: ArchiveIndexRecord, at out: UnsafeMutablePointer<UInt8>) -> Int {
        if !exclusions.isEmpty, exclusions.excludes(Array(record.name)) { return 0 }
        let (type, _) = Self.typeAndSuffix(of: record.kind, nil)
        return writeLine(type: type, suffix: [], kind: record.kind, mode: record.mode, userID: record.userID,
                         groupID: record.groupID, userName: record.userName, groupName: record.groupName,
                         size: Int64(record.size), device: (record.deviceMajor, record.deviceMinor),
                         seconds: Self.shownSeconds(record.modificationSeconds, record.modificationNanoseconds),
                         name: record.name,
                         linkTarget: record.linkTarget, at: out)
    }

    /// The type letter a line begins with, and what it ends with: GNU
    /// tar's words for the types bale never writes.
    private static func typeAndSuffix(of kind: TarEntry.Kind, _ special: TarEntry.Special?) -> (UInt8, [UInt8]) {
        switch special {
        case .volumeLabel?:
            return (UInt8(ascii: "V"), Array("--Volume Header--".utf8))
        case .continuation(let offset)?:
            return (UInt8(ascii: "M"), Array("--Continued at byte \(offset)--".utf8))
        case .unknownType(let letter)?:
            // Quoted as tar quotes it: ‘Z’ in a UTF-8 locale, 'Z' in C.
            return (UInt8(ascii: "?"), Array((" unknown file type " + TerminalText.quoted(TerminalText.escaped([letter]))).utf8))
        case .contiguous?:
            return (UInt8(ascii: "C"), [])
        case .dumpDirectory?, .paxContinuation?, nil:
            break
        }
        switch kind {
        case .file: return (UInt8(ascii: "-"), [])
        case .directory: return (UInt8(ascii: "d"), [])
        case .symbolicLink: return (UInt8(ascii: "l"), [])
        case .hardLink: return (UInt8(ascii: "h"), [])
        case .fifo: return (UInt8(ascii: "p"), [])
        case .characterDevice: return (UInt8(ascii: "c"), [])
        case .blockDevice: return (UInt8(ascii: "b"), [])
        }
    }

    /// The longest the next line can be: type and permissions, three
    /// spaces, the owner and the size (the width so far, or the owner,
    /// names escaped at their longest or ids of 10 digits, a space and
    /// the size, 21 bytes at most: 20 digits and a sign, or two numbers of
    /// 10 digits and a comma), the time (strftime's 32 bytes at most), the
    /// name and the target escaped at their longest, the separator (9),
    /// the suffix, the newline.
    private func longestLine(name: Int, linkTarget: Int, userName: Int, groupName: Int, suffix: Int) -> Int {
        let growth = TerminalText.maximumGrowth
        let ownerAndSize = max(ownerAndSizeWidth, max(growth * userName, 10) + 1 + max(growth * groupName, 10) + 1 + 21)
        return 10 + 3 + ownerAndSize + 32 + growth * (name + linkTarget) + 9 + suffix + 1
    }

    private mutating func writeLine(type: UInt8, suffix: [UInt8], kind: TarEntry.Kind, mode: UInt32,
                                    userID: UInt32, groupID: UInt32, userName: UnsafeBufferPointer<UInt8>,
                                    groupName: UnsafeBufferPointer<UInt8>, size: Int64,
                                    device: (major: UInt32, minor: UInt32), seconds: Int64,
                                    name: UnsafeBufferPointer<UInt8>, linkTarget: UnsafeBufferPointer<UInt8>,
                                    at out: UnsafeMutablePointer<UInt8>) -> Int {
        let owner: [UInt8]
        if let last = lastOwner, last.userID == userID, last.groupID == groupID,
           sameBytes(last.user, userName), sameBytes(last.group, groupName) {
            owner = last.text
        } else {
            // Owner names as tar prints them in any locale: printable
            // characters as they are (only names of entries follow the locale).
            owner = Array(((userName.isEmpty ? String(userID) : TerminalText.escaped(userName, inUTF8: true)) + "/"
                           + (groupName.isEmpty ? String(groupID) : TerminalText.escaped(groupName, inUTF8: true))).utf8)
            lastOwner = (userID, groupID, Array(userName), Array(groupName), owner)
        }
        // Written through a moving pointer, with no local function
        // capturing it: captured, it was checked for exclusive access at
        // each byte written.
        var at = out
        at.pointee = type
        Self.putPermissions(mode, at: at + 1)
        at[10] = 0x20
        at = Self.put(owner, at: at + 11)
        // The size, or a device's numbers as tar shows them, written after
        // room for the widest padding, then moved into place.
        let room = max(0, ownerAndSizeWidth - owner.count)
        var sizeLength: Int
        if kind == .characterDevice || kind == .blockDevice {
            sizeLength = Self.putDecimal(Int64(device.major), width: 0, at: at + room)
            at[room + sizeLength] = UInt8(ascii: ",")
            sizeLength += 1 + Self.putDecimal(Int64(device.minor), width: 0, at: at + room + sizeLength + 1)
        } else {
            sizeLength = Self.putDecimal(size, width: 0, at: at + room)
        }
        ownerAndSizeWidth = max(ownerAndSizeWidth, owner.count + 1 + sizeLength)
        let spaces = ownerAndSizeWidth - owner.count - sizeLength
        if spaces != room { memmove(at + spaces, at + room, sizeLength) }
        for index in 0..<spaces { at[index] = 0x20 }
        at += spaces + sizeLength
        at.pointee = 0x20
        at += 1
        let timeLength = times.write(seconds, at: at)
        timeWidth = max(timeWidth, timeLength)
        for index in timeLength..<timeWidth { at[index] = 0x20 }
        at += timeWidth
        at.pointee = 0x20
        at += 1
        at += TerminalText.escape(name, into: at)
        at = Self.put(suffix, at: at)
        switch kind {
        case .symbolicLink:
            at = Self.put(Self.symbolicLinkSeparator, at: at)
            at += TerminalText.escape(linkTarget, into: at)
        case .hardLink:
            // As tar -tv shows it: the target extraction links to, without
            // a leading "/" or anything up to its last ".." (GNU tar's
            // safer_name_suffix; "." when nothing is left).
            at = Self.put(Self.hardLinkSeparator, at: at)
            let removed = linkTarget.first == UInt8(ascii: "/") || linkTarget.contains(UInt8(ascii: "."))
                ? TarMemberName.of(Array(linkTarget)).removed.count : 0
            if removed == linkTarget.count {  // all removed, or empty (tar: "Substituting `.' for empty hard link target")
                at = Self.put([UInt8(ascii: ".")], at: at)
            } else {
                at += TerminalText.escape(UnsafeBufferPointer(rebasing: linkTarget[removed...]), into: at)
            }
        default:
            break
        }
        at.pointee = 0x0A
        return at + 1 - out
    }

    private static let symbolicLinkSeparator = Array(" -> ".utf8)
    private static let hardLinkSeparator = Array(" link to ".utf8)

    /// Copies `bytes` to `out`; returns where they end.
    private static func put(_ bytes: [UInt8], at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { out.update(from: base, count: source.count) }
        }
        return out + bytes.count
    }

    /// The text of each time met (`formatted(time:)`), in a table of
    /// 1024 slots chosen by a hash of the second: a time whose slot holds
    /// it costs a lookup; another is formatted and takes the slot. Exact:
    /// a slot is used only for its own second, and `localtime_r` gives one
    /// answer per second while bale runs. Only the usual 16-byte text
    /// ("2026-11-25 15:06") is kept; the rare others are formatted each time.
    private struct TimeTexts {
        private struct Slot {
            var seconds: Int64 = 0
            /// The 16 bytes of text, as two words; both 0 for an empty slot.
            var text: (UInt64, UInt64) = (0, 0)
        }

        private var slots = [Slot](repeating: Slot(), count: 1024)

        /// Writes the text of `seconds` at `out` (room for 32 bytes);
        /// returns its length.
        mutating func write(_ seconds: Int64, at out: UnsafeMutablePointer<UInt8>) -> Int {
            let slot = Int(truncatingIfNeeded: (UInt64(bitPattern: seconds) &* 0x9E37_79B9_7F4A_7C15) >> 54)
            let raw = UnsafeMutableRawPointer(out)
            if slots[slot].seconds == seconds, slots[slot].text.0 != 0 {
                raw.storeBytes(of: slots[slot].text.0, as: UInt64.self)
                raw.storeBytes(of: slots[slot].text.1, toByteOffset: 8, as: UInt64.self)
                return 16
            }
            let text = TarLister.formatted(time: seconds)
            text.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
            if text.count == 16 {
                slots[slot] = Slot(seconds: seconds, text: (raw.loadUnaligned(as: UInt64.self),
                                                            raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
            return text.count
        }
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

    /// The second `tar -tv` shows for a time of `seconds` + `nanoseconds`:
    /// GNU tar's `tartime` writes a time before the epoch as a sign and a
    /// magnitude, so it drops the fraction towards zero (-0.25 s shows as
    /// 1970-01-01 00:00, -1.5 s as 23:59:59, not 23:59:58).
    static func shownSeconds(_ seconds: Int64, _ nanoseconds: Int32) -> Int64 {
        seconds < 0 && nanoseconds != 0 ? seconds + 1 : seconds
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
