#if canImport(Glibc)
import Glibc
#endif

/// A list of files' SHA-256 in `sha256sum`'s format (`--manifest`).
public enum Manifest {
    /// One file's name (as stored in the archive) and its SHA-256.
    public typealias Line = (name: [UInt8], digest: [UInt8])

    /// The manifest's text: one line per file, sorted by the names' bytes
    /// (as `LC_ALL=C sort` orders them), names escaped as sha256sum does.
    ///
    /// The lines come in the order the tree was walked, which is already
    /// nearly sorted (siblings are sorted; only names around "/" differ),
    /// so the sort is mostly one pass over runs; the comparison is memcmp.
    public static func text(_ lines: [Line]) -> [UInt8] {
        let sorted = lines.sorted { precedes($0.name, $1.name) }
        var text: [UInt8] = []
        text.reserveCapacity(lines.reduce(0) { $0 + 70 + $1.name.count })
        for line in sorted {
            SumCommand.appendLine(digest: line.digest, path: line.name, to: &text)
        }
        return text
    }

    /// Writes the manifest of `lines` to `path` (through a temporary file
    /// renamed into place) or to standard output ("-").
    /// `sha256sum -c` checks it where the files are.
    public static func write(_ lines: [Line], to path: String, messages: Messages) -> ExitCode {
        let text = text(lines)
        if path == "-" { return writeToStandardOutput(text, messages: messages) }
        do throws(BaleError) {
            let file = try AtomicOutputFile(path: path)
            try file.write(text)
            try file.commit(attributes: nil, sync: false)
        } catch {
            messages.error("\(error.description) (the manifest)")
            return .failure
        }
        return .success
    }

    static func writeToStandardOutput(_ text: [UInt8], messages: Messages) -> ExitCode {
        do throws(SystemError) { try FileIO.write(1, text) } catch {
            messages.error("stdout: cannot write the manifest: \(error.reason)")
            return .failure
        }
        return .success
    }

    /// Byte order of two names (a shorter name first when it is a prefix).
    static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                let common = min(a.count, b.count)
                let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
                return order != 0 ? order < 0 : a.count < b.count
            }
        }
    }
}
