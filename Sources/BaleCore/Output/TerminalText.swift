#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Names made safe to show on a terminal: the one escaping function for
/// every human-facing line bale prints (warnings and errors, `-v` lines,
/// `list`, `verify`'s verdict).
///
/// A name is data: an archive's entry or a file on disk may be called
/// anything but NUL, including ESC sequences (which retitle, recolour or
/// clear a terminal) and newlines or carriage returns (which forge whole
/// lines of output). Printed raw, such a name gives whoever made it a say
/// over the user's terminal and over the scripts that read bale's
/// messages. So every such line goes through `escaped`, which writes what
/// GNU tar writes for the same bytes (its "escape" quoting style, in the
/// locale's character set: `localeIsUTF8`): `\\` for a backslash, `\a \b \t \n \v \f \r` for those
/// controls, three octal digits for every other control byte (`\033` for
/// ESC, `\177` for DEL), for the C1 controls (U+0080–U+009F, which some
/// terminals obey too: `\302\233`) and for each byte that is not part of
/// valid UTF-8 (`\377`), so that even a name that is not UTF-8 is shown
/// byte for byte; so is each character the C library's `iswprint` does
/// not count as printable in the user's locale, as tar asks it (the line
/// and paragraph separators U+2028 and U+2029, a code point not
/// assigned). Printable characters, ASCII or not, pass unchanged.
/// In a locale that is not UTF-8 (C or POSIX: a cron job, a batch system
/// that sets no LANG) no byte from 0x80 up is a printable character, and
/// each is written in octal, as tar writes it there (`é` is `\303\251`).
/// `bale list` therefore prints the same names as `tar -tv`, in any locale.
///
/// Data outputs are never escaped: `gzip -c` and the tar stream carry the
/// bytes as they are, and `sum`/`sum -c` write the names as sha256sum
/// does (its own escapes; see `Manifest`).
public enum TerminalText {
    /// `bytes` with backslashes and control characters escaped as GNU tar
    /// escapes them. With `keepingTabs`, a tab stays a tab: bale's
    /// messages use it in their own layout (gzip's `-v` lines,
    /// `name:\t 50.0%`), and a tab moves the cursor without taking over
    /// the terminal or starting a line.
    public static func escaped<Bytes: Collection<UInt8>>(_ bytes: Bytes, keepingTabs: Bool = false,
                                                      inUTF8: Bool = localeIsUTF8) -> String {
        let bytes = Array(bytes)
        guard !bytes.isEmpty else { return "" }
        return bytes.withUnsafeBufferPointer { source in
            String(unsafeUninitializedCapacity: source.count * maximumGrowth) { out in
                escape(source, keepingTabs: keepingTabs, inUTF8: inUTF8, into: out.baseAddress!)
            }
        }
    }

    /// Whether the locale bale runs in (LC_ALL, else LC_CTYPE, else LANG,
    /// as the C library resolves them) has UTF-8 for its characters: then
    /// a printable character from 0x80 up is printed as it is; otherwise
    /// its bytes are escaped in octal, as GNU tar escapes them in that
    /// locale. All the categories are loaded, as tar's and sha256sum's
    /// `setlocale(LC_ALL, "")` loads them: when one of them names a locale
    /// that is not installed, that fails as a whole and they run in C, and
    /// so does this. Read once, through a locale object of its own
    /// (`newlocale`): bale's own locale stays C.
    public static var localeIsUTF8: Bool { userCharacters != nil }

    /// The user's locale (see `localeIsUTF8`) when its characters are
    /// UTF-8, kept for `iswprint_l`: which characters are printable is
    /// the C library's table for it, as in tar (an unassigned code point,
    /// U+0378, is not, and is escaped); nil in any other locale. A
    /// locale object may be used from any thread.
    nonisolated(unsafe) static let userCharacters: locale_t? = {
        // LC_ALL_MASK, which Swift does not import (a macro of macros).
        let every = LC_CTYPE_MASK | LC_NUMERIC_MASK | LC_TIME_MASK | LC_COLLATE_MASK | LC_MONETARY_MASK
            | LC_MESSAGES_MASK | LC_PAPER_MASK | LC_NAME_MASK | LC_ADDRESS_MASK | LC_TELEPHONE_MASK
            | LC_MEASUREMENT_MASK | LC_IDENTIFICATION_MASK
        guard let locale = newlocale(every, "", nil) else { return nil }
        guard let codeset = nl_langinfo_l(nl_item(CODESET), locale), String(cString: codeset) == "UTF-8" else {
            freelocale(locale)
            return nil
        }
        return locale
    }()

    /// `text` in quotes as GNU tar quotes a name or a field in its
    /// messages: ‘text’ in a UTF-8 locale, 'text' in any other (C).
    public static func quoted(_ text: String) -> String {
        localeIsUTF8 ? "‘" + text + "’" : "'" + text + "'"
    }

    /// The dash of a range of bytes in bale's messages: an en dash in a
    /// UTF-8 locale, a hyphen in any other (where the en dash would be
    /// escaped into `\342\200\223`, and read as part of a number).
    public static var rangeDash: String { localeIsUTF8 ? "–" : "-" }

