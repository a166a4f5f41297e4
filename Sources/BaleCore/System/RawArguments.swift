#if canImport(Glibc)
import Glibc
#endif

/// The command line's arguments as the bytes the program was given.
///
/// Swift decodes `argv` into Strings, and an argument that is not valid
/// UTF-8 (a file name in Latin-1, say) comes out with U+FFFD in place of
/// its odd bytes: a different name, which open() does not find. File
/// names are bytes, so a command that takes paths looks each parsed
/// argument up here and gets the original bytes back.
public enum RawArguments {
    /// The bytes of the argument that was decoded as `argument`: the
    /// first argument of the process whose decoding equals it, or
    /// `argument`'s own UTF-8 when none does (an argument that did not come
    /// from the command line). For one argument alone (a manifest, an
    /// output); a list of paths goes through `bytes(ofEach:)`, as two
    /// names can decode alike.
    public static func bytes(of argument: String) -> [UInt8] {
        bytes(ofEach: [argument])[0]
    }

    /// The bytes of each of `arguments`, parsed from the command line in
    /// this order (a command's paths). Two different byte strings decode
    /// alike when both are invalid UTF-8 in the same places (`caf\xe9` and
    /// `caf\xe8`), so each argument is matched with the next argument of
    /// the process that decodes to it, after the one matched before it:
    /// the first such name is the first argument, the second the second,
    /// never the first twice (which would archive or hash one file twice
    /// and the other never).
    public static func bytes(ofEach arguments: [String]) -> [[UInt8]] {
        let raw: [[UInt8]] = (1..<Int(CommandLine.argc)).map { index in
            guard let pointer = CommandLine.unsafeArgv[index] else { return [] }
            return Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map { UInt8(bitPattern: $0) }
        }
        var after = 0
        return arguments.map { argument in
            let utf8 = Array(argument.utf8)
            guard argument.unicodeScalars.contains("\u{FFFD}") else { return utf8 }
            let matches = { (index: Int) in String(decoding: raw[index], as: UTF8.self) == argument }
            if let index = (after..<raw.count).first(where: matches) ?? (0..<raw.count).first(where: matches) {
                after = index + 1
                return raw[index]
            }
            // A value joined to its option (`--output=NAME`, `-oNAME`)
            // is no whole argument: its bytes are the end of one.
            return raw.lazy.compactMap { joinedValue(in: $0, decodingTo: argument) }.first ?? utf8
        }
    }

    /// The bytes of `argument`'s value when `argument` is an option with its
    /// value joined (`--output=NAME`, `-o=NAME`, `-oNAME`) and that value
    /// decodes to `value`; else nil. The option's part is ASCII, so the
    /// value starts after the `=` of a long option, or after the letter of
    /// a short one and the `=` that may follow it (argument-parser reads
    /// `-C=NAME` as NAME).
    static func joinedValue(in argument: [UInt8], decodingTo value: String) -> [UInt8]? {
        guard argument.count > 2, argument[0] == UInt8(ascii: "-") else { return nil }
        let start: Int
        if argument[1] == UInt8(ascii: "-") {
            guard let equals = argument.firstIndex(of: UInt8(ascii: "=")),
                  argument[..<equals].allSatisfy({ $0 < 0x80 }) else { return nil }
            start = equals + 1
        } else {
            guard argument[1] < 0x80 else { return nil }
            start = argument[2] == UInt8(ascii: "=") ? 3 : 2
        }
        let joined = Array(argument[start...])
        return String(decoding: joined, as: UTF8.self) == value ? joined : nil
    }
}
