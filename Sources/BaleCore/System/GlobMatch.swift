#if canImport(Glibc)
import Glibc
#endif

/// fnmatch(3) in the character set of the user's locale, as GNU tar
/// matches `--exclude` and `--wildcards` (it runs in that locale): in a
/// UTF-8 locale `?` and a bracket expression take one character, `é` (two
/// bytes) as much as `e`. bale itself runs in the C locale, where they
/// take one byte: `pack --exclude '?'` stored a file named `é` that GNU
/// tar leaves out, and `cat --wildcards 'd/[éx]'` did not find `d/é`.
///
/// The locale is made once, for its character classes only
/// (`newlocale`), and put in place around each match on the calling
/// thread alone (`uselocale`): the rest of bale stays in C.
enum GlobMatch {
    /// The user's character set, when it is UTF-8 (`TerminalText.localeIsUTF8`).
    private nonisolated(unsafe) static let characters: locale_t? =
        TerminalText.localeIsUTF8 ? newlocale(LC_CTYPE_MASK, "", nil) : nil

    /// Whether `name` matches `pattern` (both NUL-terminated), with fnmatch's `flags`.
    static func matches(_ pattern: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>, flags: Int32) -> Bool {
        guard let characters else { return fnmatch(pattern, name, flags) == 0 }
        let previous = uselocale(characters)
        defer { uselocale(previous) }
        return fnmatch(pattern, name, flags) == 0
    }
}
