import Foundation
import Testing

/// `gunzip -cf` (gzip's `zcat -f`): an input that is not gzip is copied to
/// standard output as it is, so one command reads a mix of compressed and
/// plain files, from files and pipes, small and large (the parallel path).
/// Without -c, or without -f, such an input is still an error.
@Suite struct GunzipPassThroughTests {
    @Test func plainInputsAreCopiedWithForceToStandardOutput() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            seq 1 3 > plain && seq 4 6 | gzip > small.gz && : > empty
            head -c 5000000 "$FIXTURES/mixed" > big && "$BALE" gzip -k big && gzip -c big > gnu.gz
            printf '\037' > onebyte
            for tool in gzip "$BALE gzip"; do
                $tool -dcf plain small.gz empty onebyte plain > "out.$(basename ${tool%% *})"; echo "files=$?"
            done
            cmp out.gzip out.bale && echo "same bytes as gzip -dcf"
            cat plain | "$BALE" gunzip -cf | cmp - plain && echo "plain from a pipe"
            cat big | "$BALE" gunzip -cf | cmp - big && echo "large plain from a pipe"
            "$BALE" gunzip -cf < big | cmp - big && echo "large plain file"
            cat big.gz | "$BALE" gunzip -cf | cmp - big && echo "bale's gzip from a pipe"
            cat gnu.gz | "$BALE" gunzip -cf | cmp - big && echo "gzip's from a pipe"
            "$BALE" gunzip -cf big.gz | cmp - big && echo "bale's gzip file"
            "$BALE" gunzip -c plain; echo "without -f=$?"
            cp plain plain.gz; "$BALE" gunzip -f plain.gz; echo "without -c=$?"
            "$BALE" gunzip -cf plain > /dev/full; echo "full=$?"
            """#)
        #expect(run.stdout == """
            files=0
            files=0
            same bytes as gzip -dcf
            plain from a pipe
            large plain from a pipe
            large plain file
            bale's gzip from a pipe
            gzip's from a pipe
            bale's gzip file
            without -f=1
            without -c=1
            full=1

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == """
            bale: plain: not in gzip format
            bale: plain.gz: not in gzip format
            bale: stdout: write error: No space left on device

            """, "\(run.stderr)")
    }
}
