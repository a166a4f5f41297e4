import Testing

/// `bale pack`'s read-ahead threads open small files ahead of the tar
/// stream and keep them open until the stream reaches them
/// (`FilePrefetcher`): never so many that a process with few descriptors
/// allowed (`ulimit -n`) could no longer open the files it archives. GNU
/// tar judges the archive.
@Suite struct PackReadAheadTests {
    /// 3,000 small files packed with 40 descriptors allowed: every one is
    /// archived, whole, with no warning (256 opened ahead, the limit
    /// unheeded, left hundreds out with "Too many open files").
    @Test func filesOpenedAheadStayWithinTheDescriptorLimit() throws {
        let run = try packed(descriptors: 40, tree: """
            for d in range(10):
                os.makedirs(f"t/d{d}")
                for f in range(300): open(f"t/d{d}/f{f:03}", "w").write("line\\n" * (f % 50))
            """)
        #expect(run.stdout == "restored\n3000\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }

    /// The same under a walk that holds its directories open: four folders
    /// of 300 small files and a chain of directories 40 deep (its files
    /// at every level), with 64 descriptors allowed. The read-ahead leaves
    /// room for the walk's directories, and a file it still has no
    /// descriptor for is opened by the cutter, never left out (a quarter
    /// of the limit opened ahead, the walk unheeded, left files and
    /// directories out with "Too many open files").
    @Test func filesOpenedAheadLeaveRoomForTheWalk() throws {
        let run = try packed(descriptors: 64, tree: """
            for d in range(4):
                os.makedirs(f"t/a{d}")
                for f in range(300): open(f"t/a{d}/f{f:03}", "w").write("line\\n" * (f % 50))
            p = "t/z"
            for level in range(40):
                p += f"/l{level:02}"
                os.makedirs(p)
                for f in range(5): open(f"{p}/f{f}", "w").write("deep\\n" * level)
            """)
        #expect(run.stdout == "restored\n1400\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }

    /// With only 24 descriptors allowed, the walk keeps a quarter of them
    /// open (not 64, the most it keeps), so the rest of the job still has
    /// what it needs: three chains of directories 12 deep, 200 files at
    /// the bottom of each (the walk holding 64, every file was left out
    /// with "Too many open files").
    @Test func theWalkLeavesRoomUnderALowLimit() throws {
        let run = try packed(descriptors: 24, tree: """
            for d in range(3):
                p = f"t/d{d}"
                for level in range(12): p += f"/x{level}"
                os.makedirs(p)
                for f in range(200): open(f"{p}/f{f}", "w").write("a" * f)
            """)
        #expect(run.stdout == "restored\n600\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }

    /// Makes the tree `t` with the python lines of `tree`, packs it with
    /// `descriptors` allowed, and prints "restored" if GNU tar extracts
    /// it equal to `t`, then how many files named `f…` the archive holds.
    private func packed(descriptors: Int, tree: String) throws -> Run {
        try Scratch().run("""
            python3 -c '
            import os
            \(tree)
            '
            (ulimit -n \(descriptors) && "$BALE" pack -p 2 -o t.tar.gz t) || echo "pack exit $?"
            mkdir x && tar -xzf t.tar.gz -C x && diff -r t x/t && echo restored
            tar -tzf t.tar.gz | grep -c '/f[0-9]*$'
            """)
    }
}
