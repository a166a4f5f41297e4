#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// The entries named on `bale cat` and `bale unpack`'s command line, matched
/// against member names as GNU tar 1.34 matches the names given to `tar -x`,
/// so that a script moving from tar gets the same entries and the same
/// complaints:
/// - a name (`PATH`) matches the member of exactly that name, and with it
///   everything under it when it is a directory (`top/a` takes `top/a/`
///   and `top/a/b/g`), compared byte for byte: `./f` is not `f`, `a//b`
///   is not `a/b`; trailing slashes of the name given are dropped;
/// - a pattern (`--wildcards PATTERN`) is fnmatch(3) on the whole name,
///   anchored at its start (not tried on its tails, unlike `--exclude`),
///   wildcards matching '/', and it takes a matching directory's contents
///   (GNU's FNM_LEADING_DIR, as tar's default `--recursion`);
/// - C escapes in the names and patterns are undone first, as GNU tar's
///   default `--unquote` undoes them (`'d/back\\slash'` is `d/back\slash`,
///   `'a\nb'` has a newline): the names `tar -t` and `bale list` print, with
///   their escapes, can be given back as they are;
/// - each member is credited to the first name, in command-line order,
///   that matches it; a name credited with no member is "Not found in
///   archive" at the end, with tar's exit status 2. (So a name given twice
///   is not found the second time, as in tar.) A plain name holding
///   wildcard characters that was not found gets tar's hint once.
///
/// A value type: the command keeps one and asks `select` of each member in
/// archive order, in either path (the index's entries or the stream's).
public struct EntrySelection: Sendable, Equatable {
    /// One name or pattern from the command line.
    public struct Name: Sendable, Equatable {
        /// As given, trailing slashes dropped (for matching and messages).
        public var text: [UInt8]
        /// True for `--wildcards PATTERN`.
        public var isPattern: Bool
        /// Members credited to it so far.
        public var found = 0
        /// The text NUL-terminated, for fnmatch: made once, not per member.
        let terminated: [CChar]

        public init(text: [UInt8], isPattern: Bool) {
            self.text = text
            self.isPattern = isPattern
            terminated = text.map { CChar(bitPattern: $0) } + [0]
        }
    }

    /// The names and patterns, in command-line order.
    public private(set) var names: [Name]

    /// Names (`paths`) and patterns (`patterns`), the names first, as the
    /// command line gives them: their bytes (`TerminalText.bytes(ofName:)` of
    /// the arguments, decoded without loss: `RawArguments`),
    /// so that a member whose name is not UTF-8 can be named. Empty:
    /// nothing is selected by name (every member is taken: `unpack`
    /// without names).
    public init(paths: [[UInt8]] = [], patterns: [[UInt8]] = []) {
        names = paths.map { Name(text: TarMemberName.withoutTrailingSlashes(Self.unquoted($0)), isPattern: false) }
            + patterns.map { Name(text: TarMemberName.withoutTrailingSlashes(Self.unquoted($0)), isPattern: true) }
    }

