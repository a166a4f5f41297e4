import Testing
@testable import BaleCore

/// `TerminalText.name`: a file name of any bytes kept whole in a String,
/// so that a message about it shows its bytes (`\351`), not U+FFFD.
struct NameStandInTests {
    static func shown(_ bytes: [UInt8]) -> String { TerminalText.escaped(TerminalText.name(bytes), inUTF8: true) }

    @Test func bytesThatAreNotUTF8AreShownAsTheyWere() {
        #expect(Self.shown(Array("caf".utf8) + [0xE9]) == #"caf\351"#)
        #expect(Self.shown([0xFF, 0x2F, 0x80, 0xC3]) == #"\377/\200\303"#)
        // A valid sequence cut short, an overlong form, a surrogate: each byte stood for.
        #expect(Self.shown([0xE2, 0x82]) == #"\342\202"#)
        #expect(Self.shown([0xC0, 0xAF]) == #"\300\257"#)
        #expect(Self.shown([0xED, 0xA0, 0x80]) == #"\355\240\200"#)
    }

    @Test func validNamesAreUnchanged() {
        for name in ["plain", "café", "日本語/ファイル", "emoji 😀", ""] {
            #expect(TerminalText.name(Array(name.utf8)) == name)
            #expect(TerminalText.bytes(ofName: name) == Array(name.utf8))
        }
        // Controls are still escaped as before.
        #expect(Self.shown(Array("a\nb\u{1B}".utf8)) == #"a\nb\033"#)
    }

    /// A name's tab, marked for a line that keeps its own tabs
    /// (`TerminalText.shown(name:)`), is `\t`; the line's own tab stays;
    /// the marked name's bytes are the name's. A name that really holds the
    /// marker's code point (U+10FF7F) keeps it, shown as it is.
    @Test func aNamesTabIsEscapedWhereTheLinesOwnAreKept() {
        let name = TerminalText.name(Array("a\tb".utf8))
        let line = TerminalText.shown(name: name) + ":\t OK"
        #expect(TerminalText.escaped(line, keepingTabs: true, inUTF8: true) == "a\\tb:\t OK")
        #expect(TerminalText.escaped(line, inUTF8: true) == "a\\tb:\\t OK")
        #expect(TerminalText.bytes(ofName: TerminalText.shown(name: name)) == Array("a\tb".utf8))
        #expect(RunReport.quoted(TerminalText.shown(name: name)) == #""a\tb""#)
        let marker: [UInt8] = [0xF4, 0x8F, 0xBD, 0xBF]
        #expect(TerminalText.bytes(ofName: TerminalText.name(marker)) == marker)
        #expect(TerminalText.escaped(TerminalText.name(marker), keepingTabs: true, inUTF8: true) == "\u{10FF7F}")
    }

    @Test func everyNameComesBackByteForByte() {
        // Including a name that really holds one of the stand-in code
        // points (U+10FF80, F4 8F BE 80): it must not read as byte 0x80.
        let names: [[UInt8]] = [
            [0xF4, 0x8F, 0xBE, 0x80], [0x80], Array("x".utf8) + [0xF4, 0x8F, 0xBF, 0xBF, 0xFF],
            (0...255).map { UInt8($0) }, [0xF4, 0x90, 0x80, 0x80],
        ]
        for bytes in names {
            #expect(TerminalText.bytes(ofName: TerminalText.name(bytes)) == bytes)
        }
        #expect(TerminalText.name([0xF4, 0x8F, 0xBE, 0x80]) != TerminalText.name([0x80]))
        // Shown as GNU tar shows it: a valid, printable character, as it is.
        #expect(Self.shown([0xF4, 0x8F, 0xBE, 0x80]) == "\u{10FF80}")
    }

    @Test func jsonGetsTheReplacementCharacter() {
        #expect(RunReport.quoted(TerminalText.name(Array("caf".utf8) + [0xE9])) == "\"caf\u{FFFD}\"")
    }
}