    /// How many bytes `escape` writes for one byte at most (`\377`).
    public static let maximumGrowth = 4

    /// Writes `bytes`, escaped as `escaped` escapes them, at `out`, which
    /// has room for `bytes.count * maximumGrowth` bytes; returns how many
    /// it wrote. The one escaper: `escaped` makes a String of what it
    /// writes, and `TarLister` writes each listed name straight into its
    /// line, with no String or array per name (a large index lists tens
    /// of thousands).
    /// Without `inUTF8` (the locale's, by default), every byte from 0x80
    /// up is written in octal.
    ///
    /// bale's own words are ASCII where the locale is not UTF-8, so that
    /// only names are escaped: `quoted` and `rangeDash`.
    public static func escape(_ bytes: UnsafeBufferPointer<UInt8>, keepingTabs: Bool = false,
                              inUTF8: Bool = localeIsUTF8, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var written = 0
        func put(_ byte: UInt8) {
            out[written] = byte
            written += 1
        }
        func escapeLetter(_ letter: Unicode.Scalar) {
            put(0x5C)
            put(UInt8(ascii: letter))
        }
        func octal(_ byte: UInt8) {
            put(0x5C)
            put(0x30 + (byte >> 6))
            put(0x30 + ((byte >> 3) & 7))
            put(0x30 + (byte & 7))
        }
        var index = 0
        while index < bytes.count {
            // Most names are printable ASCII throughout: eight bytes at a
            // time while none needs a look of its own.
            while index + 8 <= bytes.count {
                let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
                guard !needsALook(word) else { break }
                UnsafeMutableRawPointer(out + written).storeBytes(of: word, as: UInt64.self)
                written += 8
                index += 8
            }
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte >= 0x20 && byte < 0x7F && byte != 0x5C {
                put(byte)
                index += 1
                continue
            }
            if byte < 0x80 {
                switch byte {
                case 0x5C: escapeLetter("\\")
                case 0x07: escapeLetter("a")
                case 0x08: escapeLetter("b")
                case 0x09 where keepingTabs: put(byte)
                case 0x09: escapeLetter("t")
                case 0x0A: escapeLetter("n")
                case 0x0B: escapeLetter("v")
                case 0x0C: escapeLetter("f")
                case 0x0D: escapeLetter("r")
                default: octal(byte)  // the other controls and DEL
                }
                index += 1
                continue
            }
            let length = inUTF8 ? validSequenceLength(bytes, at: index) : 0
            if length == 0 {
                octal(byte)
                index += 1
            } else if !isPrintable(bytes, at: index, length: length) {
                for unprintable in bytes[index..<(index + length)] { octal(unprintable) }
                index += length
            } else {
                for printable in bytes[index..<(index + length)] { put(printable) }
                index += length
            }
        }
        return written
    }

    /// `text` escaped as `escaped` escapes bytes: the bytes of a name made
    /// by `name(_:)` as they were on disk (`\377` for a byte that is not
    /// UTF-8), the rest as its UTF-8.
    /// A tab marked as a name's (`shown(name:)`) is `\t` even when
    /// `keepingTabs` keeps the line's own.
    public static func escaped(_ text: String, keepingTabs: Bool = false, inUTF8: Bool = localeIsUTF8) -> String {
        guard keepingTabs, text.unicodeScalars.contains(tabInName) else {
            return escaped(bytes(ofName: text), keepingTabs: keepingTabs, inUTF8: inUTF8)
        }
        return text.unicodeScalars.split(separator: tabInName, omittingEmptySubsequences: false)
            .map { escaped(bytes(ofName: String($0)), keepingTabs: true, inUTF8: inUTF8) }
            .joined(separator: "\\t")
    }

    /// `name` (a name made by `name(_:)`) for a line whose own layout has
    /// tabs (`gzip -v`'s `NAME:<TAB> 50.0%`, which `escaped` keeps with
    /// `keepingTabs`): each tab of the name marked as the name's, so that
    /// it is escaped as `\t`, as GNU tar escapes it, while the line's own
    /// tabs stay. For the lines only: the marker is the name's tab again
    /// in `bytes(ofName:)`.
    public static func shown(name: String) -> String {
        guard name.utf8.contains(0x09) else { return name }
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars { scalars.append(scalar == "\t" ? tabInName : scalar) }
        return String(scalars)
    }

    /// The scalar that marks a name's tab in a line (`shown(name:)`): the
    /// private-use code point just below the stand-ins.
    static let tabInName = Unicode.Scalar(standInBase - 1)!

    // MARK: - Names kept whole in a String

