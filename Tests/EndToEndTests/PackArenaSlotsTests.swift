import Testing

/// How many of the workers' arena slots `pack` touches: each costs its
/// pages' allocation (zeroed) once per run, dear on virtual machines, and
/// the tar stream is made far faster than it is compressed, so a pack
/// keeps one chunk queued for each worker and one in flight at each
/// (`PackCommand`), a window of 7 chunks and an arena of 8 slots. With a
/// pipeline's defaults (two of each) the reader filled a slot for nearly
/// every place of a window of 11: 10 slots of a 60 MB tree.
///
/// Seen from outside: the reader maps in each slot's input part (4 MiB
/// and more) with one `madvise(MADV_POPULATE_WRITE)` the first time it
/// writes it (`ArenaPrefaulter`), so the calls of that size in the parent
/// count the slots it touched.
@Suite struct PackArenaSlotsTests {
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func packTouchesNoMoreSlotsThanItsWindowHolds() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir tree
            # 15 chunks of text that compresses (a chunk takes the workers
            # far longer than the reader), in files of 60 KB.
            python3 -c '
            import random
            r = random.Random(7)
            words = [("".join(r.choice("abcdefghij") for _ in range(r.randint(2, 9)))) for _ in range(4000)]
            for f in range(1000):
                open(f"tree/f{f:04}.txt", "w").write(" ".join(r.choice(words) for _ in range(10000)))
            '
            strace -f -qq -e trace=madvise -o trace "$BALE" pack -p 2 -o out.tar.gz tree || exit 1
            tar -tzf out.tar.gz | wc -l
            # The reader's first touches of input parts: 4 MiB for a whole chunk.
            grep -c '4194304, MADV_POPULATE_WRITE' trace
            """)
        let figures = run.stdout.split(separator: "\n").compactMap { Int($0) }
        #expect(run.status == 0 && figures.count == 2, "\(run.stdout)\(run.stderr)")
        guard figures.count == 2 else { return }
        #expect(figures[0] == 1001, "the archive holds the tree")
        #expect(figures[1] >= 2 && figures[1] <= 8, "input parts touched: \(figures[1])")
    }
}
