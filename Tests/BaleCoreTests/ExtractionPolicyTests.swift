import Testing
@testable import BaleCore

/// The name rules of `ExtractionPolicy` and `ExclusionPatterns`, on names
/// GNU tar 1.34 was seen to treat so (the end-to-end tests run GNU tar
/// itself on whole archives: `ExtractionOptionTests`).
@Suite struct ExtractionPolicyTests {
    /// `--strip-components`: "." counts, a leading '/' and runs of '/' do not.
    @Test(arguments: [
        ("top/a/b", 1, "a/b"), ("./top/a", 1, "top/a"), ("/top/a", 1, "a"), ("top//a///b", 2, "b"),
        ("top/", 1, ""), ("top", 1, nil), ("top/a", 2, nil), ("top/a", 0, "top/a"),
    ] as [(String, Int, String?)])
    func stripsComponentsAsGNUTar(name: String, count: Int, expected: String?) {
        var policy = ExtractionPolicy()
        policy.stripComponents = count
        #expect(policy.stripped(Array(name.utf8)).map { String(decoding: $0, as: UTF8.self) } == expected)
    }

    /// `--exclude`: wildcards match '/', any tail after a '/' is tried, a
    /// directory's contents go with it, a trailing '/' is not part of a name.
    /// A glob without wildcards that ends in a lone backslash names a name that
    /// ends in one, as GNU tar compares it (excluded nothing: a probe
    /// helper); one with wildcards matches nothing, as there.
    @Test(arguments: [
        ("*.log", "top/a/b/f.log", true), ("logs", "top/logs/x", true), ("a/b", "top/a/b/g", true),
        ("top*g", "top/a/b/g", true), ("logs/", "top/logs/", false), ("b", "top/ab/g", false),
        ("f*", "top/a/b/f.log", true), ("f*", "top/a/b/g", false), ("top/a", "top/ab", false),
        ("\\", "t/\\/f", true), ("b\\", "t/b\\", true), ("t/\\", "t/\\", true), ("*\\", "t/b\\", false),
        ("\\\\", "t/\\", true), ("\\b", "t/b", true),
    ])
    func excludesAsGNUTar(glob: String, name: String, excluded: Bool) {
        #expect(ExclusionPatterns([glob]).excludes(Array(name.utf8)) == excluded)
    }

    /// A walk's matching (`pack`, `gzip -r`) leaves directory contents out of it.
    @Test func aWalkMatchesWithoutDirectoryContents() {
        #expect(!ExclusionPatterns(["logs"], includesDirectoryContents: false).excludes(Array("top/logs/x".utf8)))
        #expect(ExclusionPatterns(["logs"], includesDirectoryContents: false).excludes(Array("top/logs".utf8)))
    }
}
