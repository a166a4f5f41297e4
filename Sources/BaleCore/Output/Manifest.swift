/// A list of files' SHA-256 in `sha256sum`'s format (`--manifest`).
public enum Manifest {
    /// Writes one line per file, sorted by name, to `path` (through a
    /// temporary file renamed into place) or to standard output ("-").
    /// `sha256sum -c` checks it where the files are.
    public static func write(
        _ digests: [(name: [UInt8], digest: [UInt8])], to path: String, messages: Messages
    ) -> ExitCode {
        var text: [UInt8] = []
        text.reserveCapacity(digests.reduce(0) { $0 + 70 + $1.name.count })
        for entry in digests.sorted(by: { $0.name.lexicographicallyPrecedes($1.name) }) {
            SumCommand.appendLine(digest: entry.digest, path: entry.name, to: &text)
        }
        if path == "-" {
            do throws(SystemError) { try FileIO.write(1, text) } catch {
                messages.error("stdout: cannot write the manifest: \(error.reason)")
                return .failure
            }
            return .success
        }
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
}
