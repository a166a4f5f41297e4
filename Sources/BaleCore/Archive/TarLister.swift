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
public struct TarLister: TarReader.Handler {
    /// Receives each line (and may fail: standard output full or closed).
    public var print: (String) throws(BaleError) -> Void
    /// Entries not listed.
    public var exclusions: ExclusionPatterns
    /// The last owner and time formatted, with their text: consecutive
    /// entries mostly share an owner and often a time, and formatting them
    /// (escaping, `localtime_r`, `strftime`) was much of the cost of
    /// listing tens of thousands of entries from an index.
    private var lastOwner: (userID: UInt32, groupID: UInt32, user: [UInt8], group: [UInt8], text: String)?
    private var lastTime: (seconds: Int64, text: String)?

    public init(exclusions: ExclusionPatterns = ExclusionPatterns(), print: @escaping (String) throws(BaleError) -> Void) {
        self.exclusions = exclusions
        self.print = print
    }

    public mutating func begin(_ entry: TarEntry) throws(BaleError) {
        if exclusions.excludes(entry.name) { return }
        var type: Character
        switch entry.kind {
        case .file: type = "-"
        case .directory: type = "d"
        case .symbolicLink: type = "l"
        case .hardLink: type = "h"
        case .fifo: type = "p"
        case .characterDevice: type = "c"
        case .blockDevice: type = "b"
        }
        var suffix = ""
        switch entry.special {
        case .volumeLabel?:
            type = "V"
            suffix = "--Volume Header--"
        case .continuation(let offset)?:
            type = "M"
            suffix = "--Continued at byte \(offset)--"
        case .unknownType(let letter)?:
            type = "?"
            suffix = " unknown file type '" + Self.escaped([letter]) + "'"
        case .dumpDirectory?, nil:
            break
        }
        // Built as bytes, without a string per letter: `list` of a large
        // index formats tens of thousands of these.
        var permissions: [UInt8] = Array("rwxrwxrwx".utf8)
        let bits = entry.mode
        for index in 0..<9 {
            let on = bits & (0o400 >> UInt32(index)) != 0
            // setuid, setgid and sticky show in the x columns, as ls and tar show them.
            let special: (UInt32, UInt8)? = index == 2 ? (0o4000, 0x73) : index == 5 ? (0o2000, 0x73) : index == 8 ? (0o1000, 0x74) : nil
            if let (bit, mark) = special, bits & bit != 0 {
                permissions[index] = on ? mark : mark - 0x20  // "s" or "S", "t" or "T"
            } else if !on {
                permissions[index] = 0x2d  // "-"
            }
        }
        let owner: String
        if let last = lastOwner, last.userID == entry.userID, last.groupID == entry.groupID,
           last.user == entry.userName, last.group == entry.groupName {
            owner = last.text
        } else {
            owner = (entry.userName.isEmpty ? String(entry.userID) : Self.escaped(entry.userName))
                + "/" + (entry.groupName.isEmpty ? String(entry.groupID) : Self.escaped(entry.groupName))
            lastOwner = (entry.userID, entry.groupID, entry.userName, entry.groupName, owner)
        }
        let when: String
        if let last = lastTime, last.seconds == entry.modificationSeconds {
            when = last.text
        } else {
            when = Self.formatted(time: entry.modificationSeconds)
            lastTime = (entry.modificationSeconds, when)
        }
        let size = String(entry.size)
        var line = "\(type)\(String(decoding: permissions, as: UTF8.self)) \(owner) \(String(repeating: " ", count: max(0, 8 - size.count)))\(size) \(when) \(Self.escaped(entry.name))\(suffix)"
        if entry.kind == .symbolicLink { line += " -> " + Self.escaped(entry.linkTarget) }
        if entry.kind == .hardLink { line += " link to " + Self.escaped(entry.linkTarget) }
        try print(line)
    }

    /// A name as GNU tar prints it: backslash and control characters escaped
    /// (a newline as \\n), so each entry is one line (`TerminalText`).
    /// `seconds` as `tar -tv` shows a time, local, to the minute; in
    /// seconds when the calendar cannot show it.
    static func formatted(time seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        var when = String(seconds)
        if localtime_r(&time, &parts) != nil {
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
                if strftime(buffer.baseAddress!, buffer.count, "%Y-%m-%d %H:%M", &parts) > 0 {
                    when = String(cString: buffer.baseAddress!)
                }
            }
        }
        return when
    }

    static func escaped(_ name: [UInt8]) -> String { TerminalText.escaped(name) }

    public mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {}
    public mutating func hole(_ length: Int64) throws(BaleError) {}
    public mutating func end() throws(BaleError) {}
    public mutating func finish() -> [Diagnostic] { [] }
}
