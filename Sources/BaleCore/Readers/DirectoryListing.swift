#if canImport(Glibc)
import Glibc
#endif

/// The names in a directory, sorted by bytes (so walks are deterministic),
/// without "." and "..". Used by the tree walks of `pack` and `gzip -r`.
enum DirectoryListing {
    static func names(_ path: [UInt8]) -> Result<[[UInt8]], SystemError> {
        guard let directory = withCString(path, { opendir($0) }) else { return .failure(.current("opendir")) }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while let entry = readdir(directory) {
            // The name is read in place, up to its NUL: a dirent is only as
            // long as its name needs (d_reclen), so copying the whole
            // 256-byte d_name field can read past the end of the kernel's
            // buffer, and past the end of the page (a crash, seen once in
            // a dozen runs over 100,000 files).
            let field = UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            let name = Array(UnsafeRawBufferPointer(start: field, count: strlen(field.assumingMemoryBound(to: CChar.self))))
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append(name)
        }
        return .success(names.sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// The paths a command was given, then those listed in `list` (if any):
    /// `bale pack PATH... -T FILE`, `bale gzip -r PATH... --files-from FILE`.
    static func paths(
        _ given: [String], listedIn list: String?, nullSeparated: Bool
    ) -> Result<[[UInt8]], BaleError> {
        let paths = given.map { Array($0.utf8) }
        guard let list else { return .success(paths) }
        return names(listedIn: list, nullSeparated: nullSeparated).map { paths + $0 }
    }

    /// Reads a list of names, one per line or NUL-terminated
    /// (`--files-from`, `--null`), from a file or standard input ("-").
    static func names(listedIn path: String, nullSeparated: Bool) -> Result<[[UInt8]], BaleError> {
        let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return .failure(.cannotOpen(path: path, .current("open"))) }
        defer { if fd != 0 { FileIO.close(fd) } }
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(fd) } catch { return .failure(.readFailed(path: path, error)) }
        let separator = nullSeparated ? UInt8(0) : UInt8(ascii: "\n")
        return .success(bytes.split(separator: separator).map { Array($0) })
    }
}
