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
    static func paths(
        _ given: [String], listedIn list: String?, nullSeparated: Bool
    ) -> Result<[[UInt8]], BaleError> {
        let paths = given.map(TerminalText.bytes(ofName:))
        guard let list else { return .success(paths) }
        return names(listedIn: list, nullSeparated: nullSeparated).map { paths + $0 }
    }

    /// Reads a list of names, one per line or NUL-terminated
    /// (`--files-from`, `--null`), from a file or standard input ("-").
    /// A line's C escapes are undone (`\n`, `\t`, `\\`, octal), as GNU
    /// tar 1.34 reads `-T` (its default `--unquote`): a list of the names
    /// `tar -tf` or `bale list` print, which quote the odd bytes, names
    /// the files themselves (bale took `t/nl\nname` literally, "Cannot
    /// stat", where tar stored the file). With `--null` a name is taken
    /// as it is, as tar takes it: `find -print0` quotes nothing.
    static func names(listedIn path: String, nullSeparated: Bool) -> Result<[[UInt8]], BaleError> {
        // A name that is not UTF-8 comes in TerminalText's stand-ins: open its bytes.
        let fd = path == "-" ? 0 : withCString(TerminalText.bytes(ofName: path)) { open($0, O_RDONLY | O_CLOEXEC) }
        if fd < 0 { return .failure(.cannotOpen(path: path, .current("open"))) }
        defer { if fd != 0 { FileIO.close(fd) } }
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(fd) } catch { return .failure(.readFailed(path: path, error)) }
        let separator = nullSeparated ? UInt8(0) : UInt8(ascii: "\n")
        return .success(bytes.split(separator: separator).map { nullSeparated ? Array($0) : EntrySelection.unquoted(Array($0)) })
    }
}
