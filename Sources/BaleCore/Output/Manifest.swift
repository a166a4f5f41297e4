#if canImport(Glibc)
import Glibc
#endif

/// A list of files' SHA-256 in `sha256sum`'s format (`--manifest`).
///
/// Each line is 64 hexadecimal digits, two spaces and the name. A name
/// with a backslash or a newline is written with `\\` and `\n` and its
/// line starts with a backslash, as sha256sum writes it, so that
/// `sha256sum -c` reads every name back.
public enum Manifest {
    /// The files a manifest lists: names (as stored in the archive) and
    /// their SHA-256, in any order. The digests are one flat array, 32
    /// bytes per name, rather than an array each.
    public struct Entries: Sendable {
        /// The names, in the order they were added.
        public private(set) var names: [[UInt8]] = []
        /// `names[i]`'s digest is bytes `32 * i ..< 32 * (i + 1)`.
        public private(set) var digests: [UInt8] = []

        public init() {}

        /// Adds `name` with its 32-byte `digest`.
        public mutating func append<Digest: Collection<UInt8>>(name: [UInt8], digest: Digest) {
            precondition(digest.count == 32)
            names.append(name)
            digests.append(contentsOf: digest)
        }

        /// How many files there are.
        public var count: Int { names.count }
    }

    /// The manifest's text: one line per file, sorted by the names' bytes
    /// (as `LC_ALL=C sort` orders them).
    public static func text(_ entries: Entries) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(entries.names.reduce(0) { $0 + lineLength(path: $1) })
        forEachBlock(of: entries) { block in
            text += block
            return true
        }
        return text
    }

    /// Makes the manifest's text a block of up to 1 MiB at a time, in
    /// order, handing each to `body` (which returns false to stop), so
    /// that a manifest of millions of lines is written without holding
    /// its whole text.
    ///
    /// This runs at the end of a pack, over as many as millions of names,
    /// so it avoids Swift's per-element costs: the names are copied once
    /// into one buffer and an array of indices is sorted with memcmp over
    /// it (moving a (name, digest) pair costs two retains and releases);
    /// the lines are written straight into the block. 100,000 lines: about
    /// 0.13 s with `sorted` and `append`, about 0.03 s this way. The names
    /// usually arrive nearly sorted (the walk sorts siblings; only names
    /// around "/" differ), and an already sorted list is not sorted again.
    public static func forEachBlock(of entries: Entries, _ body: (UnsafeRawBufferPointer) -> Bool) {
        let order = sortedOrder(entries.names)
        let blockSize = 1 << 20
        var block = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize)
        var capacity = blockSize
        defer { block.deallocate() }
        var used = 0
        entries.digests.withUnsafeBufferPointer { digests in
            for index in order {
                let name = entries.names[index]
                let length = lineLength(path: name)
                if used + length > capacity {
                    if used > 0 {
                        guard body(UnsafeRawBufferPointer(start: block, count: used)) else { return }
                        used = 0
                    }
                    if length > capacity {
                        // A name longer than a block (escapes double it): a block of its size.
                        block.deallocate()
                        block = .allocate(capacity: length)
                        capacity = length
                    }
                }
                let digest = UnsafeBufferPointer(rebasing: digests[(32 * index)..<(32 * index + 32)])
                used += writeLine(digest: digest, path: name, to: block + used)
            }
            if used > 0 { _ = body(UnsafeRawBufferPointer(start: block, count: used)) }
        }
    }

    /// The indices of `names` in byte order of the names.
    static func sortedOrder(_ names: [[UInt8]]) -> [Int] {
        // The names, one after another, and where each starts.
        var starts = [Int](repeating: 0, count: names.count + 1)
        for (index, name) in names.enumerated() { starts[index + 1] = starts[index] + name.count }
        let flat = [UInt8](unsafeUninitializedCapacity: starts[names.count]) { buffer, count in
            for (index, name) in names.enumerated() {
                name.withUnsafeBufferPointer { name in
                    guard let base = name.baseAddress else { return }
                    (buffer.baseAddress! + starts[index]).initialize(from: base, count: name.count)
                }
            }
            count = starts[names.count]
        }
        var order = Array(0..<names.count)
        flat.withUnsafeBufferPointer { flat in
            starts.withUnsafeBufferPointer { starts in
                let base = flat.baseAddress
                func precedes(_ a: Int, _ b: Int) -> Bool {
                    let lengthA = starts[a + 1] - starts[a], lengthB = starts[b + 1] - starts[b]
                    let common = min(lengthA, lengthB)
                    let order = common == 0 ? 0 : memcmp(base! + starts[a], base! + starts[b], common)
                    return order != 0 ? order < 0 : lengthA < lengthB
                }
                let sorted = order.indices.dropFirst().allSatisfy { !precedes(order[$0], order[$0 - 1]) }
                if !sorted { order.sort(by: precedes) }
            }
        }
        return order
    }

    /// Appends `path`'s line to `text`.
    public static func appendLine(digest: [UInt8], path: [UInt8], to text: inout [UInt8]) {
        let length = lineLength(path: path)
        let line = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            count = digest.withUnsafeBufferPointer { writeLine(digest: $0, path: path, to: buffer.baseAddress!) }
        }
        text += line
    }

    /// Writes the manifest of `lines` to `path` (through a temporary file
    /// renamed into place) or to standard output ("-").
    /// `sha256sum -c` checks it where the files are.
    public static func write(_ entries: Entries, to path: String, messages: Messages) -> ExitCode {
        if path == "-" { return writeToStandardOutput(text(entries), messages: messages) }
        do throws(BaleError) {
            let file = try AtomicOutputFile(path: path)
            try write(entries, to: file)
            try file.commit(attributes: nil, sync: false)
        } catch {
            messages.error("\(error.description) (the manifest)")
            return .failure
        }
        return .success
    }

    /// Writes the manifest's text to `file` (not committed), a block at a time.
    static func write(_ entries: Entries, to file: AtomicOutputFile) throws(BaleError) {
        var failure: BaleError?
        forEachBlock(of: entries) { block in
            do throws(BaleError) { try file.write(block) } catch {
                failure = error
                return false
            }
            return true
        }
        if let failure { throw failure }
    }

    static func writeToStandardOutput(_ text: [UInt8], messages: Messages) -> ExitCode {
        do throws(SystemError) { try FileIO.write(1, text) } catch {
            messages.error("stdout: cannot write the manifest: \(error.reason)")
            return .failure
        }
        return .success
    }

    // MARK: - One line

    private static let backslash = UInt8(ascii: "\\"), newline = UInt8(ascii: "\n")

    /// The bytes `path`'s line takes: digest, two spaces, the name
    /// escaped, the newline, and the leading backslash of an escaped line.
    static func lineLength(path: [UInt8]) -> Int {
        var escapes = 0
        for byte in path where byte == backslash || byte == newline { escapes += 1 }
        return 64 + 2 + path.count + escapes + 1 + (escapes > 0 ? 1 : 0)
    }

    /// Writes `path`'s line at `at` (`lineLength(path:)` bytes); returns its length.
    static func writeLine(digest: UnsafeBufferPointer<UInt8>, path: [UInt8], to at: UnsafeMutablePointer<UInt8>) -> Int {
        var at = at, written = 0
        func put(_ byte: UInt8) {
            at.pointee = byte
            at += 1
            written += 1
        }
        let escaped = path.contains(backslash) || path.contains(newline)
        if escaped { put(backslash) }
        SHA256.writeHex(digest, to: at)
        at += 2 * digest.count
        written += 2 * digest.count
        put(UInt8(ascii: " "))
        put(UInt8(ascii: " "))
        if escaped {
            for byte in path {
                switch byte {
                case backslash: put(backslash); put(backslash)
                case newline: put(backslash); put(UInt8(ascii: "n"))
                default: put(byte)
                }
            }
        } else {
            path.withUnsafeBufferPointer { name in
                guard let base = name.baseAddress else { return }
                at.initialize(from: base, count: name.count)
                at += name.count
                written += name.count
            }
        }
        put(newline)
        return written
    }
}
