#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// The globs of `--exclude`, matched against member names as GNU tar 1.34
/// matches them by default (its `--wildcards --wildcards-match-slash
/// --no-anchored`): fnmatch(3) with wildcards that match '/', tried on the
/// whole name and on every tail that starts after a '/', so `*.log`,
/// `logs` and `a/b` each match at any depth. A trailing '/' of a
/// directory's name is not part of it.
///
/// A glob that begins with `./` (`--exclude ./node_modules`, the form a
/// `tar -c .` user writes) can only match at the start of a name in GNU
/// tar, whose names begin with `./` there. `pack` stores no leading `./`
/// (nor do `gzip -r`'s names), so such a glob never matched and what it
/// named was packed, exit 0. It is matched, without its `./`, against the
/// whole name without its own leading `./`, and only there: the top
/// `node_modules`, not `src/node_modules`, as in GNU tar (a wildcard in
/// it still matches '/': `./*.log` is any `.log`, as there).
///
/// Extraction matches with `includesDirectoryContents` (fnmatch's GNU flag
/// FNM_LEADING_DIR, as GNU tar): the entries of an excluded directory come
/// later in the archive under their own names, and a pattern that matches
/// their directory must exclude them too. A tree walk (`pack`, `gzip -r`)
/// does not need it: it never descends into an excluded directory.
public struct ExclusionPatterns: Sendable {
    /// The globs, as given (a byte that is not UTF-8 as a stand-in,
    /// `RawArguments`).
    public var globs: [String] { didSet { globBytes = Self.cStrings(globs) } }
    /// Each glob's bytes, NUL-terminated, which fnmatch matches against a
    /// name's bytes (made once: names are matched by the thousand).
    private var globBytes: [(glob: [CChar], atStart: Bool)]
    /// Whether a name inside a matching directory matches too.
    public var includesDirectoryContents: Bool

    public init(_ globs: [String] = [], includesDirectoryContents: Bool = true) {
        self.globs = globs
        globBytes = Self.cStrings(globs)
        self.includesDirectoryContents = includesDirectoryContents
    }

    private static func cStrings(_ globs: [String]) -> [(glob: [CChar], atStart: Bool)] {
        globs.map { glob in
            let bytes = withLoneBackslashKept(TerminalText.bytes(ofName: glob))
            let rest = TarMemberName.withoutLeadingDot(bytes)
            let atStart = rest.count < bytes.count && !rest.isEmpty
            return ((atStart ? rest : bytes).map { CChar(bitPattern: $0) } + [0], atStart)
        }
    }

    /// `glob` with a lone '\' at its end escaped, when it has no wildcard:
    /// GNU tar compares such a glob as a literal name once its escapes are
    /// undone (gnulib's exclude: `fnmatch_pattern_has_wildcards`, then
    /// `unescape_pattern`, which keeps a '\' that ends the glob), so
    /// `--exclude '\'` and `--exclude 'b\'` leave out the names `\` and
    /// `b\`; fnmatch(3) matches nothing with a glob that ends in an escape,
    /// and bale excluded nothing (a probe helper). A glob with wildcards
    /// (`*\`) matches nothing there either.
    static func withLoneBackslashKept(_ glob: [UInt8]) -> [UInt8] {
        let backslash = UInt8(ascii: "\\")
        var index = 0
        var endsInEscape = false
        while index < glob.count {
            switch glob[index] {
            case backslash:
                if index + 1 == glob.count { endsInEscape = true }
                index += 1
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"):
                return glob
            default:
                break
            }
            index += 1
        }
        return endsInEscape ? glob + [backslash] : glob
    }


    /// True when no glob is given (nothing is excluded).
    public var isEmpty: Bool { globs.isEmpty }

    /// True when a glob matches `name` or a tail of it.
    public func excludes(_ name: [UInt8]) -> Bool {
        guard !globBytes.isEmpty else { return false }
        var name = name
        while name.count > 1 && name.last == UInt8(ascii: "/") { name.removeLast() }
        let flags = includesDirectoryContents ? bale_fnm_leading_dir : 0
        let fromStart = TarMemberName.withoutLeadingDot(name)
        return withCString(name) { whole in
            let length = name.count
            return globBytes.contains { (glob, atStart) in glob.withUnsafeBufferPointer { glob in
                let glob = glob.baseAddress!
                if atStart { return withCString(fromStart) { GlobMatch.matches(glob, $0, flags: flags) } }
                if GlobMatch.matches(glob, whole, flags: flags) { return true }
                // Each tail after a '/' (not after the first of several).
                for index in 0..<length where name[index] == UInt8(ascii: "/")
                    && index + 1 < length && name[index + 1] != UInt8(ascii: "/") {
                    if GlobMatch.matches(glob, whole + index + 1, flags: flags) { return true }
                }
                return false
            } }
        }
    }
}
