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
    /// first argument of the process whose decoding equals it (two
    /// different byte strings decode alike only when both are invalid
    /// UTF-8 in the same places), or `argument`'s own UTF-8 when none does
    /// (an argument that did not come from the command line).
    public static func bytes(of argument: String) -> [UInt8] {
        let utf8 = Array(argument.utf8)
        guard argument.unicodeScalars.contains("\u{FFFD}") else { return utf8 }
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let raw = Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map { UInt8(bitPattern: $0) }
            if String(decoding: raw, as: UTF8.self) == argument { return raw }
        }
        return utf8
    }
}
