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
/// that; a command that takes a name from a parsed argument gets its
/// bytes back here. Every argument, option values too (`-C`, `--out-dir=`,
/// a pattern), keeps its bytes, and no two arguments can be confused.
public enum RawArguments {
    /// The process's arguments after its name, each decoded without loss:
    /// UTF-8 as it is, any other byte as a stand-in (`TerminalText.name`).
    public static var commandLine: [String] {
        (1..<Int(CommandLine.argc)).map { index in
            guard let pointer = CommandLine.unsafeArgv[index] else { return "" }
            return TerminalText.name(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
        }
    }

    /// The bytes of `argument`, parsed from `commandLine` (an argument that
    /// did not come from the command line is its UTF-8).
    public static func bytes(of argument: String) -> [UInt8] {
        TerminalText.bytes(ofName: argument)
    }

    /// The bytes of each of `arguments` (a command's paths).
    public static func bytes(ofEach arguments: [String]) -> [[UInt8]] {
        arguments.map(bytes(of:))
    }
}