    /// A file name (any bytes) as a String that keeps every byte, for the
    /// messages made about it (`Diagnostic` holds Strings).
    ///
    /// Why: decoded as UTF-8 with repair, each byte that is not valid
    /// UTF-8 becomes U+FFFD, and a message about `caf\351` said
    /// `caf\u{FFFD}`, which names no file (GNU gzip prints the bytes,
    /// GNU tar `caf\351`). Here each such byte becomes a stand-in scalar
    /// instead (U+10FF80 + the byte's low seven bits: the last 128
    /// private-use code points), which `escaped` turns back into the byte,
    /// so the line on standard error shows `caf\351`, as GNU tar's does.
    /// A name that really holds one of those 128 code points has its
    /// bytes stood in for too, so that no two names give the same String.
    /// Valid UTF-8 (nearly every name) is decoded as it is.
    /// `name(_:)` of at most the first `limit` bytes of a name that only
    /// a claim made (an archive index's): past them, how many there are.
    /// A forged index's name of 200 MiB was a 200 MiB line on standard
    /// error (a reading helper); a real one is at most PATH_MAX on the
    /// way in, deeper trees aside.
    public static func name(claimed bytes: [UInt8], limit: Int = Int(PATH_MAX)) -> String {
        guard bytes.count > limit else { return name(bytes) }
        return name(bytes[..<limit]) + "… (\(bytes.count) bytes)"
    }

    public static func name<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let bytes = Array(bytes)
        if let text = String(validating: bytes, as: UTF8.self), !text.unicodeScalars.contains(where: isStandIn) {
            return text
        }
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                scalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            let length = validSequenceLength(bytes, at: index)
            if length > 0, let scalar = String(decoding: bytes[index..<(index + length)], as: UTF8.self)
                .unicodeScalars.first, !isStandIn(scalar) {
                scalars.append(scalar)
                index += length
                continue
            }
            for stoodFor in bytes[index..<(index + max(length, 1))] {
                scalars.append(Unicode.Scalar(standInBase + UInt32(stoodFor & 0x7F))!)
            }
            index += max(length, 1)
        }
        return String(scalars)
    }

    /// The first of the scalars that stand for the bytes 0x80–0xFF in a
    /// name made by `name(_:)`.
    static let standInBase: UInt32 = 0x10FF80

    /// True for a scalar that stands for a byte in a name (`name(_:)`),
    /// or marks a name's tab (`shown(name:)`): a name that really holds
    /// one of these code points has its bytes stood in.
    public static func isStandIn(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= standInBase - 1 }

    /// The bytes of `text`: a name made by `name(_:)` gives its bytes
    /// back as they were; any other String its UTF-8.
    public static func bytes(ofName text: String) -> [UInt8] {
        // A stand-in is F4 8F BE/BF xx in UTF-8: without an F4 byte, there is none.
        guard text.utf8.contains(0xF4) else { return Array(text.utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar == tabInName {
                bytes.append(0x09)
            } else if isStandIn(scalar) {
                bytes.append(UInt8(scalar.value - standInBase) | 0x80)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    /// True when one of the eight bytes of `word` is not printable ASCII
    /// (below 0x20, 0x7F or above) or is a backslash: the bit tricks of
    /// "Bit Twiddling Hacks" (a zero byte, a byte less than n), all eight
    /// bytes tested at once.
    @inline(__always)
    static func needsALook(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs           // a byte < 0x20
        let high = (word &+ ones) | word                                   // 0x7F and up set their high bit
        let backslash = word ^ (ones &* 0x5C)
        let isBackslash = (backslash &- ones) & ~backslash & highs         // a byte == 0x5C
        return (control | (high & highs) | isBackslash) != 0
    }

    /// False for the valid sequences (of `length` bytes at `index`) that a
    /// terminal must not get raw, as the C library's `iswprint` says in
    /// the user's UTF-8 locale (`userCharacters`), as tar asks it: the C1
    /// controls (U+0080–U+009F), the line and paragraph separators (U+2028,
    /// U+2029), code points not assigned. Where bale runs in no UTF-8
    /// locale but is asked to show UTF-8 (`inUTF8`, tests), the first two.
    static func isPrintable<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at index: Int, length: Int) -> Bool
        where Bytes.Index == Int {
        if let locale = userCharacters {
            var value = UInt32(bytes[index]) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for next in bytes[(index + 1)..<(index + length)] { value = value << 6 | UInt32(next & 0x3F) }
            return bale_is_printable(value, UnsafeMutableRawPointer(locale)) != 0
        }
        if length == 2 { return !(bytes[index] == 0xC2 && bytes[index + 1] < 0xA0) }
        if length == 3 { return !(bytes[index] == 0xE2 && bytes[index + 1] == 0x80 && (bytes[index + 2] & 0xFE) == 0xA8) }
        return true
    }

    /// The length of the valid UTF-8 sequence starting at `index` (a
    /// byte of 0x80 or more), or 0 when it is not one: a stray
    /// continuation byte, an overlong form, a surrogate, beyond U+10FFFF,
    /// or cut short.
    static func validSequenceLength<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at index: Int) -> Int
        where Bytes.Index == Int {
        let first = bytes[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // the range of the second byte
        switch first {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        guard (low...high).contains(bytes[index + 1]) else { return 0 }
        for next in (index + 2)..<(index + length) where bytes[next] & 0xC0 != 0x80 { return 0 }
        return length
    }
}
