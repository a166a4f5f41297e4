import Testing
@testable import BaleCore

/// How `RemovalDirectoryStack` cuts a walked path into the directories it
/// opens one by one: each prefix must be the path the walk gave that
/// directory, byte for byte, to be found among the directories archived.
struct RemovalDirectoryStackTests {
    /// The prefixes up to each component's end.
    static func prefixes(_ path: String) -> [String] {
        let bytes = Array(path.utf8)
        return RemovalDirectoryStack.components(of: bytes).map { String(decoding: bytes[..<$0.upperBound], as: UTF8.self) }
    }

    @Test func eachPrefixIsThePathAsWalked() {
        #expect(Self.prefixes("t") == ["t"])
        #expect(Self.prefixes("t/sub/f") == ["t", "t/sub", "t/sub/f"])
        // The root is a component of its own; doubled slashes are kept in the prefixes, as the walk keeps them.
        #expect(Self.prefixes("/var/log") == ["/", "/var", "/var/log"])
        #expect(Self.prefixes("a//b/c") == ["a", "a//b", "a//b/c"])
        #expect(Self.prefixes("../x/./y") == ["..", "../x", "../x/.", "../x/./y"])
        #expect(Self.prefixes("/") == ["/"])
    }
}