    /// `name` with its C escapes undone as GNU tar 1.34's `unquote_string`
    /// undoes them: `\\`, `\a`, `\b`, `\f`, `\n`, `\r`, `\t`, `\v`, `\?`
    /// (DEL) and up to three octal digits; a backslash before anything
    /// else stays, with what follows it (`d/back\slash` is itself).
    static func unquoted(_ name: [UInt8]) -> [UInt8] {
        guard name.contains(UInt8(ascii: "\\")) else { return name }
        let escapes: [UInt8: UInt8] = [
            UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "a"): 7, UInt8(ascii: "b"): 8, UInt8(ascii: "f"): 12,
            UInt8(ascii: "n"): 10, UInt8(ascii: "r"): 13, UInt8(ascii: "t"): 9, UInt8(ascii: "v"): 11, UInt8(ascii: "?"): 127,
        ]
        func octal(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) }
        var result: [UInt8] = []
        var at = 0
        while at < name.count {
            let byte = name[at]
            at += 1
            guard byte == UInt8(ascii: "\\"), at < name.count else {
                result.append(byte)
                continue
            }
            let next = name[at]
            if let escaped = escapes[next] {
                result.append(escaped)
                at += 1
            } else if octal(next) {
                var value = 0
                var digits = 0
                while digits < 3, at < name.count, octal(name[at]) {
                    value = value * 8 + Int(name[at] - UInt8(ascii: "0"))
                    at += 1
                    digits += 1
                }
                result.append(UInt8(truncatingIfNeeded: value))
            } else {
                result.append(byte)
            }
        }
        return result
    }

    /// True when no name was given: every member is taken.
    public var takesEverything: Bool { names.isEmpty }

    /// Whether the member `name` is taken; credits the first name that
    /// matches it. Everything is taken when no name was given.
    public mutating func select(_ name: [UInt8]) -> Bool {
        if names.isEmpty { return true }
        guard let index = names.firstIndex(where: { Self.matches($0, name) }) else { return false }
        names[index].found += 1
        return true
    }

    /// Whether `select` would take the member `name`, without crediting
    /// any name: what the index's decoder asks of every record, so that
    /// it makes entries of those a selection can take and few others
    /// (`ArchiveIndexDecoder.Kept.selectedBy`). The name is borrowed
    /// (a record's, read in place), and no array is made of it.
    public func wouldSelect(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        names.isEmpty || names.contains { Self.matches($0, name) }
    }

    /// The names no member matched, each "Not found in archive" as GNU tar
    /// says it (exit 2), and tar's hint once when one of them holds
    /// wildcard characters but was given as a plain name.
    public var notFound: [Diagnostic] {
        let missing = names.filter { $0.found == 0 }
        var said = missing.map {
            Diagnostic(.error, path: TerminalText.name($0.text), "Not found in archive", exitStatus: .warning)
        }
        if missing.contains(where: { !$0.isPattern && Self.holdsWildcards($0.text) }) {
            said.insert(.warning(path: nil, "pattern matching characters used in file names; "
                                 + "give them with --wildcards PATTERN to match by pattern"), at: 0)
        }
        return said
    }

    /// The names no member matched when the archive could not be read to
    /// its end: each not found in the part that was read, which says
    /// nothing of the rest (an error; the archive's own error says why).
    public var notReached: [Diagnostic] {
        names.filter { $0.found == 0 }.map {
            Diagnostic(.error, path: TerminalText.name($0.text),
                       "not found in the part of the archive read before the error", exitStatus: .failure)
        }
    }

    /// Whether `name` holds fnmatch(3)'s special characters as GNU tar's
    /// `fnmatch_pattern_has_wildcards` looks for them: `*`, `?`, `[`, `]`,
    /// not escaped by a backslash.
    private static func holdsWildcards(_ name: [UInt8]) -> Bool {
        var at = 0
        while at < name.count {
            switch name[at] {
            case UInt8(ascii: "\\"): at += 1
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"): return true
            default: break
            }
            at += 1
        }
        return false
    }

    /// Whether `given` matches the member `member`: the name itself or a
    /// name under it; a pattern by fnmatch with FNM_LEADING_DIR.
    static func matches(_ given: Name, _ member: [UInt8]) -> Bool {
        member.withUnsafeBufferPointer { matches(given, $0) }
    }

    static func matches(_ given: Name, _ member: UnsafeBufferPointer<UInt8>) -> Bool {
        if given.isPattern {
            // Without its trailing slashes, as GNU tar matches a directory's
            // name: `d/*` takes what is in `d/`, not `d/` itself.
            var length = member.count
            while length > 1 && member[length - 1] == UInt8(ascii: "/") { length -= 1 }
            // The member's name made a C string on the stack: no array per name.
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { name in
                for place in 0..<length { name[place] = CChar(bitPattern: member[place]) }
                name[length] = 0
                return GlobMatch.matches(given.terminated, name.baseAddress!, flags: bale_fnm_leading_dir)
            }
        }
        let text = given.text
        guard member.count >= text.count, member.starts(with: text) else { return false }
        // "top/a" takes "top/a", "top/a/" and "top/a/x"; "/" takes "/x".
        return member.count == text.count || member[text.count] == UInt8(ascii: "/") || text.last == UInt8(ascii: "/")
    }
}
