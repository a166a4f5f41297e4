import Testing
@testable import BaleCore

/// The escaping of names on the terminal and the quoting of names in
/// `sum -c`'s messages, on the cases each rule is about (the end-to-end
/// NameEscapingTests compare them with GNU tar and sha256sum).
@Suite struct TerminalTextTests {
    @Test(arguments: [
        ([0x61, 0x62], "ab"),
        (Array("back\\slash".utf8), #"back\\slash"#),
        ([0x1B, 0x5B, 0x32, 0x4A], #"\033[2J"#),
        ([0x0A, 0x0D, 0x09, 0x07, 0x08, 0x0B, 0x0C], #"\n\r\t\a\b\v\f"#),
        ([0x7F, 0x01], #"\177\001"#),
        ([0x6C, 0xE9, 0xFF], #"l\351\377"#),          // not UTF-8: each byte in octal
        ([0xC3, 0xA9], "é"),                            // printable UTF-8 passes
        ([0xC2, 0x9B, 0x6D], #"\302\233m"#),           // C1 CSI
        ([0xE2, 0x80, 0xA8], #"\342\200\250"#),        // U+2028
        ([0xE2, 0x80, 0xAE], "\u{202E}"),               // printable to glibc, as to tar
        ([0xED, 0xA0, 0x80], #"\355\240\200"#),        // a surrogate is not UTF-8
        ([0xF0, 0x9F, 0x98], #"\360\237\230"#),        // cut short
    ] as [([UInt8], String)])
    func escapesAsGnuTar(bytes: [UInt8], shown: String) {
        #expect(TerminalText.escaped(bytes, inUTF8: true) == shown)
        // In a locale that is not UTF-8 (C, POSIX), as tar there: every
        // byte from 0x80 up in octal, the rest as in UTF-8.
        let inC = bytes.map { $0 >= 0x80 ? "\\" + String($0, radix: 8) : TerminalText.escaped([$0], inUTF8: true) }.joined()
        #expect(TerminalText.escaped(bytes, inUTF8: false) == inC)
    }

    @Test func messagesKeepTheirTabs() {
        #expect(TerminalText.escaped("a\u{1B}b:\t 50%", keepingTabs: true) == "a\\033b:\t 50%")
    }

    @Test(arguments: [
        ("plain/file-1.txt", "plain/file-1.txt"),
        ("my file", "'my file'"),
        ("a:b", "'a:b'"),
        ("it's", "\"it's\""),
        ("it's\\x", #"'it'\''s\x'"#),
        ("x\ry", #"'x'$'\r''y'"#),
        ("tab\t", #"'tab'$'\t'"#),
        ("#x", "'#x'"),
        ("x#", "x#"),
        ("{", "'{'"),
        ("@x", "@x"),
        ("", "''"),
    ])
    func quotesAsSha256sum(name: String, quoted: String) {
        #expect(Manifest.quotedForMessage(Array(name.utf8)) == quoted)
    }

    @Test func readsWhatSha256sumReads() {
        let digest = String(repeating: "ab", count: 32)
        let text = Array("""
            # a comment

            \(digest)  plain
            \\\(digest)  new\\nline\\\\\\r
            \(digest.uppercased()) *binary\r
            SHA256 (tagged) = \(digest)
            \\\(digest)  bad\\tescape
            not a line

            """.utf8)
        let checklist = Manifest.parse(text)
        #expect(checklist.entries.map(\.path) == [Array("plain".utf8), Array("new\nline\\\r".utf8),
                                                  Array("binary".utf8), Array("tagged".utf8)])
        #expect(checklist.entries.allSatisfy { $0.digest == Array(repeating: 0xAB, count: 32) })
        #expect(checklist.misformatted == 2)
    }

    /// gzip -v's ratio as C's printf "%5.1f%%" writes it (`VerboseLine`):
    /// padded to five columns, `-0.0` for incompressible data (bale wrote
    /// `  0.0%`), ties rounded as printf rounds the binary value.
    @Test func verboseRatiosAsPrintfWritesThem() {
        #expect(VerboseLine.percent(63.46) == " 63.5%")
        #expect(VerboseLine.percent(0) == "  0.0%")
        #expect(VerboseLine.percent(-0.004) == " -0.0%")
        #expect(VerboseLine.percent(-100) == "-100.0%")
        #expect(VerboseLine.percent(12.25) == " 12.2%")
        #expect(VerboseLine.text(name: nil, plainBytes: 10, gzipBytes: 5, outcome: .standardOutput) == " 50.0%")
        // gzip's own arithmetic, 100.0 * saved / plain: exactly 61.25, a
        // tie printf rounds down. 100 * (1 - 155/400) is 61.250000000000007,
        // which bale wrote as 61.3 where gunzip -v wrote 61.2 (a reading
        // helper: 3 files of 151).
        #expect(VerboseLine.text(name: nil, plainBytes: 400, gzipBytes: 155, outcome: .standardOutput) == " 61.2%")
    }
}
