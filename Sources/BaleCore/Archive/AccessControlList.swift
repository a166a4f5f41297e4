/// A POSIX access control list (the draft 1003.1e ACLs Linux keeps), in
/// the two forms bale meets it in: the text of a pax `SCHILY.acl.access`
/// or `SCHILY.acl.default` record, and the kernel's binary form, the value
/// of the `system.posix_acl_access` / `system.posix_acl_default` extended
/// attribute, through which Linux reads and sets an ACL.
///
/// The text is written as GNU tar 1.34 writes it (`acl_to_text`: one entry
/// a line, "user::rw-\nuser:NAME:r--\ngroup::r--\nmask::r--\nother::r--\n",
/// a name where the id has one, else the number), and read in every form
/// the tars write: GNU tar's, and bsdtar's, which separates entries with
/// commas and adds the id as a fourth field ("user:nobody:r--:65534") so
/// that a name unknown where the archive is extracted still has an id.
///
/// Why bale's own code and not libacl or libarchive: the kernel form is a
/// fixed little-endian table (a version, then 8 bytes an entry) that
/// fsetxattr takes directly, so setting it needs no library and works on a
/// descriptor, which libacl's `acl_set_fd` also does but only through an
/// `acl_t` built entry by entry; libarchive's text parser
/// (`archive_entry_acl_from_text`) reads both text forms but would tie
/// extraction to an `archive_entry` and add a library to the release
/// binary for some 60 lines of parsing (measured: README, "Archives").
public struct AccessControlList: Equatable, Sendable {
    /// What an entry applies to.
    public enum Tag: UInt16, Sendable, Comparable {
        case owner = 0x01          // ACL_USER_OBJ
        case user = 0x02           // ACL_USER
        case owningGroup = 0x04    // ACL_GROUP_OBJ
        case group = 0x08          // ACL_GROUP
        case mask = 0x10           // ACL_MASK
        case other = 0x20          // ACL_OTHER

        public static func < (left: Tag, right: Tag) -> Bool { left.rawValue < right.rawValue }

        /// True for the tags that name a user or group (a qualifier).
        var isQualified: Bool { self == .user || self == .group }
    }

    /// One entry: a tag, its qualifier (for `user` and `group`: a name,
    /// an id, or both), and its permissions (r 4, w 2, x 1).
    public struct Entry: Equatable, Sendable {
        public var tag: Tag
        /// The user or group name; empty when only the id is known.
        public var name: [UInt8] = []
        /// The user or group id; nil when only the name is known.
        public var id: UInt32?
        public var permissions: UInt16

