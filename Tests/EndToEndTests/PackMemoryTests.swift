import Testing

/// The memory `bale pack` promises in the README's Memory section: the
/// reorder window's bound (160 MiB with the defaults), plus what it keeps
/// of every entry for the whole run (the entry list, which
/// `--remove-files`, the file count and the manifest's names read at the
/// end): at most 1.5 KiB an entry, 1.75 KiB with `--manifest` (its table
/// of names and digests, sorted at the end). Measured on 50,000 files:
/// 0.87 and 0.93 KiB an entry with the release build, 1.05 and 1.2 KiB
/// with the debug build these tests run.
///
/// Peaks are /usr/bin/time's %M: the largest single process of the run
/// (the parent, here). The cost of an entry is the slope between a pack of
/// one file and a pack of many small ones, so a regression in it fails
/// by a clear margin however small the window's share is; no timing.
@Suite struct PackMemoryTests {
    static let files = 50_000
    static let windowBoundMiB = 160

    /// Peak KiB of `bale pack -p 2` (with `extra` arguments) of a tree of
    /// one file and of `files` small files, as (one, many).
    func peaks(_ extra: String) throws -> (one: Int, many: Int) {
        let scratch = Scratch()
        let run = try scratch.run("""
            python3 -c '
            import os
            os.makedirs("one"); open("one/f", "w").write("x")
            for d in range(\(Self.files / 1000)):
                os.makedirs(f"many/d{d:03}")
                for f in range(1000): open(f"many/d{d:03}/file-{f:04}.txt", "w").write("line\\n" * (f % 64))
            '
            for tree in one many; do
                /usr/bin/time -f '%M' -o rss "$BALE" pack -p 2 -o $tree.tar.gz \(extra) $tree || exit 1
                tail -n 1 rss
            done
            """)
        let figures = run.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(run.status == 0 && figures.count == 2, "\(run.stdout)\(run.stderr)")
        guard figures.count == 2 else { return (0, 0) }
        return (figures[0], figures[1])
    }

    @Test(arguments: [("", 1536), ("--manifest list.sha256", 1792)])
    func packKeepsItsStatedBoundPerEntry(extra: String, bytesPerEntry: Int) throws {
        let (one, many) = try peaks(extra)
        let perEntry = (many - one) * 1024 / Self.files
        #expect(perEntry <= bytesPerEntry, "pack \(extra): \(perEntry) bytes an entry (peaks \(one) and \(many) KiB)")
        let boundKiB = Self.windowBoundMiB * 1024 + Self.files * bytesPerEntry / 1024
        #expect(many <= boundKiB, "pack \(extra) of \(Self.files) files: peak \(many) KiB, bound \(boundKiB) KiB")
    }
}
