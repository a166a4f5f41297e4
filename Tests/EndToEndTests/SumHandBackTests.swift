import Foundation
import Testing

/// `bale sum`'s walk lists a tree's regular files without their sizes
/// (`TreeWalkPolicy.typesFromListing`), and a worker given a batch of them
/// hands back the large ones, and those past the bytes a request takes,
/// unhashed (`FileBatchHasher`); they are sent again, sized, and the
/// printer keeps each one's place (`HandedBackFiles`, `DigestPrinter`).
/// Whatever went back and forth, the lines are sha256sum's in the walk's
/// order, every byte is counted once, and a job that fails while files
/// are out ends.
@Suite struct SumHandBackTests {
    /// A tree where every batch gives files back: large files (8 MiB,
    /// larger than a batch) among small ones in one directory, a
    /// directory of 3 MiB files (past the 16 MiB a request takes, five at
    /// a time), and a directory of large files alone.
    private static let tree = #"""
        mkdir -p t/mixed t/mid t/large
        gen 100 t/mixed/a; gen $((8 << 20)) t/mixed/b; gen 5000 t/mixed/c; gen $((9 << 20)) t/mixed/d
        for i in $(seq 1 200); do echo "$i" > t/mixed/s$i; done
        for i in $(seq 1 24); do head -c $((3 << 20)) "$FIXTURES/mixed" | tail -c $((3 << 20 - i)) > t/mid/m$i; done
        for i in 1 2 3 4 5; do head -c $(((5 + i) << 20)) "$FIXTURES/text" | tail -c $((5 << 20)) > t/large/l$i; done
        find t -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum > ref.sum
        """#

    @Test(arguments: [1, 2, 3])
    func filesGivenBackKeepTheirPlace(workers: Int) throws {
        let scratch = Scratch()
        let run = try scratch.run(Fixtures.gen + "\n" + Self.tree + #"""

            "$BALE" sum -p \#(workers) --json-file sum.json t > bale.sum; echo "status=$?"
            cmp bale.sum ref.sum && echo "same as sha256sum"
            bytes=$(find t -type f -printf '%s\n' | awk '{ n += $1 } END { print n }')
            grep -q "\"bytes_in\": $bytes," sum.json && echo "every byte counted once"
            """#)
        #expect(run.stdout == """
            status=0
            same as sha256sum
            every byte counted once

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A reader that goes away while batches that may give files back are
    /// out: the run ends (141, as for any sum whose reader left), it does
    /// not wait for ever for files that will not come back.
    @Test func aJobThatFailsWithFilesOutEnds() throws {
        let scratch = Scratch()
        let run = try scratch.run(Fixtures.gen + "\n" + Self.tree + #"""

            for i in $(seq 1 3000); do echo "$i" > t/mixed/z$i; done
            timeout 60 "$BALE" sum -p 2 t | head -c 100 > /dev/null
            echo "status=${PIPESTATUS[0]}"
            """#)
        #expect(run.stdout == "status=141\n", "\(run.stdout)\(run.stderr)")
    }
}
