#if canImport(Glibc)
import Glibc
#endif

/// A list of files' SHA-256 in `sha256sum`'s format: the one home of that
/// format in bale, for writing (`bale sum`, `--manifest`), for reading
/// (`bale sum -c`, `verify --manifest`) and for the OK/FAILED lines of
/// `bale sum -c`.
///
/// Each line is 64 hexadecimal digits, two spaces and the name. A name
/// with a backslash, a newline or a carriage return is written with `\\`,
/// `\n` and `\r` and its line starts with a backslash, as sha256sum
/// writes it, so that `sha256sum -c` reads every name back. Names are
/// bytes throughout: one that is not UTF-8 is written and read back as
/// it is.
///
/// What is read and what `sum -c` prints follow GNU coreutils' sha256sum
/// (9.1, the one the tests compare against byte for byte); see `parse`
/// and `checkLine`.
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

    /// Appends `path`'s line in `style` to `text`.
    public static func appendLine(digest: [UInt8], path: [UInt8], style: LineStyle = .standard, to text: inout [UInt8]) {
        let length = lineLength(path: path, style: style)
        let line = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            count = digest.withUnsafeBufferPointer { writeLine(digest: $0, path: path, style: style, to: buffer.baseAddress!) }
        }
        text += line
    }

    /// Writes the manifest of `lines` to `path` (through a temporary file
    /// renamed into place) or to standard output ("-").
    /// `sha256sum -c` checks it where the files are; `sync` flushes it to
    /// disk before the rename (inputs are removed after it). The caller reports
    /// what is thrown (the format knows nothing of runs and their messages).
    public static func write(_ entries: Entries, to path: String, sync: Bool = false) throws(BaleError) {
        if path == "-" { return try StandardOutput.write(text(entries)) }
        let file = try AtomicOutputFile(path: path)
        do throws(BaleError) {
            try write(entries, to: file)
            try file.commit(attributes: nil, sync: sync)
        } catch {
            file.discard()
            throw error
        }
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

    // MARK: - One line

    private static let backslash = UInt8(ascii: "\\"), newline = UInt8(ascii: "\n"),
        carriageReturn = UInt8(ascii: "\r")

    /// True for the bytes sha256sum escapes in a name it writes.
    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == backslash || byte == newline || byte == carriageReturn
    }

    /// How a line is laid out: sha256sum's options for its output.
    public struct LineStyle: Equatable, Sendable {
        /// `-b`: the name marked `*` (read in binary mode), not ` `.
        public var binary = false
        /// `--tag`: BSD's `SHA256 (NAME) = DIGEST`.
        public var tag = false
        /// `-z`: each line ends with NUL, and names are not escaped.
        public var zeroTerminated = false

        public init(binary: Bool = false, tag: Bool = false, zeroTerminated: Bool = false) {
            self.binary = binary
            self.tag = tag
            self.zeroTerminated = zeroTerminated
        }

        /// sha256sum's default: `DIGEST  NAME` and a newline.
        public static let standard = LineStyle()

        /// True when `path` is written escaped (`\` first on the line).
        @inline(__always)
        func escapes(_ path: [UInt8]) -> Bool { !zeroTerminated && path.contains(where: needsEscape) }
    }

    private static let tagOpening = Array("SHA256 (".utf8), tagClosing = Array(") = ".utf8)

    /// The bytes `path`'s line takes in `style`: the digest, the name (escaped
    /// with a leading backslash where it must be), the separators and the
    /// line's end.
    static func lineLength(path: [UInt8], style: LineStyle = .standard) -> Int {
        var escapes = 0
        if style.escapes(path) { for byte in path where needsEscape(byte) { escapes += 1 } }
        let separators = style.tag ? tagOpening.count + tagClosing.count : 2
        return 64 + separators + path.count + escapes + 1 + (escapes > 0 ? 1 : 0)
    }

    /// Writes `path`'s line at `at` (`lineLength(path:style:)` bytes); returns its length.
    static func writeLine(digest: UnsafeBufferPointer<UInt8>, path: [UInt8], style: LineStyle = .standard,
                          to at: UnsafeMutablePointer<UInt8>) -> Int {
        var at = at, written = 0
        func put(_ byte: UInt8) {
            at.pointee = byte
            at += 1
            written += 1
        }
        func putDigest() {
            SHA256.writeHex(digest, to: at)
            at += 2 * digest.count
            written += 2 * digest.count
        }
        let escaped = style.escapes(path)
        if escaped { put(backslash) }
        if style.tag {
            for byte in tagOpening { put(byte) }
        } else {
            putDigest()
            put(UInt8(ascii: " "))
            put(UInt8(ascii: style.binary ? "*" : " "))
        }
        if escaped {
            for byte in path {
                switch byte {
                case backslash: put(backslash); put(backslash)
                case newline: put(backslash); put(UInt8(ascii: "n"))
                case carriageReturn: put(backslash); put(UInt8(ascii: "r"))
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
        if style.tag {
            for byte in tagClosing { put(byte) }
            putDigest()
        }
        put(style.zeroTerminated ? 0 : newline)
        return written
    }

    // MARK: - Reading

    /// One line read from a manifest: the digest it expects and the name.
    public struct Listed: Sendable {
        public var digest: [UInt8]
        public var path: [UInt8]
    }

    /// `sha256sum -c --warn`'s warning of a malformed line of the
    /// manifest `manifest` (as the command line gives it; "-").
    static func misformattedWarning(manifest: String, line: Int) -> Diagnostic {
        .sha256sum(.warning, path: ManifestFile.name(manifest), quoted: ManifestFile.displayName(manifest),
                   "\(line): improperly formatted SHA256 checksum line", exitStatus: .success)
    }

    /// What a manifest holds: its well-formed lines, in order, and how
    /// many lines were not well formed (sha256sum warns about those and
    /// goes on).
    public struct Checklist: Sendable {
        public var entries: [Listed] = []
        /// The line number of each entry (as `misformattedLines` counts).
        public var entryLines: [Int] = []
        /// The numbers (from 1, comments and blank lines counted) of the
        /// lines that are not well formed, for `sum -c --warn`'s warnings.
        public var misformattedLines: [Int] = []
        /// How many lines are not well formed.
        public var misformatted: Int { misformattedLines.count }
    }

    /// Reads the lines of a manifest as `sha256sum -c` reads them (GNU
    /// coreutils 9.1, `digest_check` and `split_3`), so that any manifest
    /// it accepts is accepted here with the same names, and lines it
    /// skips are skipped here:
    ///
    /// - lines starting with `#` and empty lines are ignored, and one
    ///   carriage return before the newline is dropped (CRLF manifests);
    /// - blanks (spaces, tabs) may come first; then a backslash marks a
    ///   name written with escapes (`\\`, `\n`, `\r`; any other escape
    ///   makes the line malformed);
    /// - `HEX  NAME` (text mode), `HEX *NAME` (binary mode), the BSD form
    ///   `SHA256 (NAME) = HEX`, and `HEX NAME` with one blank (the
    ///   "reversed BSD" form of `md5 -r`; the first such line decides
    ///   between it and the usual form for the rest, as sha256sum does, so
    ///   that a name beginning with a blank or `*` cannot be misread; the
    ///   decision is `form`'s, and sha256sum keeps it for every manifest
    ///   of a run, so `sum -c a b` passes one `form` to both);
    /// - HEX is 64 hexadecimal digits in either case; the name is every
    ///   byte after the blank and the mode character, leading and trailing
    ///   blanks included, and ends at a NUL if it holds one (as in C);
    /// - with the manifest read from standard input, a line naming `-`
    ///   is malformed (sha256sum would read that standard input again).
    public static func parse(_ text: [UInt8], fromStandardInput: Bool = false) -> Checklist {
        var form = LineForm()
        return parse(text, fromStandardInput: fromStandardInput, form: &form)
    }

    /// Which of the two forms with a blank after the digest a run's
    /// manifests use, decided by the first line that tells them apart
    /// (sha256sum's `bsd_reversed`): `HEX  NAME`/`HEX *NAME`, or `HEX NAME`.
    public struct LineForm: Sendable {
        /// Not yet known (nil), the reversed BSD form (true) or the usual one.
        fileprivate var reversed: Bool?

        public init() {}
    }

    /// `parse`, with the line form carried in and out (`LineForm`).
    public static func parse(_ text: [UInt8], fromStandardInput: Bool, form: inout LineForm) -> Checklist {
        var result = Checklist()
        var start = 0, number = 0
        while start < text.count {
            let end = text[start...].firstIndex(of: newline) ?? text.count
            let line = text[start..<end]
            start = end + 1
            number += 1
            switch read(line: line, fromStandardInput: fromStandardInput, form: &form) {
            case .passedOver: break
            case .entry(let entry):
                result.entries.append(entry)
                result.entryLines.append(number)
            case .misformatted: result.misformattedLines.append(number)
            }
        }
        return result
    }

    /// What one line of a manifest is, as sha256sum -c takes it.
    public enum LineReading: Sendable {
        /// A comment (`#` first) or an empty line: not counted as malformed.
        case passedOver
        /// A file and the digest it should have.
        case entry(Listed)
        /// A line that is not well formed (sha256sum warns of it with
        /// `--warn` and counts it).
        case misformatted
    }

    /// Reads one line of a manifest (without its newline) as `parse` does
    /// each: the one rule for the whole text read at once (`parse`) and
    /// for a manifest read a line at a time (`ManifestLines`).
    public static func read(line: ArraySlice<UInt8>, fromStandardInput: Bool, form: inout LineForm) -> LineReading {
        var line = line
        if line.first == UInt8(ascii: "#") { return .passedOver }
        if line.last == carriageReturn { line = line.dropLast() }
        if line.isEmpty { return .passedOver }
        guard let entry = split(Array(line), reversed: &form.reversed),
              !(fromStandardInput && entry.path == [UInt8(ascii: "-")]) else { return .misformatted }
        return .entry(entry)
    }

    /// One line, as sha256sum's split_3 takes it apart.
    private static func split(_ s: [UInt8], reversed: inout Bool?) -> Listed? {
        func isBlank(_ index: Int) -> Bool { index < s.count && (s[index] == 0x20 || s[index] == 0x09) }
        var i = 0
        while isBlank(i) { i += 1 }
        let escaped = i < s.count && s[i] == backslash
        if escaped { i += 1 }

        let tag = Array("SHA256".utf8)
        if s.count - i >= tag.count && Array(s[i..<(i + tag.count)]) == tag {
            var j = i + tag.count
            if j < s.count && s[j] == 0x20 { j += 1 }
            guard j < s.count && s[j] == UInt8(ascii: "(") else { return nil }
            return splitTagged(Array(s[(j + 1)...]), escaped: escaped)
        }

        // Too short for 64 digits, a blank and a one-byte name.
        let lead = i < s.count && s[i] == backslash ? 1 : 0
        guard s.count - i >= 66 + lead else { return nil }
        guard let digest = bytes(hex: s[i..<(i + 64)]) else { return nil }
        i += 64
        guard isBlank(i) else { return nil }
        i += 1
        if s.count - i == 1 || (s[i] != 0x20 && s[i] != UInt8(ascii: "*")) {
            if reversed == false { return nil }
            reversed = true
        } else if reversed != true {
            reversed = false
            i += 1
        }
        guard let path = name(s[i...], escaped: escaped) else { return nil }
        return Listed(digest: digest, path: path)
    }

    /// The rest of a BSD-style line after `SHA256 (`: `NAME) = HEX`, the
    /// name ending at the last `)`.
    private static func splitTagged(_ s: [UInt8], escaped: Bool) -> Listed? {
        guard let close = s.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        guard let path = name(s[..<close], escaped: escaped) else { return nil }
        var i = close + 1
        while i < s.count && (s[i] == 0x20 || s[i] == 0x09) { i += 1 }
        guard i < s.count && s[i] == UInt8(ascii: "=") else { return nil }
        i += 1
        while i < s.count && (s[i] == 0x20 || s[i] == 0x09) { i += 1 }
        // 64 digits, then the line's end or a NUL, as sha256sum reads them
        // (a C string): a single `--tag -z` line ends in its NUL.
        guard s.count - i == 64 || (s.count - i > 64 && s[i + 64] == 0),
              let digest = bytes(hex: s[i..<(i + 64)]) else { return nil }
        return Listed(digest: digest, path: path)
    }

    /// A name as written in a line: unescaped if the line was marked
    /// escaped (nil for a bad escape or a NUL), else cut at a NUL.
    private static func name(_ written: ArraySlice<UInt8>, escaped: Bool) -> [UInt8]? {
        guard escaped else { return Array(written.prefix { $0 != 0 }) }
        var result: [UInt8] = []
        result.reserveCapacity(written.count)
        var index = written.startIndex
        while index < written.endIndex {
            let byte = written[index]
            index += 1
            if byte == 0 { return nil }
            guard byte == backslash else {
                result.append(byte)
                continue
            }
            guard index < written.endIndex else { return nil }
            switch written[index] {
            case UInt8(ascii: "n"): result.append(newline)
            case UInt8(ascii: "r"): result.append(carriageReturn)
            case backslash: result.append(backslash)
            default: return nil
            }
            index += 1
        }
        return result
    }

    /// The bytes written as hexadecimal digits (either case), or nil.
    private static func bytes(hex: ArraySlice<UInt8>) -> [UInt8]? {
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }
        guard hex.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            guard let high = value(hex[index]), let low = value(hex[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }

    // MARK: - What `sum -c` prints

    /// The outcome of checking one listed file.
    public enum Verdict: Sendable {
        case ok, failed, unreadable
    }

    /// The line `sha256sum -c` prints for `path`: `NAME: OK`, `NAME:
    /// FAILED` or `NAME: FAILED open or read`. As coreutils 9.1 does it, a
    /// name holding a newline is escaped (`\\`, `\n`, `\r`) on a line
    /// that starts with a backslash, so one file is always one line; any
    /// other name is printed as it is, byte for byte.
    public static func checkLine(path: [UInt8], verdict: Verdict) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(path.count + 24)
        if path.contains(newline) {
            line.append(backslash)
            for byte in path {
                switch byte {
                case backslash: line += [backslash, backslash]
                case newline: line += [backslash, UInt8(ascii: "n")]
                case carriageReturn: line += [backslash, UInt8(ascii: "r")]
                default: line.append(byte)
                }
            }
        } else {
            line += path
        }
        switch verdict {
        case .ok: line += ": OK\n".utf8
        case .failed: line += ": FAILED\n".utf8
        case .unreadable: line += ": FAILED open or read\n".utf8
        }
        return line
    }

    /// A name as sha256sum shows it in its messages on standard error
    /// (`sha256sum: 'my file': No such file or directory`), so that `bale
    /// sum -c` prints the same lines there too: gnulib's `quotef`, the
    /// shell-escape quoting style with `:` quoted as well, in the locale's
    /// character set (`TerminalText.localeIsUTF8`). A name of safe characters is shown as it is; one with a
    /// blank, a shell character or a colon is put in single quotes; one
    /// with an apostrophe and nothing else odd in double quotes ("it's");
    /// control characters, bytes that are not UTF-8 and other unprintable
    /// characters are written as `$'\n'`, `$'\033'` segments. The result
    /// holds no control character, so it is safe on a terminal as it is.
    public static func quotedForMessage(_ name: [UInt8]) -> String {
        if name.isEmpty { return "''" }
        // The name in units: an ASCII byte, a valid UTF-8 sequence, or a
        // byte that is not part of one; each printable or not.
        struct Unit { var bytes: ArraySlice<UInt8>; var printable: Bool; var ascii: UInt8? }
        var units: [Unit] = []
        var index = 0
        while index < name.count {
            let byte = name[index]
            if byte < 0x80 {
                units.append(Unit(bytes: name[index...index], printable: byte >= 0x20 && byte != 0x7F, ascii: byte))
                index += 1
                continue
            }
            // In a locale that is not UTF-8, no byte from 0x80 up is
            // printable (as for sha256sum there: `'caf'$'\303\251'`).
            let length = TerminalText.localeIsUTF8 ? TerminalText.validSequenceLength(name, at: index) : 0
            if length == 0 {
                units.append(Unit(bytes: name[index...index], printable: false, ascii: nil))
                index += 1
            } else {
                units.append(Unit(bytes: name[index..<(index + length)],
                                  printable: TerminalText.isPrintable(name, at: index, length: length), ascii: nil))
                index += length
            }
        }
        let special = Set(" !\"$&'()*;<=>[\\^`|?:".utf8)
        var needsQuotes = false
        var apostrophe = false
        var quoteCompatible = true  // every unit fine inside "..." (gnulib's all_c_and_shell_quote_compat)
        for (position, unit) in units.enumerated() {
            guard unit.printable else { needsQuotes = true; quoteCompatible = false; continue }
            guard let c = unit.ascii else { continue }
            switch c {
            case UInt8(ascii: "'"): needsQuotes = true; apostrophe = true
            case UInt8(ascii: "#"), UInt8(ascii: "~"):
                if position == 0 { needsQuotes = true } else { quoteCompatible = false }
            case UInt8(ascii: "{"), UInt8(ascii: "}"):
                if units.count == 1 { needsQuotes = true } else { quoteCompatible = false }
            case UInt8(ascii: " "), UInt8(ascii: ":"): needsQuotes = true
            case _ where special.contains(c): needsQuotes = true; quoteCompatible = false
            default: break
            }
        }
        guard needsQuotes else { return String(decoding: name, as: UTF8.self) }
        if apostrophe && quoteCompatible { return "\"" + String(decoding: name, as: UTF8.self) + "\"" }
        /// The quoted units, starting inside a $'...' segment or not; and
        /// whether the text ends inside one.
        func render(startingInEscape: Bool) -> (out: [UInt8], endsInEscape: Bool) {
            var out: [UInt8] = [UInt8(ascii: "'")]
            var inEscape = startingInEscape  // inside a $'...' segment
            for unit in units {
                if !unit.printable {
                    if !inEscape { out += Array("'$'".utf8); inEscape = true }
                    let named: [UInt8: UInt8] = [0x07: 0x61, 0x08: 0x62, 0x0C: 0x66, 0x0A: 0x6E, 0x0D: 0x72, 0x09: 0x74, 0x0B: 0x76]
                    if let c = unit.ascii, let letter = named[c] {
                        out += [backslash, letter]
                    } else {
                        for byte in unit.bytes {
                            out += [backslash, 0x30 + (byte >> 6), 0x30 + ((byte >> 3) & 7), 0x30 + (byte & 7)]
                        }
                    }
                    continue
                }
                if unit.ascii == UInt8(ascii: "'") {
                    out += Array("'\\''".utf8)
                    inEscape = false
                    continue
                }
                if inEscape { out += Array("''".utf8); inEscape = false }
                out += unit.bytes
            }
            return (out, inEscape)
        }
        // gnulib quotes a name holding an apostrophe and a unit that "..."
        // cannot hold in two passes (the first only to learn that), and its
        // second pass starts in the state the first ended in: after an
        // ending inside $'...', an empty '' comes first ('''it'\''s
        // '$'\303\251'), or an escape without its $' ('\303\251'\''x
        // '$'\303\251'). sha256sum prints that; so does bale, to match it.
        let first = render(startingInEscape: false)
        var out = apostrophe ? render(startingInEscape: first.endsInEscape).out : first.out
        out.append(UInt8(ascii: "'"))
        return String(decoding: out, as: UTF8.self)
    }
}
