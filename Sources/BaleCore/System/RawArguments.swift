#if canImport(Glibc)
import Glibc
#endif

/// The command line's arguments as the bytes the program was given.
///
/// Swift decodes `argv` into Strings, and an argument that is not valid
/// UTF-8 (a file name in Latin-1, say) comes out with U+FFFD in place of
/// its odd bytes: a different name, which open() does not find, and two
/// different names (`caf\xe9`, `caf\xe8`) that decode alike. File names are
/// bytes, so bale decodes `argv` itself, once, without loss (`commandLine`:
/// each odd byte as one of `TerminalText.name`'s stand-ins), and parses
/// that. Every parsed String, option values too (`-C`, `--out-dir=`, a
/// pattern), is then a name as `TerminalText.name` makes them: whoever
/// opens one takes its bytes back with `TerminalText.bytes(ofName:)`, and
/// no two arguments can be confused.
public enum RawArguments {
    /// The process's arguments after its name, each decoded without loss:
    /// UTF-8 as it is, any other byte as a stand-in (`TerminalText.name`).
    public static var commandLine: [String] {
        (1..<Int(CommandLine.argc)).map { index in
            guard let pointer = CommandLine.unsafeArgv[index] else { return "" }
            return TerminalText.name(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
        }
    }
}