        public init(tag: Tag, name: [UInt8] = [], id: UInt32? = nil, permissions: UInt16) {
            self.tag = tag
            self.name = name
            self.id = id
            self.permissions = permissions
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// Gives the named entries that have no id the ids of `other`, the
    /// same ACL in the kernel's form (GNU tar stores it beside the text,
    /// as `SCHILY.xattr.system.posix_acl_*`), so that a name unknown where
    /// the archive is extracted falls back to its id, as a file's owner
    /// does. Both list named entries in id order (`acl_to_text` writes
    /// them in the kernel's), so they are matched in order within each
    /// tag; nothing is taken unless the tags and permissions agree.
    mutating func takeIDs(from other: AccessControlList) {
        for tag in [Tag.user, .group] {
            let mine = entries.indices.filter { entries[$0].tag == tag }
            let theirs = other.entries.filter { $0.tag == tag }
            guard mine.count == theirs.count,
                  zip(mine, theirs).allSatisfy({ entries[$0].permissions == $1.permissions }) else { continue }
            for (index, entry) in zip(mine, theirs) where entries[index].id == nil { entries[index].id = entry.id }
        }
    }

    // MARK: Kernel form

    /// The kernel's version of its binary form (`POSIX_ACL_XATTR_VERSION`).
    static let kernelVersion: UInt32 = 2
    /// The id of an entry without a qualifier (`ACL_UNDEFINED_ID`).
    static let undefinedID: UInt32 = 0xFFFF_FFFF

    /// The ACL in the value of `system.posix_acl_access` or `_default`:
    /// entries with ids only. Nil when the bytes are not that form.
    public init?(kernelForm bytes: [UInt8]) {
        guard bytes.count >= 4, (bytes.count - 4) % 8 == 0, Self.little32(bytes, 0) == Self.kernelVersion else { return nil }
        var entries: [Entry] = []
        for at in stride(from: 4, to: bytes.count, by: 8) {
            guard let tag = Tag(rawValue: UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8) else { return nil }
            let permissions = UInt16(bytes[at + 2]) | UInt16(bytes[at + 3]) << 8
            guard permissions <= 7 else { return nil }
            entries.append(Entry(tag: tag, id: tag.isQualified ? Self.little32(bytes, at + 4) : nil, permissions: permissions))
        }
        self.init(entries: entries)
    }

    /// The kernel's binary form, each named entry's id found by `lookUp`
    /// (the name on this system), else its recorded id; nil when an entry
    /// has neither (the name `unresolved`), or the list lacks an entry
    /// the kernel requires. Entries are sorted by tag, then id, as the
    /// kernel requires; a mask is added, as setfacl adds it, when named
    /// entries have none.
    public func kernelForm(lookUp: ([UInt8], Tag) -> UInt32?) -> Result<[UInt8], Unresolved> {
        var resolved: [(tag: Tag, id: UInt32, permissions: UInt16)] = []
        for entry in entries {
            var id = Self.undefinedID
            if entry.tag.isQualified {
                guard let found = (entry.name.isEmpty ? nil : lookUp(entry.name, entry.tag)) ?? entry.id else {
                    return .failure(Unresolved(name: entry.name))
                }
                id = found
            }
            resolved.append((entry.tag, id, entry.permissions))
        }
        let tags = Set(resolved.map(\.tag))
        guard tags.contains(.owner), tags.contains(.owningGroup), tags.contains(.other) else {
            return .failure(Unresolved(name: []))
        }
        if !tags.contains(.mask) && (tags.contains(.user) || tags.contains(.group)) {
            let groupClass = resolved.filter { $0.tag != .owner && $0.tag != .other }.reduce(UInt16(0)) { $0 | $1.permissions }
            resolved.append((.mask, Self.undefinedID, groupClass))
        }
        resolved.sort { ($0.tag, $0.id) < ($1.tag, $1.id) }
        var bytes = Self.bytes32(Self.kernelVersion)
        for entry in resolved {
            bytes += [UInt8(entry.tag.rawValue & 0xFF), UInt8(entry.tag.rawValue >> 8),
                      UInt8(entry.permissions), 0] + Self.bytes32(entry.id)
        }
        return .success(bytes)
    }

    /// An ACL that names a user or group this system cannot resolve, with
    /// no id recorded (or one missing a required entry: `name` empty).
    public struct Unresolved: Error { public var name: [UInt8] }

    private static func little32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    private static func bytes32(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }

    // MARK: Text form

    /// GNU tar's text: one entry a line, the name where there is one.
    public var text: [UInt8] {
        var text: [UInt8] = []
        for entry in entries {
            let tag: String
            switch entry.tag {
            case .owner, .user: tag = "user"
            case .owningGroup, .group: tag = "group"
            case .mask: tag = "mask"
            case .other: tag = "other"
            }
            text += Array(tag.utf8) + [UInt8(ascii: ":")]
            if entry.tag.isQualified { text += entry.name.isEmpty ? Array(String(entry.id ?? 0).utf8) : entry.name }
            text.append(UInt8(ascii: ":"))
            for (bit, letter) in [(UInt16(4), "r"), (2, "w"), (1, "x")] {
                text.append(entry.permissions & bit != 0 ? UInt8(ascii: Unicode.Scalar(letter)!) : UInt8(ascii: "-"))
            }
            text.append(UInt8(ascii: "\n"))
        }
        return text
    }

    /// The most entries accepted from an archive (the kernel takes at most
    /// about 8,000 in an attribute of 64 KiB).
    static let maximumEntries = 8192

    /// Parses the text of a `SCHILY.acl.*` record, GNU tar's form or
    /// bsdtar's (entries separated by newlines or commas, "#" comments
    /// and blanks ignored; tags in full or as their first letter;
    /// a qualifier that is all digits is an id; an optional fourth field
    /// is the id). Nil when any entry does not parse.
    public init?(text: [UInt8]) {
        var entries: [Entry] = []
        for line in text.split(whereSeparator: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: ",") }) {
            var body = line.prefix { $0 != UInt8(ascii: "#") }
            while let first = body.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { body.removeFirst() }
            while let last = body.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { body.removeLast() }
            if body.isEmpty { continue }
            guard entries.count < Self.maximumEntries else { return nil }
            let fields = body.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map(Array.init)
            guard fields.count == 3 || fields.count == 4 else { return nil }
            let qualifier = fields[1]
            let tag: Tag
            switch String(decoding: fields[0], as: UTF8.self) {
            case "user", "u": tag = qualifier.isEmpty ? .owner : .user
            case "group", "g": tag = qualifier.isEmpty ? .owningGroup : .group
            case "mask", "m": tag = .mask
            case "other", "o": tag = .other
            default: return nil
            }
            guard tag.isQualified || qualifier.isEmpty, let permissions = Self.permissions(fields[2]) else { return nil }
            var entry = Entry(tag: tag, permissions: permissions)
            if tag.isQualified {
                if let number = Self.number(qualifier) { entry.id = number } else { entry.name = qualifier }
                if fields.count == 4 {
                    guard let number = Self.number(fields[3]) else { return nil }
                    entry.id = number
                }
            }
            entries.append(entry)
        }
        guard !entries.isEmpty else { return nil }
        self.init(entries: entries)
    }

    /// "rwx" with "-" for a missing permission (any order, as setfacl reads it).
    private static func permissions(_ field: [UInt8]) -> UInt16? {
        var bits: UInt16 = 0
        for byte in field {
            switch byte {
            case UInt8(ascii: "r"): bits |= 4
            case UInt8(ascii: "w"): bits |= 2
            case UInt8(ascii: "x"): bits |= 1
            case UInt8(ascii: "-"): break
            default: return nil
            }
        }
        return field.isEmpty ? nil : bits
    }

    private static func number(_ field: [UInt8]) -> UInt32? {
        guard !field.isEmpty, field.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return UInt32(String(decoding: field, as: UTF8.self))
    }
}
