import Foundation
import Testing

/// `bale sum` of several files larger than a batch (4 MiB): when there are
/// more of them than workers, the batch cutter pairs neighbours and a
/// worker hashes each pair side by side (`FilePairHasher`); the lines are
/// sha256sum's, in the order given, for any number of workers and any
/// sizes (past whole blocks by 55, 56, 63, 64 bytes, one much longer).
@Suite struct SumLargePairTests {
    @Test func pairedLargeFilesGiveSha256sumsLines() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            i=0
            for size in 5242935 5242936 9437247 6291520 4198400 12582913; do
                i=$((i + 1)); head -c $size /dev/urandom > f$i
            done
            sha256sum f1 f2 f3 f4 f5 f6 > expected
            for p in 1 2 3; do
                "$BALE" sum -p $p f1 f2 f3 f4 f5 f6 > got; echo "-p $p: status $?"
                cmp -s got expected && echo "-p $p: sha256sum's lines"
            done
            mkdir tree && mv f? tree/
            "$BALE" sum -p 2 tree | sed 's|tree/||' | cmp -s - expected && echo "tree: sha256sum's lines"
            """#)
        #expect(run.stdout == """
            -p 1: status 0
            -p 1: sha256sum's lines
            -p 2: status 0
            -p 2: sha256sum's lines
            -p 3: status 0
            -p 3: sha256sum's lines
            tree: sha256sum's lines

            """, "\(run.stdout)\(run.stderr)")
    }
}
