import Foundation
import Testing

/// The workers hash a batch's files two at a time, their rounds
/// interleaved on the SHA instructions (`FileBatchHasher`,
/// Sources/CSystem/SHA256Pair.c), each file read whole into one buffer:
/// every size through SHA-256's padding (one block, two blocks), two
/// lanes changing files at different times, and files of any size in one
/// batch must come out as sha256sum's digests, in the list's order.
@Suite struct SumPairTests {
    /// The script making `t/`: a file of each size in `sizes`, each with
    /// bytes of its own (a different stretch of the fixture).
    private static func tree(_ sizes: String) -> String {
        #"""
        mkdir t
        for n in \#(sizes); do head -c $((n + 7 * n % 4099)) "$FIXTURES/mixed" | tail -c $n > t/f$n; done
        """#
    }

    /// Every size from 0 to 130 bytes (SHA-256 pads into a second block
    /// from 56 bytes on), pages, and larger files paired with small ones
    /// (the longer one's blocks past the shorter's end hashed alone).
    @Test func sizesAroundBlocksAndUnequalPairsAgreeWithSha256sum() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.tree("$(seq 0 130) 4095 4096 4097 65471 65472 65473 65534 65535 65536 100000") + #"""

            "$BALE" sum -p 2 t > bale.sum; echo "status=$?"
            find t -type f -print0 | sort -z | xargs -0 sha256sum > ref.sum
            LC_ALL=C sort -k 2 ref.sum > ref.sorted
            cmp bale.sum ref.sorted && echo "same as sha256sum"
            "$BALE" sum -c ref.sum | grep -vc ': OK$'
            """#)
        #expect(run.stdout == """
            status=0
            same as sha256sum
            0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// One worker (`-p 1`) gets every batch: the buffer is used again and
    /// again, and each batch's digests are its own; a file larger than a
    /// batch (4 MiB) goes alone, to the one-at-a-time hasher.
    @Test func batchAfterBatchOnOneWorkerAgreesWithSha256sum() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.tree("$(seq 1 7 1500) $(seq 60000 997 70000) 1048579 5000000") + #"""

            "$BALE" sum -p 1 t > bale.sum; echo "status=$?"
            find t -type f -print0 | xargs -0 sha256sum | LC_ALL=C sort -k 2 > ref.sum
            cmp bale.sum ref.sum && echo "same as sha256sum"
            """#)
        #expect(run.stdout == """
            status=0
            same as sha256sum

            """, "\(run.stdout)\(run.stderr)")
    }
}
