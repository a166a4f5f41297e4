#if canImport(Glibc)
import Glibc
#endif

/// The paths a command works on: those given on the command line, then
/// those listed in a file (`-T`, `--files-from`). The trees below them
/// are walked by `TreeWalk`.
enum DirectoryListing {
    /// The paths a command was given, then those listed in `list` (if any):
    /// `bale pack PATH... -T FILE`, `bale gzip -r PATH... --files-from FILE`.
    /// Each given path is the bytes the command line held (`RawArguments`):
    /// a name that is not UTF-8 is found as it is.
    /// A list that held a NUL without `--null` is said on `context`
    /// (`names`).
    static func paths(
        _ given: [String], listedIn list: String?, nullSeparated: Bool, context: RunContext
    ) -> Result<[[UInt8]], BaleError> {
        let paths = given.map(TerminalText.bytes(ofName:))
        guard let list else { return .success(paths) }
        return names(listedIn: list, nullSeparated: nullSeparated).map { listed in
            if listed.heldANul {
                context.report(.notice(path: list, "file name read contains nul character"))
            }
            return paths + listed.names
        }
    }

    /// The names a list holds, and whether it held a NUL though read as
    /// lines.
    struct Listed {
        var names: [[UInt8]]
        var heldANul: Bool
    }

    /// Reads a list of names, one per line or NUL-terminated
    /// (`--files-from`, `--null`), from a file or standard input ("-").
    /// A line's C escapes are undone (`\n`, `\t`, `\\`, octal), as GNU
    /// tar 1.34 reads `-T` (its default `--unquote`): a list of the names
    /// `tar -tf` or `bale list` print, which quote the odd bytes, names
    /// the files themselves (bale took `t/nl\nname` literally, "Cannot
    /// stat", where tar stored the file). With `--null` a name is taken
    /// as it is, as tar takes it: `find -print0` quotes nothing.
    ///
    /// A list read as lines that holds a NUL (`find -print0 | bale pack
    /// -T -`, `--null` forgotten) is read from its first NUL on as with
    /// `--null`, as GNU tar reads it, which says so ("file name read
    /// contains nul character"): read as one line, it named the first
    /// file alone, under a name holding all the others (its bytes to the
    /// NUL opened, the whole line stored), exit 0 (a probe helper).
    static func names(listedIn path: String, nullSeparated: Bool) -> Result<Listed, BaleError> {
        // A name that is not UTF-8 comes in TerminalText's stand-ins: open its bytes.
        let fd = path == "-" ? 0 : withCString(TerminalText.bytes(ofName: path)) { open($0, O_RDONLY | O_CLOEXEC) }
        if fd < 0 { return .failure(.cannotOpen(path: path, .current("open"))) }
        defer { if fd != 0 { FileIO.close(fd) } }
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(fd) } catch { return .failure(.readFailed(path: path, error)) }
        if nullSeparated { return .success(Listed(names: bytes.split(separator: 0).map(Array.init), heldANul: false)) }
        guard let nul = bytes.firstIndex(of: 0) else {
            return .success(Listed(names: bytes.split(separator: UInt8(ascii: "\n")).map { EntrySelection.unquoted(Array($0)) },
                                   heldANul: false))
        }
        // The lines before the line the NUL is in, as lines; that line, to
        // the NUL, and the rest, as NUL-terminated names.
        let lineStart = bytes[..<nul].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let lines = bytes[..<lineStart].split(separator: UInt8(ascii: "\n")).map { EntrySelection.unquoted(Array($0)) }
        return .success(Listed(names: lines + bytes[lineStart...].split(separator: 0).map(Array.init), heldANul: true))
    }
}
