#if canImport(Glibc)
import Glibc
#endif

/// A manifest named on the command line (`sum -c FILE`, `verify
/// --manifest FILE`; "-" is standard input), opened to be read a line at
/// a time (`ManifestLines`) as `sha256sum -c` reads it, with the two
/// commands' rules for what makes a manifest unusable, and named in
/// messages as sha256sum names it.
///
/// The commands use this; it knows nothing of them: it returns the lines
/// or the error, for the command to report.
public enum ManifestFile {
    /// How messages name a manifest, as sha256sum does ("standard input" for "-").
    public static func displayName(_ manifest: String) -> String {
        Manifest.quotedForMessage(TerminalText.bytes(ofName: name(manifest)))
    }

    /// The manifest's name as given ("standard input" for "-"): the path
    /// of its errors, which `sum -c` says with `displayName`'s quoting
    /// (`Diagnostic.sha256sum`) and `--json` as it is.
    public static func name(_ manifest: String) -> String {
        manifest == "-" ? "standard input" : manifest
    }

    /// Why a manifest with no well-formed line (an empty one too) is no
    /// list to check, in sha256sum's words: `sum -c` fails it.
    public static func holdsNoChecksum(_ manifest: String) -> BaleError {
        .corrupt(path: name(manifest), offset: nil, reason: "no properly formatted checksum lines found")
    }

    /// The manifest `manifest` ("-": standard input) opened for reading,
    /// to be read a line at a time (`ManifestLines`) and closed with `close`.
    public static func open(_ manifest: String) -> Result<Int32, BaleError> {
        let fd = manifest == "-" ? 0 : withCString(TerminalText.bytes(ofName: manifest)) { Glibc.open($0, O_RDONLY | O_CLOEXEC) }
        if fd < 0 {
            let failure = SystemError.current("open")  // before the name is made: an allocation may change errno
            return .failure(.cannotOpen(path: name(manifest), failure))
        }
        return .success(fd)
    }

    /// Closes what `open` opened (standard input is left open).
    public static func close(_ fd: Int32) {
        if fd != 0 { FileIO.close(fd) }
    }

    /// The well-formed lines of a manifest (`verify --manifest`), where a
    /// malformed line is an error too: a check against a list that was
    /// misread would pass for the wrong reason. An empty manifest is one
    /// (of an archive with no regular file, such as a `--shard` part that
    /// got none), unlike for `sum -c`, which has nothing to check then.
    /// Read a line at a time into `Manifest.Entries` (its digests in one
    /// flat array): read whole, each line of the text and its two arrays
    /// were held with it.
    public static func readStrictly(_ manifest: String) -> Result<Manifest.Entries, BaleError> {
        let fd: Int32
        switch open(manifest) {
        case .success(let opened): fd = opened
        case .failure(let error): return .failure(error)
        }
        defer { close(fd) }
        var lines = ManifestLines(fd: fd, fromStandardInput: manifest == "-")
        var form = Manifest.LineForm()
        var entries = Manifest.Entries()
        var misformatted = 0
        do throws(SystemError) {
            while let line = try lines.next(form: &form) {
                switch line {
                case .entry(let entry, _): entries.append(name: entry.path, digest: entry.digest)
                case .misformatted: misformatted += 1
                }
            }
        } catch {
            return .failure(.readFailed(path: name(manifest), error))
        }
        guard misformatted == 0 else {
            return .failure(.corrupt(path: name(manifest), offset: nil,
                                     reason: "\(misformatted) line\(misformatted == 1 ? " is" : "s are") "
                                         + "not a SHA-256 line (HEX  NAME)"))
        }
        return .success(entries)
    }
}
