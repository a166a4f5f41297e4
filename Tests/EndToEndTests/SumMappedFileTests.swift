import Foundation
import Testing

/// `bale sum` of files large enough to be hashed from a mapping
/// (`FileHasher.mappedFrom`, 32 MiB, a window of 32 MiB at a time): at
/// the threshold, across a window's end and past several windows, the
/// digests are sha256sum's, listed by the walk or named on the command
/// line, and with `-c`.
@Suite struct SumMappedFileTests {
    @Test func mappedFilesAgreeWithSha256sum() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir t
            seq 1 12000000 > numbers
            for n in 33554431 33554432 33554433 67108864 71123457; do head -c $n numbers > t/f$n; done
            rm numbers
            "$BALE" sum -p 2 t > bale.sum; echo "status=$?"
            find t -type f -print0 | xargs -0 sha256sum | sort > ref.sum
            sort bale.sum | cmp - ref.sum && echo "same as sha256sum"
            "$BALE" sum -p 2 t/f33554433 t/f71123457 | cmp - <(sha256sum t/f33554433 t/f71123457) && echo "named: same"
            "$BALE" sum --quiet -c ref.sum; echo "check status=$?"
            """#)
        #expect(run.stdout == """
            status=0
            same as sha256sum
            named: same
            check status=0

            """, "\(run.stdout)\(run.stderr)")
    }
}
