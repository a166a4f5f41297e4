import Testing
@testable import BaleCore

/// `unpack` splits each name into its components reusing those it shares
/// with the name before (`TarExtractor.components(_:reusing:)`): for every
/// sequence of names it must give what splitting each whole gives, the
/// same components or the same refusal.
@Suite struct SplitNameTests {
    @Test func reusingGivesWhatSplittingWholeGives() {
        let names = [
            "a/b/c", "a/b/c/d", "a/b", "a/bc", "a/b", "a//b/./c/", "/a/b/c", "a/b/../c", "a/b/c",
            "./a/b", "a/b/c\u{0}d", "a/b/c/d/e/f", "x", "", "/", ".", "a/b/c/d/e/g", "a/b/c/dd/e",
            "ab/c", "a/b/c/d/e/f/", "a/./b/./c", "a/b/c/./d", "..", "a/..b/c", "a/b..", "a/b/c",
        ]
        var last = TarExtractor.SplitName()
        // Every order: as listed, reversed, and each name after each other.
        var sequence = names + names.reversed()
        for first in names { for second in names { sequence += [first, second] } }
        for name in sequence {
            let bytes = Array(name.utf8)
            let whole = TarExtractor.components(bytes)
            let reused = TarExtractor.components(bytes, reusing: &last)
            switch (whole, reused) {
            case (.success(let a), .success(let b)):
                #expect(a == b, "\(name)")
                // The path kept with the split (`SplitName.path`, cut and
                // extended as the parts are) is the parts joined.
                #expect(last.path == TarExtractor.path(of: a), "\(name)")
                #expect(last.directoryPath == TarExtractor.path(of: Array(a.dropLast())), "\(name)")
            case (.failure(let a), .failure(let b)): #expect(a.reason == b.reason, "\(name)")
            default: Issue.record("\(name): \(whole) against \(reused)")
            }
        }
    }
}
